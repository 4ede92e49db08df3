package io.smsgw.routing;

import io.smsgw.core.config.SmscLinkConfig;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Management's failover of a configured SMSC link that is not bound: the MT waiting on its queue
 * {@code sms.smsc.<link>} go back through MT routing, which sends each to another link of the route that covers its
 * number now, one that is up ({@link SmsRouter#linkFor(io.smsgw.core.config.RouteConfig.MtRoute, String, String)}
 * leaves out the link they come from). Routing only chose among links when an MT arrived, so an MT queued for a link
 * that went down waited for that link however healthy the route's other links were.
 *
 * <p>What stays on the link's queue: an MT whose route has no other link up now (or no route covers it any more, or its
 * account may no longer use it); an MT with a correlation record (decision 100: an SMSC took it, or some of its parts,
 * before a crash; the link resolves it without sending when it binds again, and the record's receipt matches there);
 * an MT the store could not answer for; anything that is not an MT. The MT the link itself holds (taken into its
 * window before the bind was lost, submit_sm perhaps unanswered) are not on the queue's list and stay with the link:
 * the SMSC may have accepted them, and another link would send them a second time. The moves are the batched moves of
 * rerouteQueue (decision 152).
 */
final class LinkFailover {

   private static final Logger logger = LoggerFactory.getLogger(LinkFailover.class);

   /**
    * What a failover did: MT moved to other links, MT left because no other link of their route is up, MT left because
    * an SMSC already accepted them (whole or in part), other messages left (not an MT, a duplicate, the store could not
    * answer), MT the link holds in its window, the address whose full store stopped the moves or null.
    */
   record Outcome(String link, long moved, long noOtherLink, long accepted, long otherLeft, long held, String full) {
      @Override
      public String toString() {
         return "SMSC link " + link + ": " + moved + " MT moved to other links of their routes; left on "
            + SmsAddresses.smscLinkQueue(link) + ": " + noOtherLink + " with no other link of their route up, " + accepted
            + " already accepted by an SMSC (correlation record: the link resolves them when it binds), " + otherLeft
            + " other (not an MT, a duplicate on the other link's queue, or the correlation store could not answer); " + held
            + " held by the link itself (taken before its bind was lost, sent when it binds again)"
            + (full == null ? "" : "; stopped while the store of " + full + " is full: call failoverLink again once it has room");
      }
   }

   private final ActiveMQServer server;
   private final SmsRouter router;
   private final RemovedLinkQueues queues;

   LinkFailover(ActiveMQServer server, SmsRouter router, RemovedLinkQueues queues) {
      this.server = server;
      this.router = router;
      this.queues = queues;
   }

   /**
    * Moves the MT waiting for {@code link} to other links of their routes that are up. Refused (IllegalArgumentException)
    * for a link the configuration does not have; (IllegalStateException) for a link that is bound, and when no other link
    * their routes name is up, saying how many MT stay.
    */
   Outcome failover(String link) throws Exception {
      GatewayRuntime runtime = router.runtime();
      boolean configured = false;
      boolean otherUp = false;
      for (SmscLinkConfig configuredLink : runtime.config().links()) {
         if (configuredLink.id().equals(link)) {
            configured = true;
         } else if (runtime.links().isUp(configuredLink.id())) {
            otherUp = true;
         }
      }
      if (!configured) {
         throw new IllegalArgumentException("No SMSC link \"" + link + "\" in sms-gateway.conf (for the queue of a removed "
                                            + "link, see rerouteQueue)");
      }
      if (runtime.links().isUp(link)) {
         throw new IllegalStateException("SMSC link " + link + " is bound: it sends what waits on its queue; a failover "
                                         + "moves the MT of a link that is down");
      }
      String queueName = SmsAddresses.smscLinkQueue(link);
      Queue queue = server.locateQueue(SimpleString.of(queueName));
      if (queue == null) {
         return new Outcome(link, 0, 0, 0, 0, 0, null);
      }
      if (!otherUp) {
         throw new IllegalStateException("No SMSC link but " + link + " is up: the " + queue.getMessageCount() + " MT on "
                                         + queueName + " would all stay; nothing was moved");
      }
      long[] left = new long[3]; // no other link up, accepted, other
      RemovedLinkQueues.Moves moves;
      synchronized (queues) {
         moves = queues.moveBack(queue, message -> fate(message, link, left));
      }
      long held = queue.getDeliveringCount();
      if (moves.moved() == 0 && left[0] > 0 && moves.full() == null) {
         throw new IllegalStateException("No other link of their routes is up: the " + left[0] + " MT waiting on " + queueName
                                         + " would stay (with " + (left[1] + left[2]) + " other messages left and " + held
                                         + " held by the link); nothing was moved");
      }
      // The pass also leaves a duplicate on its new queue, and one the link took meanwhile: counted with the others.
      long other = moves.full() == null ? Math.max(left[2], moves.left() - left[0] - left[1]) : left[2];
      Outcome outcome = new Outcome(link, moves.moved(), left[0], left[1], other, held, moves.full());
      logger.info("Failover asked for by management: {}", outcome);
      return outcome;
   }

   /**
    * Whether one message of the link's queue moves: an MT whose route has another link up and no correlation record
    * (the rule of a removed link's queue, but an MT an SMSC took stays here, with the link that took it). Counts what
    * stays in {@code left}; asked once per message that stays.
    */
   private RemovedLinkQueues.Fate fate(Message message, String link, long[] left) {
      if (SmsKind.of(message.getObjectProperty(SmsProperties.KIND)) != SmsKind.MT) {
         left[2]++;
         return RemovedLinkQueues.Fate.LEAVE;
      }
      Object destination = message.getObjectProperty(SmsProperties.DESTINATION);
      if (destination == null
          || !router.hasOtherLinkUp(destination.toString(), RoutingTransformer.routingAccount(message), link)) {
         left[0]++;
         return RemovedLinkQueues.Fate.LEAVE;
      }
      return switch (queues.fate(message)) {
         case SEND -> RemovedLinkQueues.Fate.SEND;
         case ACCEPTED, PARTLY_ACCEPTED -> {
            left[1]++;
            yield RemovedLinkQueues.Fate.LEAVE;
         }
         case LEAVE -> {
            left[2]++;
            yield RemovedLinkQueues.Fate.LEAVE;
         }
      };
   }
}
