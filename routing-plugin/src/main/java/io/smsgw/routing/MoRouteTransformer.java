package io.smsgw.routing;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.runtime.IngressRouting;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;

/**
 * Routes an MO from {@code sms.mo} to the queue of the account whose service number (SP_Code) is the longest
 * prefix of its destination. When no local account serves it and the gateway has a {@code gns} section, the
 * network's MO route (longest SP_Code, as the tandem answers for this gateway's region) names the gateway, and the
 * MO leaves on {@code sms.gw.<code>}; a route not known yet waits on {@code sms.route.pending} like an MT. An MO
 * nobody serves waits on {@value #UNROUTED} and is counted; so does one whose account's queue does not exist
 * ({@link AccountQueueKeeper}), counted as routed.
 */
public final class MoRouteTransformer extends RoutingTransformer {

   public static final String UNROUTED = "sms.mo.unrouted";

   @Override
   Message route(Message message, IngressRouting.Counts counts) {
      boolean waited = cameBackFromPending(message);
      giveIdIfAbsent(message); // a forward to a peer gateway needs one
      String destination = string(message, SmsProperties.DESTINATION);
      String account = router.table().mo(destination);
      if (account != null) {
         leavePending(message);
         counts.add(router.counters(account).moRouted);
         put(message, SmsProperties.ACCOUNT, account);
         to(message, router.accountTarget(account, UNROUTED, message), RoutingType.ANYCAST);
         return message;
      }
      NetworkRouting.Decision network = destination == null || destination.isEmpty()
         ? new NetworkRouting.Decision(NetworkRouting.Outcome.NO_ROUTE, null) : router.network().mo(destination);
      switch (network.outcome()) {
         case GATEWAY -> {
            leavePending(message);
            counts.add(router.network().toGateways);
            to(message, SmsAddresses.gatewayQueue(network.gateway()), RoutingType.ANYCAST);
         }
         case PENDING -> waitForRoute(message, waited, counts);
         default -> {
            leavePending(message);
            counts.add(router.moUnrouted);
            to(message, UNROUTED, RoutingType.ANYCAST);
         }
      }
      return message;
   }
}
