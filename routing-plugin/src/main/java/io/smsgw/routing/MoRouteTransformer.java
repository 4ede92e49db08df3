package io.smsgw.routing;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.smsgw.broker.LogText;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.runtime.IngressRouting;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes an MO from {@code sms.mo} to the queue of the account whose service number (SP_Code) is the longest
 * prefix of its destination. When no local account serves it and the gateway has a {@code gns} section, the
 * network's MO route (longest SP_Code, as the tandem answers for this gateway's region) names the gateway, and the
 * MO leaves on {@code sms.gw.<code>}; a route not known yet waits on {@code sms.route.pending} like an MT. An MO
 * nobody serves waits on {@value #UNROUTED}, counted and with a WARN (one per 10 s, the rest at DEBUG) that says how to
 * route it: a {@code routes.mo} prefix, then the routing bean's {@code rerouteUnroutedMo} ({@link UnroutedMo}); so does
 * one whose account's queue does not exist ({@link AccountQueueKeeper}), counted as routed.
 *
 * <p>A routed MO has no broker expiry (docs/decisions.md, "MO do not expire in the broker"): the validity a peer's FWD
 * Valid_Time or an application's time to live gave it stays as {@code smsValidityTime}, and the MO waits for its SP
 * however long that is offline. No address where MO wait has an expiry address, so an expired MO would be deleted.
 */
public final class MoRouteTransformer extends RoutingTransformer {

   public static final String UNROUTED = "sms.mo.unrouted";

   private static final Logger logger = LoggerFactory.getLogger(MoRouteTransformer.class);
   private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

   @Override
   Message route(Message message, IngressRouting.Counts counts) {
      boolean waited = cameBackFromPending(message);
      // Whatever its validity, an MO waits for its SP (or the route, or the peer gateway): nothing it could expire to
      // would tell anybody (decision "MO do not expire in the broker").
      message.setExpiration(0);
      // moved back here from sms.mo.unrouted by an operator (UnroutedMo): counted and warned about there already
      boolean rerouted = message.removeProperty(RemovedLinkQueues.REROUTED_FROM) != null;
      giveIdIfAbsent(message); // a forward to a peer gateway needs one
      String destination = string(message, SmsProperties.DESTINATION);
      String account = router.table().mo(destination);
      if (account != null) {
         leavePending(message);
         if (!rerouted || !account.equals(string(message, SmsProperties.ACCOUNT))) {
            // one that was routed to this account before and parked for want of its queue was counted then
            counts.add(router.counters(account).moRouted);
         }
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
            if (!rerouted) {
               counts.add(router.moUnrouted);
               warnUnrouted(message, destination);
            }
            to(message, UNROUTED, RoutingType.ANYCAST);
         }
      }
      return message;
   }

   /** One WARN per interval at most (per broker, whichever transformer routed the MO), the rest at DEBUG. */
   private void warnUnrouted(Message message, String destination) {
      Object id = message.getObjectProperty(SmsProperties.ID);
      AtomicLong nextWarning = router.nextUnroutedMoWarning;
      long now = System.nanoTime();
      long next = nextWarning.get();
      if (now - next >= 0 && nextWarning.compareAndSet(next, now + WARN_INTERVAL_NANOS)) {
         logger.warn("MO {} to '{}' waits on {}: no routes.mo prefix covers it; add one for its account to sms-gateway.conf,"
                        + " reload, then call the routing bean's rerouteUnroutedMo (at most one such line per {} s)",
                     id, destination == null ? "" : LogText.safe(destination), UNROUTED, TimeUnit.NANOSECONDS.toSeconds(WARN_INTERVAL_NANOS));
      } else {
         logger.debug("MO {} to '{}' waits on {}: no routes.mo prefix covers it", id,
                      destination == null ? "" : LogText.safe(destination), UNROUTED);
      }
   }
}
