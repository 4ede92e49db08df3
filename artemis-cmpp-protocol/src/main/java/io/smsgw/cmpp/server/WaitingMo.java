package io.smsgw.cmpp.server;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.runtime.TrafficCounters;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;

/**
 * QUERY's MO_WT: the MO waiting on an SP's queue, counted by a walk of the queue (paged messages included). QUERY_RESP
 * has no status to refuse with, so QUERYs sent back to back are not refused: one walk counts the queue's MO by day and
 * Service_Id, and those counts answer every QUERY of the account, for any day and Service_Id, for {@link #DEFAULT_MAX_AGE}
 * after the walk ended; QUERYs that come while a walk runs wait for it (decisions.md: QUERY's walk is shared). One per
 * acceptor; thread-safe.
 */
final class WaitingMo {

   /** How long a walk's counts answer QUERYs, from the end of the walk. */
   static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(5);
   private static volatile long maxAgeNanos = DEFAULT_MAX_AGE.toNanos();
   /** Walks of an SP queue made so far, by every acceptor of the JVM (for tests). */
   private static final AtomicLong WALKS = new AtomicLong();

   /** The latest walk of each SP queue asked about, while it runs or its counts are recent. */
   private final Map<SimpleString, Walk> latest = new ConcurrentHashMap<>();

   /** For tests only: how long a walk's counts answer QUERYs. */
   static void maxAge(Duration age) {
      maxAgeNanos = age.toNanos();
   }

   static long walks() {
      return WALKS.get();
   }

   /**
    * The counts of the SP's queue {@code queueName}: a walk's that is running or ended less than the max age ago, else
    * those of a walk made here, on the caller's thread (a session's broker executor, never an event loop). The future
    * completes on the thread of the walk.
    */
   CompletableFuture<Counts> counts(ActiveMQServer server, TrafficCounters traffic, SimpleString queueName) {
      long now = System.nanoTime();
      Walk recent = latest.get(queueName);
      if (recent != null && recent.answers(now)) {
         return recent.counts;
      }
      Walk mine = new Walk();
      Walk chosen = latest.compute(queueName, (name, other) -> other != null && other.answers(now) ? other : mine);
      if (chosen != mine) {
         return chosen.counts; // another session of the account started one meanwhile
      }
      try {
         Counts counts = walk(server, traffic, queueName);
         mine.endedAt = System.nanoTime();
         mine.counts.complete(counts);
      } catch (RuntimeException | Error e) {
         latest.remove(queueName, mine);
         mine.counts.completeExceptionally(e);
      }
      // The counts of accounts that stopped asking are not kept: memory for the accounts that ask now only.
      latest.values().removeIf(walk -> !walk.answers(now));
      return mine.counts;
   }

   /** One walk of a queue: running until its counts complete. */
   private static final class Walk {
      final CompletableFuture<Counts> counts = new CompletableFuture<>();
      /** System.nanoTime() when the counts were complete; written before they complete. */
      volatile long endedAt;

      boolean answers(long now) {
         return !counts.isDone() || !counts.isCompletedExceptionally() && now - endedAt < maxAgeNanos;
      }
   }

   /** The MO of a queue by day, in all and by Service_Id. */
   static final class Counts {
      private final Map<Integer, Long> byDay = new HashMap<>();
      private final Map<Integer, Map<String, Long>> byDayAndService = new HashMap<>();

      /** The MO of {@code day}, of Service_Id {@code serviceId} (null: all). */
      long of(int day, String serviceId) {
         if (serviceId == null) {
            return byDay.getOrDefault(day, 0L);
         }
         Map<String, Long> byService = byDayAndService.get(day);
         return byService == null ? 0 : byService.getOrDefault(serviceId, 0L);
      }

      private void add(int day, Object serviceId) {
         byDay.merge(day, 1L, Long::sum);
         if (serviceId != null) {
            byDayAndService.computeIfAbsent(day, d -> new HashMap<>()).merge(serviceId.toString(), 1L, Long::sum);
         }
      }
   }

   /**
    * The MO (not reports) on the SP's queue, waiting or delivered and not answered yet (to any of its connections), by the
    * day they arrived and their Service_Id. A walk of the queue, paged messages included.
    */
   private static Counts walk(ActiveMQServer server, TrafficCounters traffic, SimpleString queueName) {
      Counts counts = new Counts();
      Queue queue = server.locateQueue(queueName);
      if (queue == null) {
         return counts;
      }
      WALKS.incrementAndGet();
      var references = queue.browserIterator();
      try {
         while (references.hasNext()) {
            count(counts, traffic, references.next());
         }
      } finally {
         references.close();
      }
      for (java.util.List<MessageReference> delivering : queue.getDeliveringMessages().values()) {
         for (MessageReference ref : delivering) {
            count(counts, traffic, ref);
         }
      }
      return counts;
   }

   private static void count(Counts counts, TrafficCounters traffic, MessageReference ref) {
      Message message = ref.getMessage();
      if (SmsKind.of(message.getObjectProperty(SmsProperties.KIND)) != SmsKind.DR) {
         counts.add(traffic.dayOf(message.getTimestamp()), message.getObjectProperty(SmsProperties.SERVICE_ID));
      }
   }
}
