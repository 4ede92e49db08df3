package io.smsgw.routing;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.contract.SubmitTimes;
import io.smsgw.core.config.RouteConfig;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.runtime.IngressRouting;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;

/**
 * Routes an MT from {@code sms.mt}: to the queue of the SMSC link its destination's local route names; when no
 * local route covers it and the gateway has a {@code gns} section, to the queue {@code sms.gw.<code>} of the
 * gateway the network's routes name. A route not known yet sends it to {@code sms.route.pending} to wait for the
 * tandem's answer (never blocking the sender); {@link PendingRoutes} brings it back here once answered. An MT
 * that cannot be routed becomes an UNDELIV report on {@code sms.dr}, so its sender hears about it instead of
 * waiting forever: error {@value #NO_ROUTE} no route, {@value #NO_LOCAL_ROUTE} the network routes it to this
 * gateway but no local route covers it, {@value #NOT_A_PEER} the network routes it to a gateway that is not a
 * configured peer, {@value #NOT_FORWARDABLE} the network routes it to another gateway but its smsId is no CMPP
 * Msg_Id (an SMPP 3.3 session's 8-digit id), which CMPP_FWD cannot carry. MT from applications get an smsId and submit time if they have none, so their reports
 * correlate like everybody else's; one whose smsSubmitTime is no time in epoch milliseconds, or whose body is neither a
 * text nor bytes or is empty ({@link MtBody}), ends with a REJECTD report, error {@value #REFUSED}. What routing stores
 * is durable whatever the sender asked for: the MT on its link's queue, and so the reports and billing records made
 * from it. Counters count once the routed message is stored ({@link StoredCounts}).
 */
public final class MtRouteTransformer extends RoutingTransformer {

   /** smsErrorCode of the report for an MT no route covers. */
   public static final String NO_ROUTE = "100";
   /** smsErrorCode: the network's route names this gateway, which has no local route for the number. */
   public static final String NO_LOCAL_ROUTE = "103";
   /** smsErrorCode: the network's route names a gateway that is not a configured peer. */
   public static final String NOT_A_PEER = "104";
   /**
    * smsErrorCode: the network routes it to another gateway, but its smsId is not the 16-hex-digit CMPP Msg_Id
    * that FWD carries and that brings its report home (an SMPP 3.3 session's ids have 8 digits).
    */
   public static final String NOT_FORWARDABLE = "105";
   /**
    * smsErrorCode (with REJECTD) of an MT whose smsSubmitTime is no time in epoch milliseconds ({@link SubmitTimes}),
    * or of an application's MT without a text or bytes body to send ({@link MtBody}): what the SMSC link answers other
    * properties it cannot read with (decision 56).
    */
   public static final String REFUSED = "069";

   @Override
   Message route(Message message, IngressRouting.Counts counts) {
      return route(message, counts, false);
   }

   /** What the divert hands over is an application's MT, unless it comes back from waiting for a route or a link. */
   @Override
   Message routeDiverted(Message message, IngressRouting.Counts counts) {
      return route(message, counts, true);
   }

   private Message route(Message message, IngressRouting.Counts counts, boolean diverted) {
      if (!message.isDurable()) {
         // An application's NON_PERSISTENT send: the MT on the link's queue, its reports and billing records are copies
         // of this one, kept through a restart whatever the sender chose (docs/decisions.md, "Routing stores an MT
         // durable").
         message.setDurable(true);
      }
      boolean waited = cameBackFromPending(message);
      boolean rerouted = reroutedFromRemovedLink(message);
      giveIdIfAbsent(message);
      Object submitTime = message.getObjectProperty(SmsProperties.SUBMIT_TIME);
      if (submitTime == null) {
         message.putLongProperty(SmsProperties.SUBMIT_TIME, System.currentTimeMillis());
      }
      if (message.getObjectProperty(SmsProperties.KIND) == null) {
         message.putStringProperty(SmsProperties.KIND, SmsKind.MT.propertyValue());
      }
      // An MT a peer gateway forwarded was held to its account's limits where the SP submitted it (multi-gateway.md,
      // "Trust between gateways"): an account of the same name here neither restricts its routes nor counts it.
      String account = routingAccount(message);
      AccountCounters counters = router.counters(account);
      if (!waited && !rerouted) {
         counts.add(counters.submitted);
         if (submitTime != null && !SubmitTimes.acceptable(submitTime, System.currentTimeMillis())) {
            // The report says when the gateway took it; the MT's own value is no time.
            message.putLongProperty(SmsProperties.SUBMIT_TIME, System.currentTimeMillis());
            return endWithReport(message, counters, counts, "REJECTD", REFUSED);
         }
         if (diverted && !MtBody.sendable(message)) {
            // A map, an object, a stream, no body or an empty one: nothing the handset should get, nor be billed for.
            // The gateway's own senders only make text and bytes, so only what the divert hands over is looked into.
            return endWithReport(message, counters, counts, "REJECTD", REFUSED);
         }
      }
      String destination = string(message, SmsProperties.DESTINATION);
      // One read of the table: a reload between two reads could find the route in one table and no link in the next.
      RouteConfig.MtRoute local = destination == null ? null : router.table().mt(destination);
      // An MT moved off a link's queue (a failover, a removed link) goes to another link of its route if it has one;
      // the parts of a long message its submitter split go to one link (PartAffinity).
      String link = local == null ? null
         : router.linkFor(local, account, rerouted ? movedFromLink(message) : null, message);
      if (link != null) {
         leavePending(message);
         put(message, SmsProperties.LINK, link);
         to(message, SmsAddresses.smscLinkQueue(link), RoutingType.ANYCAST);
         return message;
      }
      if (local != null || destination == null) {
         return noRoute(message, counters, counts, NO_ROUTE); // covered here, but not for this account
      }
      NetworkRouting.Decision network = router.network().mt(destination);
      return switch (network.outcome()) {
         case GATEWAY -> {
            String id = string(message, SmsProperties.ID);
            if (CmppMsgId.parseHex(id).isEmpty()) {
               // The FWD link could only dead-letter it, and no report could find its way back to this id.
               yield noRoute(message, counters, counts, NOT_FORWARDABLE);
            }
            travelWithOwnId(message, id);
            leavePending(message);
            counts.add(router.network().toGateways);
            to(message, SmsAddresses.gatewayQueue(network.gateway()), RoutingType.ANYCAST);
            yield message;
         }
         case PENDING -> waitForRoute(message, waited, counts);
         case HOME_WITHOUT_LOCAL_ROUTE -> noRoute(message, counters, counts, NO_LOCAL_ROUTE);
         case NOT_A_PEER -> noRoute(message, counters, counts, NOT_A_PEER);
         case NO_ROUTE, NOT_CONFIGURED -> noRoute(message, counters, counts, NO_ROUTE);
      };
   }

   /**
    * An MT submitted here whose id another gateway issued (an application's own id) crosses with a new id of this
    * gateway: the peers send its reports home by the id's issuer, and the one the id named could be the peer itself.
    * The forward record keeps the submitted id, which the reports carry again (multi-gateway.md).
    */
   private void travelWithOwnId(Message message, String id) {
      if (message.getObjectProperty(SmsProperties.ORIGIN_GATEWAY) != null
          || message.getObjectProperty(SmsProperties.SUBMITTED_ID) != null) {
         return; // passed on from a peer (its reports go back hop by hop), or given one already
      }
      String code = router.runtime().config().code();
      if (CmppMsgId.issuingGateway(id).map(code::equals).orElse(false)) {
         return;
      }
      put(message, SmsProperties.SUBMITTED_ID, id);
      put(message, SmsProperties.ID, router.runtime().nextSmppMessageId(true));
   }

   private Message noRoute(Message message, AccountCounters counters, IngressRouting.Counts counts, String errorCode) {
      return endWithReport(message, counters, counts, "UNDELIV", errorCode);
   }

   /** The MT ends here, as a report to its sender. */
   private Message endWithReport(Message message, AccountCounters counters, IngressRouting.Counts counts, String status, String errorCode) {
      leavePending(message);
      counts.add(counters.unrouted);
      message.putStringProperty(SmsProperties.KIND, SmsKind.DR.propertyValue());
      put(message, SmsProperties.STATUS, status);
      put(message, SmsProperties.ERROR_CODE, errorCode);
      ReportAddresses.swap(message);
      message.putLongProperty(SmsProperties.DONE_TIME, System.currentTimeMillis());
      // The MT's validity is not the report's: the report and its billing records (copies of it) wait for their readers.
      message.setExpiration(0);
      to(message, SmsAddresses.DR, RoutingType.ANYCAST);
      return message;
   }
}
