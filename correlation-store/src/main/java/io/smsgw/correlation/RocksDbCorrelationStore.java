package io.smsgw.correlation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;

/**
 * {@link CorrelationStore} on an embedded RocksDB database in one directory. Writes go through one
 * writer thread with group commit (see {@link CorrelationWriter}); lookups answer on the caller's
 * thread from memory when they can, and on a small reader pool when they need the disk. The record
 * data lives on disk and in bounded native memory; the Java heap holds only pending writes and
 * waiting receipts, both bounded.
 *
 * <p>Open with {@link #open(CorrelationStoreConfig)}; one instance per directory and process.
 */
public final class RocksDbCorrelationStore implements CorrelationStore {

   /** Records one {@link #findAccepted} returns at most: a message has at most 255 segments. */
   static final int MAX_ACCEPTED_FOUND = 1_024;

   private final CorrelationStoreConfig config;
   private final StoreDatabase database;
   private final ReceiptWaiters waiters;
   private final CorrelationWriter writer;
   private final ThreadPoolExecutor readers;
   /** Lookups inside the native database right now; close waits for them before releasing it. */
   private final AtomicInteger activeReads = new AtomicInteger();
   private final LongAdder diskReads = new LongAdder();
   private final AtomicBoolean closing = new AtomicBoolean();
   private volatile boolean closed;

   private RocksDbCorrelationStore(CorrelationStoreConfig config, StoreDatabase database) {
      this.config = config;
      this.database = database;
      this.waiters = new ReceiptWaiters(config.maxReceiptWaiters(), config.receiptWaitMillis());
      this.writer = new CorrelationWriter(database, config, waiters);
      this.readers = new ThreadPoolExecutor(config.readerThreads(), config.readerThreads(), 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(config.maxPendingReads()), runnable -> {
               Thread thread = new Thread(runnable, "correlation-store-reader " + config.directory().getFileName());
               thread.setDaemon(true);
               return thread;
            });
   }

   /**
    * Whether {@code directory} holds a store already, so that {@link #open} would open it rather than create an empty
    * one: a missing or empty directory, or one without RocksDB's {@code CURRENT} file, holds none.
    */
   public static boolean exists(Path directory) {
      return Files.isRegularFile(directory.resolve("CURRENT"));
   }

   /**
    * Whether no store is in {@code directory}, for certain: false also when the directory cannot be read (wrong owner
    * or mode after a restore), so that {@link #open} fails with the real reason instead of the store being taken for
    * lost.
    */
   public static boolean missing(Path directory) {
      return Files.notExists(directory.resolve("CURRENT"));
   }

   /**
    * Opens (or creates) the store in {@link CorrelationStoreConfig#directory()}, recovering every write
    * that had completed before the process last stopped, however it stopped.
    *
    * @throws CorrelationStoreException if the directory cannot be used or holds another layout
    */
   public static RocksDbCorrelationStore open(CorrelationStoreConfig config) {
      StoreDatabase database = StoreDatabase.open(config);
      try {
         RocksDbCorrelationStore store = new RocksDbCorrelationStore(config, database);
         store.writer.start();
         return store;
      } catch (RuntimeException e) {
         database.close();
         throw e;
      }
   }

   @Override
   public CompletionStage<Void> put(CorrelationRecord record) {
      if (record == null) {
         return CompletableFuture.failedFuture(new NullPointerException("record"));
      }
      if (closed) {
         return CompletableFuture.failedFuture(CorrelationWriter.closedException());
      }
      return writer.submit(WriteRequest.put(record));
   }

   @Override
   public CompletionStage<Optional<CorrelationRecord>> get(String group, String smscMessageId) {
      byte[] key;
      try {
         CorrelationRecord.requireId(group, "group");
         CorrelationRecord.requireId(smscMessageId, "smscMessageId");
         key = RecordCodec.encodeKey(group, smscMessageId);
      } catch (RuntimeException e) {
         return CompletableFuture.failedFuture(e);
      }
      if (!enterRead()) {
         return CompletableFuture.failedFuture(CorrelationWriter.closedException());
      }
      try {
         byte[] value = database.db.get(database.records, database.memoryOnlyRead, key);
         return CompletableFuture.completedFuture(toRecord(key, value));
      } catch (RocksDBException e) {
         if (!needsDisk(e)) {
            return CompletableFuture.failedFuture(new CorrelationStoreException("lookup failed", e));
         }
      } catch (CorrelationStoreException e) {
         return CompletableFuture.failedFuture(e);
      } finally {
         exitRead();
      }
      return readFromDisk(key);
   }

   /** The memory-only read could not answer: a reader thread does the full read. */
   private CompletionStage<Optional<CorrelationRecord>> readFromDisk(byte[] key) {
      diskReads.increment();
      return onReader(() -> toRecord(key, database.db.get(database.records, key)));
   }

   /** A read that may touch the disk. */
   private interface DiskRead<T> {
      T read() throws RocksDBException;
   }

   /** Runs {@code read} on a reader thread, never the caller's (an event loop), within the store's open reads. */
   private <T> CompletableFuture<T> onReader(DiskRead<T> read) {
      CompletableFuture<T> answer = new CompletableFuture<>();
      try {
         readers.execute(() -> {
            if (!enterRead()) {
               answer.completeExceptionally(CorrelationWriter.closedException());
               return;
            }
            try {
               answer.complete(read.read());
            } catch (RocksDBException e) {
               answer.completeExceptionally(new CorrelationStoreException("lookup failed", e));
            } catch (RuntimeException e) {
               answer.completeExceptionally(e);
            } finally {
               exitRead();
            }
         });
      } catch (RejectedExecutionException e) {
         answer.completeExceptionally(closed ? CorrelationWriter.closedException() : new RejectedExecutionException(
               "correlation store has " + config.maxPendingReads() + " disk reads pending"));
      }
      return answer;
   }

   private static Optional<CorrelationRecord> toRecord(byte[] key, byte[] value) {
      return value == null ? Optional.empty() : Optional.of(RecordCodec.decode(key, value));
   }

   private static boolean needsDisk(RocksDBException e) {
      Status status = e.getStatus();
      return status != null && status.getCode() == Status.Code.Incomplete;
   }

   @Override
   public CompletionStage<Optional<CorrelationRecord>> matchReceipt(String group, String smscMessageId) {
      if (closed) {
         return CompletableFuture.failedFuture(CorrelationWriter.closedException());
      }
      ReceiptWaiters.Waiter waiter;
      try {
         CorrelationRecord.requireId(group, "group");
         CorrelationRecord.requireId(smscMessageId, "smscMessageId");
         waiter = waiters.register(group, smscMessageId, config.clock().getAsLong());
      } catch (RuntimeException e) {
         return CompletableFuture.failedFuture(e);
      }
      if (waiter == null) {
         return get(group, smscMessageId);
      }
      // Registered before looking up: a record landing from now on answers the waiter itself.
      get(group, smscMessageId).whenComplete((found, error) -> waiters.lookedUp(waiter, found, error));
      return waiter.answer.minimalCompletionStage();
   }

   @Override
   public CompletionStage<List<CorrelationRecord>> findAccepted(String smsId, String destination) {
      byte[] prefix;
      try {
         prefix = RecordCodec.acceptedPrefix(Objects.requireNonNull(smsId, "smsId"), Objects.requireNonNull(destination, "destination"));
      } catch (RuntimeException e) {
         return CompletableFuture.failedFuture(e);
      }
      return onReader(() -> scanAccepted(prefix));
   }

   @Override
   public CompletionStage<List<CorrelationRecord>> findAccepted(String smsId) {
      byte[] prefix;
      try {
         prefix = RecordCodec.acceptedPrefix(Objects.requireNonNull(smsId, "smsId"));
      } catch (RuntimeException e) {
         return CompletableFuture.failedFuture(e);
      }
      return onReader(() -> scanAccepted(prefix, true));
   }

   private List<CorrelationRecord> scanAccepted(byte[] prefix) throws RocksDBException {
      return scanAccepted(prefix, false);
   }

   /** The records the accepted-parts index names under {@code prefix} (an entry whose record is gone is passed over). */
   private List<CorrelationRecord> scanAccepted(byte[] prefix, boolean anyRecipient) throws RocksDBException {
      List<CorrelationRecord> found = new ArrayList<>(2);
      try (RocksIterator index = database.db.newIterator(database.accepted)) {
         for (index.seek(prefix); index.isValid() && found.size() < MAX_ACCEPTED_FOUND; index.next()) {
            byte[] indexKey = index.key();
            if (!startsWith(indexKey, prefix)) {
               break;
            }
            byte[] recordKey = anyRecipient ? RecordCodec.recordKeyOfAcceptedAfterSmsId(indexKey, prefix.length)
               : RecordCodec.recordKeyOfAccepted(indexKey, prefix.length);
            byte[] value = database.db.get(database.records, recordKey);
            if (value != null) {
               found.add(RecordCodec.decode(recordKey, value));
            }
         }
         index.status();
      }
      return found;
   }

   private static boolean startsWith(byte[] key, byte[] prefix) {
      return key.length > prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
   }

   @Override
   public CompletionStage<Void> remove(String group, String smscMessageId) {
      try {
         CorrelationRecord.requireId(group, "group");
         CorrelationRecord.requireId(smscMessageId, "smscMessageId");
      } catch (RuntimeException e) {
         return CompletableFuture.failedFuture(e);
      }
      return writer.submit(WriteRequest.remove(group, smscMessageId));
   }

   @Override
   public int expire(long nowMillis) {
      if (closed) {
         throw CorrelationWriter.closedException();
      }
      if (writer.isWriterThread()) {
         throw new IllegalStateException("expire must not run on the correlation store's writer thread");
      }
      // The waits by the store's monotonic clock, which they were registered with: by the wall-clock nowMillis, a clock
      // stepped back an hour held every waiting receipt (and its SMSC's answer) an hour, one stepped forward ended all.
      waiters.expire(config.clock().getAsLong());
      long grace = config.expiryGraceMillis();
      long cutoff = nowMillis < Long.MIN_VALUE + grace ? Long.MIN_VALUE : nowMillis - grace;
      try {
         return writer.expire(cutoff).join();
      } catch (CompletionException e) {
         if (e.getCause() instanceof RuntimeException) {
            throw (RuntimeException) e.getCause();
         }
         throw e;
      }
   }

   @Override
   public long size() {
      return writer.count();
   }

   /** Lookups so far that memory could not answer and a reader thread served from disk. */
   public long diskReads() {
      return diskReads.sum();
   }

   @Override
   public long displacedRecords() {
      return writer.displaced();
   }

   /** Batches of puts and removes synced to disk so far. */
   public long syncedBatches() {
      return writer.syncs();
   }

   /** Receipts waiting for their record right now. */
   public int waitingReceipts() {
      return waiters.size();
   }

   @Override
   public void close() {
      if (writer.isWriterThread()) {
         throw new IllegalStateException("close must not run on the correlation store's writer thread");
      }
      if (!closing.compareAndSet(false, true)) {
         return;
      }
      closed = true;
      writer.stop();
      readers.shutdown();
      boolean interrupted = false;
      while (!readers.isTerminated()) {
         try {
            readers.awaitTermination(1, TimeUnit.SECONDS);
         } catch (InterruptedException e) {
            interrupted = true;
         }
      }
      while (activeReads.get() != 0) {
         Thread.onSpinWait();
      }
      waiters.clear();
      database.close();
      if (interrupted) {
         Thread.currentThread().interrupt();
      }
   }

   private boolean enterRead() {
      activeReads.incrementAndGet();
      if (closed) {
         activeReads.decrementAndGet();
         return false;
      }
      return true;
   }

   private void exitRead() {
      activeReads.decrementAndGet();
   }
}
