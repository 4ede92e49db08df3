package io.smsgw.smpp.client;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStore;
import io.smsgw.correlation.CorrelationStoreException;

/**
 * The links' view of the real correlation store, whose removals can fail as a failed disk write does, or never
 * reach the store at all, as when the process dies before the removal is synced, and whose puts can stay unanswered,
 * as when the process dies once a record is synced, and whose lookups can be refused, as under overload. Everything
 * else is the store's.
 */
final class FaultyRemovals {

   /** Removals still to fail with {@link CorrelationStoreException}, without reaching the store. */
   final AtomicInteger failNext = new AtomicInteger();
   /** While set, every removal fails so, as while the disk refuses writes. */
   volatile boolean failing;
   /** When set, removals neither reach the store nor complete: the gateway stops before they are durable. */
   volatile boolean lost;
   /**
    * When set, puts reach the store but their answers never reach the link: the gateway dies after a record is durable
    * and before the MT's acknowledgement is.
    */
   volatile boolean putsUnanswered;
   /** Puts the store completed while {@link #putsUnanswered} was set. */
   final AtomicInteger unansweredPuts = new AtomicInteger();
   /** Removals the links asked for. */
   final AtomicInteger removals = new AtomicInteger();
   /** Told of every record a link puts (before the store has it). */
   volatile java.util.function.Consumer<CorrelationRecord> onPut = record -> { };
   /** Puts still to fail as a full store refuses them, without reaching the store. */
   final AtomicInteger failPuts = new AtomicInteger();
   /** Lookups ({@code get}) still to fail as an overloaded store refuses them, without reaching the store. */
   final AtomicInteger failGets = new AtomicInteger();

   CorrelationStore wrap(CorrelationStore store) {
      return new CorrelationStore() {
         @Override
         public CompletionStage<Void> put(CorrelationRecord record) {
            onPut.accept(record);
            if (failPuts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
               return CompletableFuture.failedFuture(new java.util.concurrent.RejectedExecutionException("correlation store has 65536 writes pending"));
            }
            if (putsUnanswered) {
               store.put(record).thenRun(unansweredPuts::incrementAndGet);
               return new CompletableFuture<>();
            }
            return store.put(record);
         }

         // (no @Override: the test that uses this class must compile against the store before it had the method)
         public CompletionStage<java.util.List<CorrelationRecord>> findAccepted(String smsId, String destination) {
            return store.findAccepted(smsId, destination);
         }

         @Override
         public CompletionStage<Optional<CorrelationRecord>> get(String linkId, String smscMessageId) {
            if (failGets.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
               return CompletableFuture.failedFuture(new java.util.concurrent.RejectedExecutionException("too many disk reads wait"));
            }
            return store.get(linkId, smscMessageId);
         }

         @Override
         public CompletionStage<Optional<CorrelationRecord>> matchReceipt(String linkId, String smscMessageId) {
            return store.matchReceipt(linkId, smscMessageId);
         }

         @Override
         public CompletionStage<Void> remove(String linkId, String smscMessageId) {
            removals.incrementAndGet();
            if (lost) {
               return new CompletableFuture<>();
            }
            if (failing || failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
               return CompletableFuture.failedFuture(new CorrelationStoreException("cannot write to the correlation store"));
            }
            return store.remove(linkId, smscMessageId);
         }

         @Override
         public int expire(long nowMillis) {
            return store.expire(nowMillis);
         }

         @Override
         public long size() {
            return store.size();
         }

         @Override
         public void close() {
            store.close();
         }
      };
   }
}
