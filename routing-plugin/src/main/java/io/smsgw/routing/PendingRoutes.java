package io.smsgw.routing;

import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

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

   PendingRoutes(ActiveMQServer server, SmsRouter router, ScheduledExecutorService executor) {
      this.server = server;
      this.router = router;
      this.network = router.network();
      this.executor = executor;
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
         int mt = queue.moveReferences(FLUSH_LIMIT, new Answered(SmsKind.MT, this::mt), SmsAddresses.MT_ADDRESS, false, null);
         int mo = queue.moveReferences(FLUSH_LIMIT, new Answered(SmsKind.MO, this::mo), SmsAddresses.MO_ADDRESS, false, null);
         if (mt + mo > 0) {
            logger.debug("{} MT and {} MO waiting for their route moved on", mt, mo);
         }
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

      Answered(SmsKind kind, Function<String, NetworkRouting.Decision> decide) {
         super("route of a waiting " + kind + " answered");
         this.kind = kind;
         this.decide = decide;
      }

      @Override
      public boolean match(Message message) {
         // as every reader of the kind sees it: an application's MO may carry none, its MT "mt"
         if (SmsKind.of(message.getObjectProperty(SmsProperties.KIND)) != kind) {
            return false;
         }
         String destination = RoutingTransformer.string(message, SmsProperties.DESTINATION);
         return destination == null || decide.apply(destination).outcome() != NetworkRouting.Outcome.PENDING;
      }



   }
}
