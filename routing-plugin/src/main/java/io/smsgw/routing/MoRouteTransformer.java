package io.smsgw.routing;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;

/**
 * Routes an MO from {@code sms.mo} to the queue of the account whose service number (SP_Code) is the longest
 * prefix of its destination. An MO nobody serves waits on {@value #UNROUTED} and is counted.
 */
public final class MoRouteTransformer extends RoutingTransformer {

   public static final String UNROUTED = "sms.mo.unrouted";

   @Override
   public Message transform(Message message) {
      String account = router.table().mo(string(message, SmsProperties.DESTINATION));
      if (account == null) {
         router.moUnrouted.increment();
         to(message, UNROUTED, RoutingType.ANYCAST);
         return message;
      }
      router.counters(account).moRouted.increment();
      put(message, SmsProperties.ACCOUNT, account);
      to(message, SmsAddresses.accountQueue(account), RoutingType.ANYCAST);
      return message;
   }
}
