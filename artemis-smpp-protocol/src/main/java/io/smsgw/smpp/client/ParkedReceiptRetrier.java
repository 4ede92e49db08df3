package io.smsgw.smpp.client;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.smsgw.broker.BatchedMoves;
import io.smsgw.broker.MovedMessages;
import io.smsgw.broker.LogText;
import io.smsgw.broker.QueueBrowsing;
import io.smsgw.broker.StorageOverload;
import io.smsgw.core.config.SmscLinkConfig.ReceiptIdFormat;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryReceipt;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStore;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.impl.RoutingContextImpl;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks parked receipts up again. Under overload a correlation record can become durable later than the
 * receipt's wait in {@link CorrelationStore#matchReceipt}, and the receipt is parked on
 * {@code sms.dr.unmatched}; this scan retries each parked receipt that carries a key at fixed ages after it
 * was parked, and once its record is there the link emits the DR as for any matched receipt, then the
 * parked message is deleted (DR durable first: a crash in between re-emits a DR the routing plugin
 * deduplicates).
 *
 * <p>A parked receipt that can no longer match (its tries are all made, it has no key, or its link is no longer
 * configured and its last try's age has passed) is moved to {@code sms.dr.unmatched.exhausted}, where it stays
 * for an operator, and counted per link. Left in place, such receipts would pile up at the front of the queue and
 * use the whole browse budget of every scan, so that receipts parked after them were never tried again.
 *
 * <p>State comes from the queue itself (the park time is the message's done time, wall clock, as it must survive a
 * restart), so after a restart every parked receipt gets the tries that are due at its age. While the process runs,
 * a receipt's age follows a monotonic clock from the first scan that sees it (its wall-clock age then, plus the
 * monotonic time since): an NTP step of the wall clock neither collapses its tries into one (forward) nor delays
 * them (back). Runs on the link service's housekeeping thread, never on an event loop; each scan browses, retries and
 * moves a bounded number of messages.
 */
final class ParkedReceiptRetrier {

   private static final Logger logger = LoggerFactory.getLogger(ParkedReceiptRetrier.class);
   private static final SimpleString QUEUE = SimpleString.of(LinkMessages.UNMATCHED_RECEIPTS);
   private static final SimpleString SET_ASIDE = SimpleString.of(LinkMessages.EXHAUSTED_RECEIPTS);
   /** Parked messages browsed per scan; ones further back wait until those in front are tried or set aside. */
   static final int BROWSED_PER_SCAN = 10_000;
   /** Store lookups started per scan; the rest are due at the next scan. */
   static final int TRIES_PER_SCAN = 256;
   /**
    * Receipts moved out of the way per scan (in journal transactions of up to {@link BatchedMoves#MAX_MESSAGES}): well
    * above what exhausts in steady state, which the lookups bound, while a backlog of them (an upgrade, a restart)
    * drains without a burst.
    */
   static final int MOVED_PER_SCAN = 1_000;

   private final ActiveMQServer server;
   private final CorrelationStore store;
   private final Map<String, SmscLink> links;
   private final long[] delaysMillis;
   private final Executor housekeeping;
   private final ZoneId zone = ZoneId.systemDefault();
   /** Milliseconds of the wall clock (the parked messages' done times) and of a monotonic one; tests move both. */
   private final LongSupplier wallClock;
   private final LongSupplier monotonicClock;
   /**
    * Broker message id → when it was parked on the monotonic clock, set by the first scan that sees it (housekeeping
    * thread only; lost on restart, where the stored wall-clock age takes over). Forgotten with the message.
    */
   private final Map<Long, Long> parkedAtMonotonic = new HashMap<>();
   /**
    * Broker message id → tries made (housekeeping thread only; lost on restart, which only means a try more). Only
    * receipts still on the parking queue have one, and those leave it at their last try's age at the latest.
    */
   private final Map<Long, Integer> tries = new HashMap<>();
   /** The last scan left receipts parked because the set-aside address was full (logged when it starts). */
   private boolean setAsideFull;
   /** Parked messages whose DR is being emitted or whose deletion is pending. */
   private final Set<Long> inProgress = ConcurrentHashMap.newKeySet();

   ParkedReceiptRetrier(ActiveMQServer server, CorrelationStore store, Map<String, SmscLink> links,
                        List<Long> delaysMillis, Executor housekeeping) {
      this(server, store, links, delaysMillis, housekeeping, System::currentTimeMillis,
           () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
   }

   /** With other clocks (milliseconds each): for tests. */
   ParkedReceiptRetrier(ActiveMQServer server, CorrelationStore store, Map<String, SmscLink> links,
                        List<Long> delaysMillis, Executor housekeeping, LongSupplier wallClock, LongSupplier monotonicClock) {
      this.wallClock = wallClock;
      this.monotonicClock = monotonicClock;
      this.server = server;
      this.store = store;
      this.links = links;
      this.delaysMillis = delaysMillis.stream().mapToLong(Long::longValue).sorted().toArray();
      this.housekeeping = housekeeping;
   }

   /** One pass over the parking queue; blocks on broker reads, so housekeeping thread only. */
   void scan() {
      Queue queue = server.locateQueue(QUEUE);
      if (queue == null) {
         return;
      }
      Pass pass = new Pass(wallClock.getAsLong(), monotonicClock.getAsLong());
      try {
         // A pass another thread's removal breaks (a move, a delete, an operator's consumer taking the last one) is
         // made again under the queue's lock (decision 89); what the broken one started is not started twice.
         QueueBrowsing.browse(queue, () -> { }, ref -> pass.visit(queue, ref));
      } catch (RuntimeException e) {
         logger.warn("Scanning {} failed", QUEUE, e);
         return;
      }
      Map<Long, SmscLink> settled = pass.settled;
      setAside(queue, settled);
      if (pass.complete) {
         tries.keySet().retainAll(pass.seen); // forget messages an operator consumed or that were re-matched
      }
      // Even after a pass the browse budget cut short: it saw the front of the queue, where every message seen before
      // still is unless it left. One dropped anyway only has its age from the wall clock again.
      parkedAtMonotonic.keySet().retainAll(pass.seen);
   }

   /**
    * One scan's state. A pass made again sees the receipts before the break once more: {@code seen} and
    * {@code settled} are keyed by message, and a receipt whose try was started is in {@code inProgress} or has its
    * tries counted, so it is not tried twice.
    */
   private final class Pass {

      private final long now;
      private final long monotonicNow;
      private final Set<Long> seen = new HashSet<>();
      /** Receipts that can no longer match, with their link (null when it is not configured), in queue order. */
      private final Map<Long, SmscLink> settled = new LinkedHashMap<>();
      private int started;
      private boolean complete = true;

      Pass(long now, long monotonicNow) {
         this.now = now;
         this.monotonicNow = monotonicNow;
      }

      /**
       * The receipt's age: by the monotonic clock since the first scan of this process that saw it, which took its
       * wall-clock age then (none if the wall clock is now before its park time).
       */
      private long age(long id, long parkedAt) {
         Long since = parkedAtMonotonic.get(id);
         if (since == null) {
            since = monotonicNow - Math.max(0, now - parkedAt);
            parkedAtMonotonic.put(id, since);
         }
         return monotonicNow - since;
      }

      /** Returns false to end the pass: the browse budget is used. */
      boolean visit(Queue queue, MessageReference ref) {
         long id = ref.getMessageID();
         if (!seen.contains(id) && seen.size() >= BROWSED_PER_SCAN) {
            complete = false;
            return false;
         }
         seen.add(id);
         if (inProgress.contains(id)) {
            return true;
         }
         SmsMessageReader parked = new SmsMessageReader(ref.getMessage().toCore());
         String key = parked.string(SmsProperties.SMSC_MESSAGE_ID);
         SmscLink link = links.get(parked.string(SmsProperties.LINK, ""));
         long parkedAt = parked.longValue(SmsProperties.DONE_TIME, parked.timestamp());
         int due = triesDue(age(id, parkedAt));
         int made = tries.getOrDefault(id, 0);
         // An id longer than a record holds can never match (its lookup would fail each time and give its try back).
         if (key == null || key.length() > CorrelationRecord.MAX_ID_LENGTH || made >= delaysMillis.length
             || (link == null && due >= delaysMillis.length)) {
            if (settled.size() < MOVED_PER_SCAN) {
               settled.put(id, link);
            }
            return true;
         }
         if (link != null && due > made && started < TRIES_PER_SCAN) {
            // Steps missed (a restart, a busy scan) collapse into one try.
            tries.put(id, due);
            started++;
            retry(queue, link, id, key, parked, parkedAt, made);
         }
         return true;
      }
   }

   /**
    * Moves receipts that can no longer match to {@code sms.dr.unmatched.exhausted} (each copy in the transaction of its
    * removal, a batch of them per transaction, the copy naming where it came from, as Artemis' move makes it; the
    * broker's plugins hear of each move), out of the way of the receipts
    * parked after them. One that is not found in memory (paged out, taken by an operator) is tried at a later scan.
    * A set-aside address that cannot take a receipt stops the moves: the rest stays parked for a later scan.
    */
   private void setAside(Queue queue, Map<Long, SmscLink> settled) {
      if (settled.isEmpty() || !setAsideQueueExists()) {
         return;
      }
      List<Long> ids = new ArrayList<>(settled.keySet());
      int[] moved = {0};
      BatchedMoves.Effect[] effects;
      try {
         PagingManager paging = server.getPagingManager();
         PagingStore setAsideStore = paging.getPageStore(SET_ASIDE);
         effects = BatchedMoves.move(server, ids, new BatchedMoves.Mover<>() {
            @Override
            public BatchedMoves.Effect move(int index, Long id, Transaction tx, BatchedMoves.Moves moves) throws Exception {
               return setAside(queue, id, paging, setAsideStore, tx, moves);
            }

            @Override
            public void committed(int index) {
               // counted per commit, so the batches that committed before a failing one still count
               long id = ids.get(index);
               moved[0]++;
               tries.remove(id);
               parkedAtMonotonic.remove(id);
               SmscLink link = settled.get(id);
               if (link != null) {
                  link.parkedReceiptsExhausted.incrementAndGet();
               }
            }
         });
      } catch (Exception e) {
         logger.warn("Moving parked receipts to {} failed; those not moved stay parked", SET_ASIDE, e);
         return;
      }
      String full = null;
      for (BatchedMoves.Effect effect : effects) {
         if (effect == BatchedMoves.Effect.REFUSED || effect == BatchedMoves.Effect.FAILED_STOP) {
            full = SET_ASIDE + " is full";
            break;
         }
      }
      if (moved[0] > 0) {
         logger.info("{} parked receipt(s) that can no longer match moved from {} to {}", moved[0], QUEUE, SET_ASIDE);
      }
      if (full != null && !setAsideFull) {
         logger.warn("Parked receipts that can no longer match stay on {} while {}; they move once it has room", QUEUE, full);
      }
      setAsideFull = full != null;
   }

   /**
    * Moves one parked receipt to {@code sms.dr.unmatched.exhausted} in the batch's transaction. Artemis' own move
    * acknowledged the receipt whatever became of its copy: a set-aside address full under DROP dropped the copy and the
    * receipt was gone, and under BLOCK or with the disk full the copy was stored past the limit. Here its store is asked
    * first and the copy is checked after its route (a DROP store that filled in between drops it, a FAIL one throws):
    * the batch rolls back and its receipts stay parked, as they were (decisions 146, 152).
    */
   private BatchedMoves.Effect setAside(Queue queue, long id, PagingManager paging, PagingStore setAsideStore,
                                        Transaction tx, BatchedMoves.Moves moves) throws Exception {
      if (StorageOverload.refusal(paging, setAsideStore) != null) {
         return BatchedMoves.Effect.REFUSED;
      }
      MessageReference ref = queue.removeReferenceWithID(id);
      if (ref == null) {
         return BatchedMoves.Effect.UNCHANGED;
      }
      queue.referenceHandled(ref);
      queue.acknowledge(tx, ref);
      MovedMessages.putBackAsItWasOnRollback(tx);
      Message copy = MovedMessages.copyAsMoved(ref.getMessage(), SET_ASIDE, queue.getName(), server.getStorageManager());
      RoutingStatus status;
      try {
         status = server.getPostOffice().route(copy, new RoutingContextImpl(tx), false, false, null);
      } catch (ActiveMQAddressFullException fail) {
         return BatchedMoves.Effect.FAILED_STOP; // FAIL, filled after the question
      }
      if (status != RoutingStatus.NO_BINDINGS && copy.isDropped()) {
         return BatchedMoves.Effect.FAILED_STOP;
      }
      moves.moved(ref, SET_ASIDE, copy, status);
      return BatchedMoves.Effect.MOVED;
   }

   /** The move routes to the address: without a queue there the receipts would be dropped, so one is made first. */
   private boolean setAsideQueueExists() {
      if (server.locateQueue(SET_ASIDE) != null) {
         return true;
      }
      try {
         server.createQueue(QueueConfiguration.of(SET_ASIDE).setAddress(SET_ASIDE).setRoutingType(RoutingType.ANYCAST)
                               .setDurable(true).setAutoCreateAddress(true), true);
         return true;
      } catch (Exception e) {
         logger.warn("Could not create {}; receipts that can no longer match stay on {}", SET_ASIDE, QUEUE, e);
         return false;
      }
   }

   private int triesDue(long ageMillis) {
      int due = 0;
      while (due < delaysMillis.length && delaysMillis[due] <= ageMillis) {
         due++;
      }
      return due;
   }

   /**
    * Looks the receipt up; {@code made} is the count of tries before this one. A lookup the store fails (refused under
    * overload, a read error) or a DR that cannot be stored is no try: the count goes back, so it is made again at the
    * next scan. Counted, the last try's failure would set the receipt aside without a real lookup.
    */
   private void retry(Queue queue, SmscLink link, long id, String key, SmsMessageReader parked, long parkedAt, int made) {
      String linkId = link.config().id();
      String status = parked.string(SmsProperties.STATUS);
      SmscReceipt receipt = new SmscReceipt(key, status == null ? DeliveryState.UNKNOWN : DeliveryState.fromStat(status),
         parked.string(SmsProperties.ERROR_CODE, "000"), doneDate(parked));
      // A receipt known only by its content is checked against its record's recipient, as on arrival: one from another
      // number is the MO it is and leaves the parking queue as one, not to be set aside later as an unmatched receipt.
      LinkMessages.MoPdu byContent = LinkMessages.parkedByContent(parked);
      inProgress.add(id);
      // A receipt parked before as-given ids were keyed tolerantly (an upgrade) carries the id as the SMSC wrote it;
      // its record is under that id when stored before the upgrade, under the tolerant key when stored after. Looked up
      // as on arrival: in the link's correlation group, which the links bound to its SMSC account share, then under the
      // link's own name (records stored before groups).
      String tolerant = link.config().receiptIdFormat() == ReceiptIdFormat.AS_GIVEN ? ReceiptIds.tolerant(key) : key;
      link.findRecord(store, tolerant, tolerant.equals(key) ? null : key, false).whenComplete((found, failure) -> {
         if (failure != null || found.isEmpty()) {
            if (failure != null) {
               // Per receipt, so DEBUG; the link's log summary counts them.
               link.parkedLookupsFailed.incrementAndGet();
               logger.debug("SMSC link {}: parked receipt {} lookup failed: {}", linkId, LogText.safe(key), failure.toString());
               notTried(id, made);
               return;
            }
            inProgress.remove(id);
            return;
         }
         if (byContent != null && !link.fromRecipient(found.get(), byContent)) {
            link.emitParkedAsMo(key, byContent, id, () -> delete(queue, id), () -> notTried(id, made));
            return;
         }
         logger.debug("SMSC link {}: parked receipt {} matched its record; emitting the DR", linkId, LogText.safe(key));
         link.emitRematched(found.get(), receipt, parkedAt, () -> delete(queue, id), () -> notTried(id, made));
      });
   }

   /**
    * Gives back the try a failed lookup or DR took (on the housekeeping thread, which owns {@code tries}), then lets
    * the next scan try the receipt again; in that order, so no scan sees it free with the try still counted.
    */
   private void notTried(long id, int made) {
      try {
         housekeeping.execute(() -> {
            if (made == 0) {
               tries.remove(id);
            } else {
               tries.put(id, made);
            }
            inProgress.remove(id);
         });
      } catch (RejectedExecutionException e) {
         inProgress.remove(id); // stopping: after the start its tries are counted from its age again
      }
   }

   /** After the DR is durable: the parked copy goes (off the event loop, the deletion waits for the journal). */
   private void delete(Queue queue, long id) {
      try {
         housekeeping.execute(() -> {
            try {
               if (!queue.deleteReference(id)) {
                  logger.info("Parked receipt {} could not be deleted (being delivered?); it stays parked", id);
               }
            } catch (Exception e) {
               logger.warn("Deleting parked receipt {} failed; it stays parked", id, e);
            } finally {
               tries.remove(id);
               parkedAtMonotonic.remove(id);
               inProgress.remove(id);
            }
         });
      } catch (RejectedExecutionException e) {
         // Stopping: the message stays parked and is matched again (and its DR deduplicated) after the start.
         inProgress.remove(id);
      }
   }

   /** The receipt's own done date when its text has one; otherwise the DR uses the park time. */
   private LocalDateTime doneDate(SmsMessageReader parked) {
      if (!parked.hasTextBody()) {
         return null;
      }
      String text = parked.text();
      return text == null ? null : DeliveryReceipt.parse(text).map(DeliveryReceipt::doneDate).orElse(null);
   }
}
