package io.smsgw.smpp.client;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryReceipt;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.correlation.CorrelationStore;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks parked receipts up again. Under overload a correlation record can become durable later than the
 * receipt's wait in {@link CorrelationStore#matchReceipt}, and the receipt is parked on
 * {@code sms.dr.unmatched}; this scan retries each parked receipt that carries a key at fixed ages after it
 * was parked, and once its record is there the link emits the DR as for any matched receipt, then the
 * parked message is deleted (DR durable first: a crash in between re-emits a DR the routing plugin
 * deduplicates). Receipts whose tries are exhausted stay parked and are counted per link.
 *
 * <p>State comes from the queue itself (the park time is the message's done time), so after a restart every
 * parked receipt gets the tries that are due at its age. Runs on the link service's housekeeping thread,
 * never on an event loop; each scan browses and retries a bounded number of messages.
 */
final class ParkedReceiptRetrier {

   private static final Logger logger = LoggerFactory.getLogger(ParkedReceiptRetrier.class);
   private static final SimpleString QUEUE = SimpleString.of(LinkMessages.UNMATCHED_RECEIPTS);
   /** Parked messages browsed per scan; ones further back wait until those in front are gone. */
   static final int BROWSED_PER_SCAN = 10_000;
   /** Store lookups started per scan; the rest are due at the next scan. */
   static final int TRIES_PER_SCAN = 256;

   private final ActiveMQServer server;
   private final CorrelationStore store;
   private final Map<String, SmscLink> links;
   private final long[] delaysMillis;
   private final Executor housekeeping;
   private final ZoneId zone = ZoneId.systemDefault();
   /** Broker message id → tries made (housekeeping thread only; lost on restart, which only means a try more). */
   private final Map<Long, Integer> tries = new HashMap<>();
   /** Parked messages whose DR is being emitted or whose deletion is pending. */
   private final Set<Long> inProgress = ConcurrentHashMap.newKeySet();

   ParkedReceiptRetrier(ActiveMQServer server, CorrelationStore store, Map<String, SmscLink> links,
                        List<Long> delaysMillis, Executor housekeeping) {
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
      long now = System.currentTimeMillis();
      Map<SmscLink, Integer> exhausted = new HashMap<>();
      Set<Long> seen = new HashSet<>();
      int started = 0;
      boolean complete = true;
      try (LinkedListIterator<MessageReference> refs = queue.browserIterator()) {
         while (refs.hasNext()) {
            if (seen.size() >= BROWSED_PER_SCAN || started >= TRIES_PER_SCAN) {
               complete = false;
               break;
            }
            MessageReference ref = refs.next();
            SmsMessageReader parked = new SmsMessageReader(ref.getMessage().toCore());
            long id = ref.getMessageID();
            seen.add(id);
            String key = parked.string(SmsProperties.SMSC_MESSAGE_ID);
            SmscLink link = links.get(parked.string(SmsProperties.LINK, ""));
            if (key == null || link == null || inProgress.contains(id)) {
               continue;
            }
            int made = tries.getOrDefault(id, 0);
            if (made >= delaysMillis.length) {
               exhausted.merge(link, 1, Integer::sum);
               continue;
            }
            long parkedAt = parked.longValue(SmsProperties.DONE_TIME, parked.timestamp());
            int due = triesDue(now - parkedAt);
            if (due > made) {
               // Steps missed (a restart, a busy scan) collapse into one try.
               tries.put(id, due);
               started++;
               retry(queue, link, id, key, parked, parkedAt);
            }
         }
      } catch (RuntimeException e) {
         logger.warn("Scanning {} failed", QUEUE, e);
         return;
      }
      if (complete) {
         tries.keySet().retainAll(seen); // forget messages an operator consumed or that were re-matched
      }
      for (SmscLink link : links.values()) {
         link.parkedReceiptsExhausted = exhausted.getOrDefault(link, 0);
      }
   }

   private int triesDue(long ageMillis) {
      int due = 0;
      while (due < delaysMillis.length && delaysMillis[due] <= ageMillis) {
         due++;
      }
      return due;
   }

   private void retry(Queue queue, SmscLink link, long id, String key, SmsMessageReader parked, long parkedAt) {
      String linkId = link.config().id();
      String status = parked.string(SmsProperties.STATUS);
      SmscReceipt receipt = new SmscReceipt(key, status == null ? DeliveryState.UNKNOWN : DeliveryState.fromStat(status),
         parked.string(SmsProperties.ERROR_CODE, "000"), doneDate(parked));
      inProgress.add(id);
      store.get(linkId, key).whenComplete((found, failure) -> {
         if (failure != null || found.isEmpty()) {
            if (failure != null) {
               logger.info("SMSC link {}: parked receipt {} lookup failed: {}", linkId, key, failure.toString());
            }
            inProgress.remove(id);
            return;
         }
         logger.info("SMSC link {}: parked receipt {} matched its record; emitting the DR", linkId, key);
         link.emitRematched(found.get(), receipt, parkedAt, () -> delete(queue, id), () -> inProgress.remove(id));
      });
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
