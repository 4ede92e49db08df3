package io.smsgw.correlation;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Receipts waiting for a record that has not landed yet (the early-receipt holding area). Bounded in
 * count and time; receipts for the same key share one waiter.
 *
 * <p>No receipt can slip between a lookup and a landing: the waiter is registered before the lookup,
 * and a landing is announced after the write, so either the lookup sees the record or the landing
 * sees the waiter.
 */
final class ReceiptWaiters {

   private record Key(String group, String smscMessageId) {
   }

   /** One key's waiting receipts: they all get the same answer. */
   static final class Waiter {
      final CompletableFuture<Optional<CorrelationRecord>> answer = new CompletableFuture<>();
      private final Key key;
      private final long deadlineMillis;

      private Waiter(Key key, long deadlineMillis) {
         this.key = key;
         this.deadlineMillis = deadlineMillis;
      }
   }

   private final Map<Key, Waiter> waiters = new ConcurrentHashMap<>();
   private final int maxWaiters;
   private final long waitMillis;

   ReceiptWaiters(int maxWaiters, long waitMillis) {
      this.maxWaiters = maxWaiters;
      this.waitMillis = waitMillis;
   }

   /** @return the waiter for this key (new or shared), or {@code null} when waiting is off or full */
   Waiter register(String group, String smscMessageId, long nowMillis) {
      if (waitMillis == 0) {
         return null;
      }
      Key key = new Key(group, smscMessageId);
      Waiter existing = waiters.get(key);
      if (existing != null) {
         return existing;
      }
      if (waiters.size() >= maxWaiters) {
         return null;
      }
      return waiters.computeIfAbsent(key, k -> new Waiter(k, nowMillis + waitMillis));
   }

   /** The lookup made after registering answered. An empty answer keeps the receipt waiting. */
   void lookedUp(Waiter waiter, Optional<CorrelationRecord> found, Throwable error) {
      if (error != null) {
         waiters.remove(waiter.key, waiter);
         waiter.answer.completeExceptionally(error);
      } else if (found.isPresent()) {
         waiters.remove(waiter.key, waiter);
         waiter.answer.complete(found);
      }
   }

   /** A record is durable: answer the receipts waiting for it. */
   void landed(CorrelationRecord record) {
      // Almost every put lands with no receipt waiting at all: then skip building and hashing a key (that was a
      // quarter of the writer thread's time). A waiter is counted before its lookup starts, so one this check
      // misses looks the record up after it landed, and finds it.
      if (waiters.isEmpty()) {
         return;
      }
      Waiter waiter = waiters.remove(new Key(record.correlationGroup(), record.smscMessageId()));
      if (waiter != null) {
         waiter.answer.complete(Optional.of(record));
      }
   }

   /** Answers "not found" to receipts whose wait ended before {@code nowMillis}. */
   int expire(long nowMillis) {
      int ended = 0;
      for (Iterator<Waiter> it = waiters.values().iterator(); it.hasNext(); ) {
         Waiter waiter = it.next();
         if (waiter.deadlineMillis < nowMillis) {
            it.remove();
            waiter.answer.complete(Optional.empty());
            ended++;
         }
      }
      return ended;
   }

   /** Answers "not found" to every waiting receipt. */
   void clear() {
      for (Iterator<Waiter> it = waiters.values().iterator(); it.hasNext(); ) {
         Waiter waiter = it.next();
         it.remove();
         waiter.answer.complete(Optional.empty());
      }
   }

   int size() {
      return waiters.size();
   }
}
