package io.smsgw.correlation;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Settings of a {@link CorrelationStore}. Build with {@link #builder(Path)}; every setting but the
 * directory has a default fit for one gateway node.
 *
 * @param directory          where the store keeps its files (created if missing); one store per directory
 * @param expiryGraceMillis  how long after its validity a record is kept for a late receipt
 * @param expiryReporter     gets each record {@link CorrelationStore#expire(long)} finds past its deadline, on the
 *                           store's writer thread (keep it short and non-blocking), and returns a stage that
 *                           completes once the record's report is durable: only then is the record removed. A
 *                           failed stage keeps the record, and a later {@code expire} reports it again; a stage
 *                           must complete sooner or later. A reporter that throws fails the report: the
 *                           record stays and is reported again.
 * @param displacedReporter  gets each record a put would replace with another MT's or part's record under the same key
 *                           (an SMSC that reuses message ids), on the writer thread (short, non-blocking), and returns
 *                           a stage that completes once that MT's final report is durable: only then is the put
 *                           written and its stage completed. A failed stage, or a reporter that throws, fails the put
 *                           and leaves the older record as it is (the caller tries the put again, which reports again).
 * @param maxPendingWrites   puts and removes accepted but not yet durable (rounded up to a power of two);
 *                           beyond it they are refused
 * @param maxBatchSize       most writes made durable by one sync
 * @param minSyncIntervalMicros shortest time between the starts of two syncs while writes keep coming: a sync
 *                           costs the writer thread about 200 µs of CPU however few writes it carries, so
 *                           at moderate rates waiting this long for more writes saves CPU; a write after a
 *                           quiet interval is synced at once (0: sync whatever is waiting, always at once)
 * @param maxPendingReads    lookups waiting for a disk read; beyond it they are refused
 * @param readerThreads      threads that serve lookups needing a disk read
 * @param receiptWaitMillis  how long {@link CorrelationStore#matchReceipt} waits for a record that has not landed
 * @param maxReceiptWaiters  receipts that may wait at once; beyond it they get a plain lookup
 * @param blockCacheBytes    off-heap cache of data, index and filter blocks
 * @param writeBufferBytes   off-heap size of one memtable of the record table (up to three are kept)
 * @param clock              a monotonic clock in milliseconds, for receipt waits only: a wait never leaves the process, so
 *                           it must not end early or late when the host's wall clock is stepped (NTP). Record
 *                           deadlines are wall-clock times (they are stored and outlive a restart) and are compared
 *                           with {@link CorrelationStore#expire(long)}'s argument, never with this clock
 */
public record CorrelationStoreConfig(
      Path directory,
      long expiryGraceMillis,
      Function<CorrelationRecord, ? extends CompletionStage<?>> expiryReporter,
      Function<CorrelationRecord, ? extends CompletionStage<?>> displacedReporter,
      int maxPendingWrites,
      int maxBatchSize,
      long minSyncIntervalMicros,
      int maxPendingReads,
      int readerThreads,
      long receiptWaitMillis,
      int maxReceiptWaiters,
      long blockCacheBytes,
      long writeBufferBytes,
      LongSupplier clock) {

   public CorrelationStoreConfig {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(expiryReporter, "expiryReporter");
      Objects.requireNonNull(displacedReporter, "displacedReporter");
      Objects.requireNonNull(clock, "clock");
      requireAtLeast(expiryGraceMillis, 0, "expiryGraceMillis");
      requireAtLeast(maxPendingWrites, 1, "maxPendingWrites");
      requireAtLeast(maxBatchSize, 1, "maxBatchSize");
      requireAtLeast(minSyncIntervalMicros, 0, "minSyncIntervalMicros");
      requireAtLeast(maxPendingReads, 1, "maxPendingReads");
      requireAtLeast(readerThreads, 1, "readerThreads");
      requireAtLeast(receiptWaitMillis, 0, "receiptWaitMillis");
      requireAtLeast(maxReceiptWaiters, 0, "maxReceiptWaiters");
      requireAtLeast(blockCacheBytes, 1, "blockCacheBytes");
      requireAtLeast(writeBufferBytes, 1, "writeBufferBytes");
   }

   private static void requireAtLeast(long value, long min, String name) {
      if (value < min) {
         throw new IllegalArgumentException(name + " must be at least " + min + ", is " + value);
      }
   }

   private static final CompletionStage<Void> REPORTED = CompletableFuture.completedFuture(null);

   public static Builder builder(Path directory) {
      return new Builder(directory);
   }

   /** Collects settings; unset ones keep the documented defaults. */
   public static final class Builder {
      private final Path directory;
      private long expiryGraceMillis = 60 * 60_000L;
      private Function<CorrelationRecord, ? extends CompletionStage<?>> expiryReporter = record -> REPORTED;
      private Function<CorrelationRecord, ? extends CompletionStage<?>> displacedReporter = record -> REPORTED;
      private int maxPendingWrites = 65_536;
      private int maxBatchSize = 4_096;
      private long minSyncIntervalMicros = 1_000;
      private int maxPendingReads = 10_000;
      private int readerThreads = 2;
      private long receiptWaitMillis = 30_000L;
      private int maxReceiptWaiters = 10_000;
      private long blockCacheBytes = 64L << 20;
      private long writeBufferBytes = 32L << 20;
      private LongSupplier clock = () -> System.nanoTime() / 1_000_000;

      private Builder(Path directory) {
         this.directory = directory;
      }

      /** Default one hour. */
      public Builder expiryGraceMillis(long value) {
         expiryGraceMillis = value;
         return this;
      }

      /**
       * A reporter that is done when {@code value} returns: the record is removed at once (kept and reported again if it
       * throws). Default: drops them silently.
       */
      public Builder expiryListener(Consumer<CorrelationRecord> value) {
         Objects.requireNonNull(value, "expiryListener");
         expiryReporter = record -> {
            value.accept(record);
            return REPORTED;
         };
         return this;
      }

      /** A reporter whose stage says when the record's report is durable; see {@link CorrelationStoreConfig}. */
      public Builder expiryReporter(Function<CorrelationRecord, ? extends CompletionStage<?>> value) {
         expiryReporter = value;
         return this;
      }

      /**
       * A reporter whose stage says when the final report of a record's MT, replaced by another MT's record under the
       * same key, is durable; see {@link CorrelationStoreConfig}. Default: none (the record is replaced at once).
       */
      public Builder displacedReporter(Function<CorrelationRecord, ? extends CompletionStage<?>> value) {
         displacedReporter = value;
         return this;
      }

      /** Default 65,536. */
      public Builder maxPendingWrites(int value) {
         maxPendingWrites = value;
         return this;
      }

      /** Default 4,096. */
      public Builder maxBatchSize(int value) {
         maxBatchSize = value;
         return this;
      }

      /** Default 1,000 (one millisecond); 0 syncs at once. */
      public Builder minSyncIntervalMicros(long value) {
         minSyncIntervalMicros = value;
         return this;
      }

      /** Default 10,000. */
      public Builder maxPendingReads(int value) {
         maxPendingReads = value;
         return this;
      }

      /** Default 2. */
      public Builder readerThreads(int value) {
         readerThreads = value;
         return this;
      }

      /** Default 30 seconds; 0 turns waiting off. */
      public Builder receiptWaitMillis(long value) {
         receiptWaitMillis = value;
         return this;
      }

      /** Default 10,000; 0 turns waiting off. */
      public Builder maxReceiptWaiters(int value) {
         maxReceiptWaiters = value;
         return this;
      }

      /** Default 64 MiB. */
      public Builder blockCacheBytes(long value) {
         blockCacheBytes = value;
         return this;
      }

      /** Default 32 MiB. */
      public Builder writeBufferBytes(long value) {
         writeBufferBytes = value;
         return this;
      }

      /** Default {@link System#nanoTime()} in milliseconds (monotonic; its origin means nothing). */
      public Builder clock(LongSupplier value) {
         clock = value;
         return this;
      }

      public CorrelationStoreConfig build() {
         return new CorrelationStoreConfig(directory, expiryGraceMillis, expiryReporter, displacedReporter, maxPendingWrites,
               maxBatchSize, minSyncIntervalMicros, maxPendingReads, readerThreads, receiptWaitMillis, maxReceiptWaiters, blockCacheBytes,
               writeBufferBytes, clock);
      }
   }
}
