package io.smsgw.routing;

import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.smsgw.broker.StorageOverload;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.runtime.NetworkRoutes;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the MT and MO waiting on {@code sms.route.pending} on once the tandem gateway answered their route: each
 * answered message goes back to its ingress address ({@code sms.mt} / {@code sms.mo}), in one broker transaction
 * with its removal, where the routing divert now finds the answer in memory (a peer's queue, or the no-route
 * handling). Messages the tandem cannot answer yet stay, durable, until it can.
 *
 * <p>Runs on a thread of its own: when an answer arrives or the tandem comes back, and every second while the
 * tandem is reachable (which also resumes what waited across a broker restart, and a message whose answer arrived
 * before it reached the queue).
 */
final class PendingRoutes {

   private static final Logger logger = LoggerFactory.getLogger(PendingRoutes.class);
   /** When the message first waited for its route (epoch ms); also tells the divert not to count it again. */
   static final SimpleString SINCE = SimpleString.of("smsRoutePendingSince");
   static final long SCAN_MILLIS = 1000;
   private static final int FLUSH_LIMIT = 1000;
   private static final SimpleString QUEUE = SimpleString.of(SmsAddresses.ROUTE_PENDING);

   private final ActiveMQServer server;
   private final SmsRouter router;
   private final NetworkRouting network;
   private final ScheduledExecutorService executor;
   private final AtomicBoolean scanQueued = new AtomicBoolean();
   private final MoveStorage storage;
   /** A scan left messages because a store was full; logged when it starts and when it ends, not per scan. */
   private boolean waitingForSpace;

   PendingRoutes(ActiveMQServer server, SmsRouter router, ScheduledExecutorService executor) {
      this.server = server;
      this.router = router;
      this.network = router.network();
      this.executor = executor;
      this.storage = new MoveStorage(server);
   }

   void start() {
      network.onAnswer(this::wake);
      // a local route added by a reload or by management is an answer too, also while the tandem is down
      router.onRoutesChanged(this::wake);
      executor.scheduleWithFixedDelay(this::periodicScan, SCAN_MILLIS, SCAN_MILLIS, TimeUnit.MILLISECONDS);
   }

   void stop() {
      network.onAnswer(() -> { });
      router.onRoutesChanged(() -> { });
      executor.shutdownNow();
   }

   /** Asks for a scan soon; many calls before it runs make one scan. */
   void wake() {
      if (scanQueued.compareAndSet(false, true)) {
         try {
            executor.execute(this::scan);
         } catch (java.util.concurrent.RejectedExecutionException stopped) {
            scanQueued.set(false);
         }
      }
   }

   private void periodicScan() {
      Optional<NetworkRoutes> routes = network.routes();
      // while the tandem is down nothing new can be answered: its return wakes the scan
      if (routes == null || routes.isPresent() && routes.get().whenAvailable().toCompletableFuture().isDone()) {
         scan();
      }
   }

   private void scan() {
      scanQueued.set(false);
      Queue queue = server.locateQueue(QUEUE);
      if (queue == null || queue.getMessageCount() == 0) {
         return;
      }
      try {
         // The broker's move removes each message whatever became of its copy (a full DROP address drops it): the
         // stores are asked first, and what a full store would lose waits here for a later scan (decision 131).
         Answered mtMoves = new Answered(SmsKind.MT, this::mt, this::mtRefusal);
         int mt = queue.moveReferences(FLUSH_LIMIT, mtMoves, SmsAddresses.MT_ADDRESS, false, null);
         Answered moMoves = new Answered(SmsKind.MO, this::mo, this::moRefusal);
         int mo = queue.moveReferences(FLUSH_LIMIT, moMoves, SmsAddresses.MO_ADDRESS, false, null);
         if (mt + mo > 0) {
            logger.debug("{} MT and {} MO waiting for their route moved on", mt, mo);
         }
         String full = mtMoves.full != null ? mtMoves.full : moMoves.full;
         if (full != null && !waitingForSpace) {
            logger.warn("Messages whose route is answered stay on {} while the store of {} is full; they move on once it "
                        + "has room", SmsAddresses.ROUTE_PENDING, full);
         } else if (full == null && waitingForSpace) {
            logger.info("{}: the stores have room again, waiting messages move on", SmsAddresses.ROUTE_PENDING);
         }
         waitingForSpace = full != null;
      } catch (Exception e) {
         logger.warn("Moving messages on from {} failed; they stay and are tried again", SmsAddresses.ROUTE_PENDING, e);
      }
   }

   /** A local route decides first, as in the divert: one added since the MT waited answers it without the tandem. */
   private NetworkRouting.Decision mt(String destination) {
      return router.table().mt(destination) != null ? LOCAL : network.mt(destination);
   }

   private NetworkRouting.Decision mo(String serviceNumber) {
      return router.table().mo(serviceNumber) != null ? LOCAL : network.mo(serviceNumber);
   }

   /** Where a store could not take this MT's move now (address and cause), or null. */
   private String mtRefusal(String destination, NetworkRouting.Decision decision) {
      StorageOverload.Cause cause = storage.mtRefusal(destination == null ? null : router.table().mt(destination));
      return cause != null ? SmsAddresses.MT + " or its link's queue (" + cause.tag() + ")" : peerRefusal(decision);
   }

   private String moRefusal(String serviceNumber, NetworkRouting.Decision decision) {
      StorageOverload.Cause cause = storage.refusal(SmsAddresses.MO);
      return cause != null ? SmsAddresses.MO + " (" + cause.tag() + ")" : peerRefusal(decision);
   }

   private String peerRefusal(NetworkRouting.Decision decision) {
      if (decision.outcome() != NetworkRouting.Outcome.GATEWAY || decision.gateway() == null) {
         return null;
      }
      String queue = SmsAddresses.gatewayQueue(decision.gateway());
      StorageOverload.Cause cause = storage.refusal(queue);
      return cause == null ? null : queue + " (" + cause.tag() + ")";
   }

   /** Any outcome but PENDING: the divert routes it locally. */
   private static final NetworkRouting.Decision LOCAL = new NetworkRouting.Decision(NetworkRouting.Outcome.NOT_CONFIGURED, null);

   /** Number of messages waiting for their route. */
   long waiting() {
      Queue queue = server.locateQueue(QUEUE);
      return queue == null ? 0 : queue.getMessageCount();
   }

   /** Matches the waiting messages of one kind whose route is answered now (asking the tandem for the others). */
   private static final class Answered extends MessageFilter {

      private final SmsKind kind;
      private final Function<String, NetworkRouting.Decision> decide;
      private final BiFunction<String, NetworkRouting.Decision, String> refusal;
      /** The first full store met (address and cause): nothing more matches, the rest waits for a later scan. */
      String full;

      Answered(SmsKind kind, Function<String, NetworkRouting.Decision> decide,
               BiFunction<String, NetworkRouting.Decision, String> refusal) {
         super("route of a waiting " + kind + " answered");
         this.kind = kind;
         this.decide = decide;
         this.refusal = refusal;
      }

      @Override
      public boolean match(Message message) {
         // as every reader of the kind sees it: an application's MO may carry none, its MT "mt"
         if (SmsKind.of(message.getObjectProperty(SmsProperties.KIND)) != kind) {
            return false;
         }
         if (full != null) {
            return false;
         }
         String destination = RoutingTransformer.string(message, SmsProperties.DESTINATION);
         NetworkRouting.Decision decision = destination == null ? LOCAL : decide.apply(destination);
         if (decision.outcome() == NetworkRouting.Outcome.PENDING) {
            return false;
         }
         // called right before the broker copies the message, so a store that filled in between is seen
         full = refusal.apply(destination, decision);
         return full == null;
      }
   }
}
