package io.smsgw.routing;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;

/**
 * Routes an MT from {@code sms.mt} to the queue of the SMSC link its destination's route names. An MT no
 * route covers becomes an UNDELIV report with error code {@value #NO_ROUTE} on {@code sms.dr}, so its sender
 * hears about it instead of waiting forever. MT from applications get an smsId and submit time if they have
 * none, so their reports correlate like everybody else's.
 */
public final class MtRouteTransformer extends RoutingTransformer {

   /** smsErrorCode of the report for an MT no route covers. */
   public static final String NO_ROUTE = "100";

   @Override
   public Message transform(Message message) {
      if (string(message, SmsProperties.ID) == null) {
         put(message, SmsProperties.ID, router.runtime().nextSmppMessageId(true));
      }
      if (message.getObjectProperty(SmsProperties.SUBMIT_TIME) == null) {
         message.putLongProperty(SmsProperties.SUBMIT_TIME, System.currentTimeMillis());
      }
      if (string(message, SmsProperties.KIND) == null) {
         put(message, SmsProperties.KIND, SmsKind.MT.name());
      }
      AccountCounters counters = router.counters(account(message));
      counters.submitted.increment();
      String destination = string(message, SmsProperties.DESTINATION);
      String link = destination == null ? null : router.linkFor(destination, account(message));
      if (link != null) {
         put(message, SmsProperties.LINK, link);
         to(message, SmsAddresses.smscLinkQueue(link), RoutingType.ANYCAST);
         return message;
      }
      counters.unrouted.increment();
      // No route: the MT ends here, as a report to its sender.
      String source = string(message, SmsProperties.SOURCE);
      put(message, SmsProperties.KIND, SmsKind.DR.name());
      put(message, SmsProperties.STATUS, "UNDELIV");
      put(message, SmsProperties.ERROR_CODE, NO_ROUTE);
      message.removeProperty(SmsProperties.SOURCE);
      message.removeProperty(SmsProperties.DESTINATION);
      put(message, SmsProperties.SOURCE, destination);
      put(message, SmsProperties.DESTINATION, source);
      message.putLongProperty(SmsProperties.DONE_TIME, System.currentTimeMillis());
      to(message, SmsAddresses.DR, RoutingType.ANYCAST);
      return message;
   }

}
