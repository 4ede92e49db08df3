package io.smsgw.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.runtime.NetworkRoutes;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the MT and MO waiting on {@code sms.route.pending} on once the tandem gateway answered their route: each
 * answered message goes back through its ingress address ({@code sms.mt} / {@code sms.mo}), routed by the divert's
 * rules, which now find the answer in memory (a peer's queue, or the no-route handling), and stored in one broker
 * transaction with its removal, a batch per transaction ({@link RoutedMove}). Messages the tandem cannot answer yet stay, durable, until it can.
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
   /** Moved on at most this many a scan; the next scan, a second later at most, takes the next ones. */
   private static final int SCAN_LIMIT = 1000;
   private static final SimpleString QUEUE = SimpleString.of(SmsAddresses.ROUTE_PENDING);

   private final ActiveMQServer server;
   private final SmsRouter router;
   private final NetworkRouting network;
   private final ScheduledExecutorService executor;
   private final AtomicBoolean scanQueued = new AtomicBoolean();
   private final RoutedMove mover;
   /** A scan left messages because a store was full; logged when it starts and when it ends, not per scan. */
   private boolean waitingForSpace;

   PendingRoutes(ActiveMQServer server, SmsRouter router, ScheduledExecutorService executor) {
      this.server = server;
      this.router = router;
      this.network = router.network();
      this.executor = executor;
      this.mover = new RoutedMove(server);
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
         // Each answered message leaves in the transaction that stores its copy, routed anew on its ingress address:
         // a store that cannot take it, or drops it, leaves it here for a later scan (decisions 131, 152).
         int mt = 0;
         int mo = 0;
         int notThere = 0;
         String fullMt = null;
         String fullMo = null;
         List<Answered> answered = answered(queue);
         // MT and MO apart, a batch of each per transaction: a full store stops the moves of its kind only, the rest of
         // that kind waits for a later scan, as the broker's move stopped per kind.
         for (SmsKind kind : KINDS) {
            List<MessageReference> refs = new ArrayList<>();
            for (Answered next : answered) {
               if (next.kind() == kind) {
                  refs.add(next.ref());
               }
            }
            if (refs.isEmpty()) {
               continue;
            }
            boolean isMt = kind == SmsKind.MT;
            RoutedMove.Result[] results = mover.moveAll(queue, refs, isMt ? SmsAddresses.MT_ADDRESS : SmsAddresses.MO_ADDRESS,
                                                        copy -> { });
            for (RoutedMove.Result result : results) {
               if (result == null) {
                  break;
               }
               switch (result) {
                  case MOVED -> {
                     if (isMt) {
                        mt++;
                     } else {
                        mo++;
                     }
                  }
                  case NOT_THERE -> notThere++;
                  case DUPLICATE -> { }
                  case FULL, REFUSED -> {
                     if (isMt) {
                        fullMt = mover.full();
                     } else {
                        fullMo = mover.full();
                     }
                  }
               }
            }
         }
         String full = fullMt != null ? fullMt : fullMo;
         if (notThere > 0) {
            RoutedMove.depage(queue); // what is still paged is read for the next scan
         }
         if (answered.size() >= SCAN_LIMIT && mt + mo > 0) {
            wake(); // more may be answered: a scan of its own, also while the tandem is down (no periodic scan then)
         }
         if (mt + mo > 0) {
            logger.debug("{} MT and {} MO waiting for their route moved on", mt, mo);
         }
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

   private static final SmsKind[] KINDS = {SmsKind.MT, SmsKind.MO};

   /** One waiting message whose route is answered now. */
   private record Answered(MessageReference ref, SmsKind kind) { }

   /**
    * The waiting MT and MO whose route is answered now (asking the tandem for the others), MT first, at most
    * {@link #SCAN_LIMIT} a scan.
    */
   private List<Answered> answered(Queue queue) {
      List<Answered> mt = new ArrayList<>();
      List<Answered> mo = new ArrayList<>();
      try (LinkedListIterator<MessageReference> refs = queue.browserIterator()) {
         while (refs.hasNext() && mt.size() + mo.size() < SCAN_LIMIT) {
            MessageReference ref = refs.next();
            Message message = ref.getMessage();
            // as every reader of the kind sees it: an application's MO may carry none, its MT "mt"
            SmsKind kind = SmsKind.of(message.getObjectProperty(SmsProperties.KIND));
            if (kind != SmsKind.MT && kind != SmsKind.MO) {
               continue;
            }
            String destination = RoutingTransformer.string(message, SmsProperties.DESTINATION);
            NetworkRouting.Decision decision = destination == null ? LOCAL
               : kind == SmsKind.MT ? mt(destination) : mo(destination);
            if (decision.outcome() != NetworkRouting.Outcome.PENDING) {
               (kind == SmsKind.MT ? mt : mo).add(new Answered(ref, kind));
            }
         }
      }
      mt.addAll(mo);
      return mt;
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
}
