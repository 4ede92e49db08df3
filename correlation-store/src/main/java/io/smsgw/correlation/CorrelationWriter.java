package io.smsgw.correlation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import org.jctools.queues.MpscArrayQueue;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's single writer thread. It takes every put and remove waiting in a bounded queue (up to a
 * batch size), writes them as one RocksDB batch with one WAL sync, and only then completes their
 * stages: group commit, so many writes share one sync however they arrive. Between batches it runs
 * expiry in bounded chunks, so a large expiry never stalls puts for long.
 *
 * <p>Being the only thread that mutates the database, it keeps the record count and the expiry index
 * exact: before staging a batch it reads what all its keys hold now with one multi-get (bloom filters
 * answer for new keys without a read), and it tracks what the batch itself changes.
 */
final class CorrelationWriter implements Runnable {

   private static final Logger LOG = LoggerFactory.getLogger(CorrelationWriter.class);
   private static final byte[] EMPTY = new byte[0];
   /** Index entries one expiry chunk visits before the writer serves puts again. */
   static final int EXPIRY_CHUNK = 2_048;
   private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
   /** Expired records whose reports may be unfinished at once; beyond it expiry waits for some to finish. */
   static final int MAX_REPORTS_IN_FLIGHT = 4 * EXPIRY_CHUNK;
   /** Shortest time between two WARN lines about records replaced under a reused SMSC message id. */
   private static final long DISPLACED_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

   /** One call of {@link CorrelationStore#expire(long)}: drops records whose deadline is before {@code cutoff}. */
   static final class ExpiryRun {
      final long cutoff;
      final CompletableFuture<Integer> done = new CompletableFuture<>();
      private byte[] resumeKey;
      private long startedFrom;
      private int expired;

      ExpiryRun(long cutoff) {
         this.cutoff = cutoff;
      }
   }

   private final StoreDatabase database;
   private final MpscArrayQueue<WriteRequest> requests;
   private final Queue<ExpiryRun> expiryRuns = new ConcurrentLinkedQueue<>();
   private final int maxBatchSize;
   private final ReceiptWaiters waiters;
   private final Function<CorrelationRecord, ? extends CompletionStage<?>> expiryReporter;
   private final Function<CorrelationRecord, ? extends CompletionStage<?>> displacedReporter;
   /**
    * Puts held back while the MT of the record they would replace (another MT's, under a reused SMSC message id) gets
    * its final report, by key (writer thread only): the put is written only once that report is durable.
    */
   private final Map<BatchKey, WriteRequest> displacing = new HashMap<>();
   /** Reports of displaced records that have finished, for the writer to write or fail their puts. */
   private final Queue<DisplacedOutcome> displacedOutcomes = new ConcurrentLinkedQueue<>();
   /** Expired records whose report is not durable yet, by key, with their deadline (writer thread only). */
   private final Map<BatchKey, Long> reporting = new HashMap<>();
   /** Reports that have finished, for the writer to remove their records or to leave them for a later run. */
   private final Queue<ReportOutcome> reportOutcomes = new ConcurrentLinkedQueue<>();
   private final Thread thread;
   private volatile boolean parked;
   private volatile boolean stopping;
   private volatile long count;
   private volatile long syncs;
   /** Puts that replaced the record of another MT or part under the same key (a reused SMSC message id). */
   private volatile long displaced;
   /** Displacements not yet in a WARN line, and when the last line was written (writer thread only). */
   private long displacedUnlogged;
   private long displacedLoggedNanos;
   /**
    * Shortest time between the starts of two syncs while writes keep coming: at 10,000 MT/s with receipts,
    * syncing each handful of writes as it came took the writer half a core (scenario 7).
    */
   private final long minSyncIntervalNanos;
   private long lastSyncStartNanos = Long.MIN_VALUE / 2;
   /** Lowest deadline the expiry index may still hold below the last finished run's cutoff. */
   private long scanFrom = Long.MIN_VALUE;

   CorrelationWriter(StoreDatabase database, CorrelationStoreConfig config, ReceiptWaiters waiters) {
      this.database = database;
      this.requests = new MpscArrayQueue<>(config.maxPendingWrites());
      this.maxBatchSize = config.maxBatchSize();
      this.minSyncIntervalNanos = TimeUnit.MICROSECONDS.toNanos(config.minSyncIntervalMicros());
      this.waiters = waiters;
      this.expiryReporter = config.expiryReporter();
      this.displacedReporter = config.displacedReporter();
      this.count = database.storedCount();
      this.thread = new Thread(this, "correlation-store-writer " + config.directory().getFileName());
      thread.setDaemon(true);
   }

   void start() {
      thread.start();
   }

   boolean isWriterThread() {
      return Thread.currentThread() == thread;
   }

   long count() {
      return count;
   }

   /** Puts so far that replaced another MT's or part's record under the same link and SMSC message id. */
   long displaced() {
      return displaced;
   }

   /** Synced batches written so far (puts and removes per sync = writes / syncs). */
   long syncs() {
      return syncs;
   }

   /** Queues a write; its stage fails at once when the queue is full or the writer is stopping. */
   CompletableFuture<Void> submit(WriteRequest request) {
      if (stopping) {
         request.done.completeExceptionally(closedException());
      } else if (!requests.offer(request)) {
         request.done.completeExceptionally(new RejectedExecutionException(
               "correlation store has " + requests.capacity() + " writes pending"));
      } else {
         wake();
         if (stopping) {
            // The writer may have made its last pass already; if it did not, this changes nothing.
            request.done.completeExceptionally(closedException());
         }
      }
      return request.done;
   }

   /** Queues an expiry run; the stage completes with the number of records dropped. */
   CompletableFuture<Integer> expire(long cutoff) {
      ExpiryRun run = new ExpiryRun(cutoff);
      expiryRuns.add(run);
      wake();
      if (stopping && expiryRuns.remove(run)) {
         run.done.completeExceptionally(closedException());
      }
      return run.done;
   }

   /** Writes what is queued, ends expiry, and returns once the thread has finished. */
   void stop() {
      stopping = true;
      LockSupport.unpark(thread);
      boolean interrupted = false;
      while (thread.isAlive()) {
         try {
            thread.join();
         } catch (InterruptedException e) {
            interrupted = true;
         }
      }
      if (interrupted) {
         Thread.currentThread().interrupt();
      }
   }

   static IllegalStateException closedException() {
      return new IllegalStateException("correlation store is closed");
   }

   private void wake() {
      if (parked) {
         LockSupport.unpark(thread);
      }
   }

   @Override
   public void run() {
      List<WriteRequest> batch = new ArrayList<>(Math.min(maxBatchSize, 4_096));
      ExpiryRun expiring = null;
      while (true) {
         takeReportOutcomes(batch);
         WriteRequest request;
         while (batch.size() < maxBatchSize && (request = requests.poll()) != null) {
            batch.add(request);
         }
         if (!batch.isEmpty()) {
            gather(batch);
         }
         boolean wrote = !batch.isEmpty();
         if (wrote) {
            writeBatch(batch);
            batch.clear();
         }
         if (expiring == null && (expiring = expiryRuns.poll()) != null) {
            startExpiry(expiring);
         }
         if (expiring != null) {
            if (stopping) {
               expiring.done.complete(expiring.expired);
               expiring = null;
            } else if (expireChunk(expiring)) {
               expiring = null;
            }
            continue;
         }
         if (wrote) {
            continue;
         }
         if (stopping && requests.isEmpty()) {
            break;
         }
         park();
      }
      for (ExpiryRun run; (run = expiryRuns.poll()) != null; ) {
         run.done.completeExceptionally(closedException());
      }
      // Their reports may still finish, but nothing writes the puts any more: the caller sees them fail, as any write
      // after the close. The older record stays; its MT may then get its report twice, never none (decision 50).
      for (WriteRequest held : displacing.values()) {
         held.done.completeExceptionally(closedException());
      }
      displacing.clear();
   }

   /**
    * Waits, taking more writes, until the minimum sync interval after the last sync began (or until the batch
    * is full): one sync then carries the writes of that interval. A write after a quiet interval waits not at all.
    */
   private void gather(List<WriteRequest> batch) {
      long due = lastSyncStartNanos + minSyncIntervalNanos;
      for (long now = System.nanoTime(); now < due && batch.size() < maxBatchSize && !stopping; now = System.nanoTime()) {
         LockSupport.parkNanos(this, Math.min(due - now, 200_000));
         WriteRequest request;
         while (batch.size() < maxBatchSize && (request = requests.poll()) != null) {
            batch.add(request);
         }
      }
      lastSyncStartNanos = System.nanoTime();
   }

   private void park() {
      parked = true;
      if (requests.isEmpty() && expiryRuns.isEmpty() && reportOutcomes.isEmpty() && displacedOutcomes.isEmpty() && !stopping) {
         LockSupport.parkNanos(this, IDLE_PARK_NANOS);
      }
      parked = false;
   }

   // ---- puts and removes ----

   private void writeBatch(List<WriteRequest> batch) {
      long delta = 0;
      try (WriteBatch writes = new WriteBatch()) {
         BatchState state = new BatchState(batch);
         for (int i = 0; i < batch.size(); i++) {
            WriteRequest request = batch.get(i);
            try {
               if (request.isPut() && heldForDisplacedReport(state, i, request)) {
                  continue; // neither staged nor completed: written once the older MT's report is durable
               }
               delta += request.isPut() ? stagePut(writes, state, i, request) : stageRemove(writes, state, i, request);
               request.staged = true;
            } catch (RocksDBException | CorrelationStoreException e) {
               keepForExpiry(request);
               request.done.completeExceptionally(asStoreException("cannot write record", e));
            }
         }
         database.putCount(writes, count + delta);
         database.db.write(database.syncedWrite, writes);
         syncs++;
      } catch (RocksDBException | RuntimeException e) {
         CorrelationStoreException failure = asStoreException("cannot write to the correlation store", e);
         LOG.error("Correlation store write of {} records failed", batch.size(), e);
         for (WriteRequest request : batch) {
            if (request.heldBack) {
               continue; // its report is under way; it is written or failed when that ends
            }
            keepForExpiry(request);
            request.done.completeExceptionally(failure);
         }
         return;
      }
      count += delta;
      for (WriteRequest request : batch) {
         if (request.staged) {
            if (request.isPut()) {
               waiters.landed(request.record);
            }
            request.done.complete(null);
         }
      }
   }

   /** A record key as a hash map key: its hash is computed once (a {@code ByteBuffer} hashes its bytes on every call). */
   private static final class BatchKey {
      private final byte[] bytes;
      private final int hash;

      BatchKey(byte[] bytes) {
         this.bytes = bytes;
         this.hash = Arrays.hashCode(bytes);
      }

      @Override
      public int hashCode() {
         return hash;
      }

      @Override
      public boolean equals(Object other) {
         return other instanceof BatchKey && Arrays.equals(bytes, ((BatchKey) other).bytes);
      }
   }

   /** What a key holds while a batch is staged: its record's deadline, accepted-parts index key and encoded record. */
   private record Held(long deadline, byte[] acceptedKey, byte[] value) {
   }

   /**
    * What the record each key of a batch holds: read for all keys at once before staging (one multi-get is far
    * cheaper than a check per key), then updated as the batch's own writes are staged. One map lookup per write; a
    * key that holds no record maps to {@code null} or is absent.
    */
   private final class BatchState {
      private final BatchKey[] keys;
      private final Map<BatchKey, Held> held;
      /** Keys whose stored value cannot be read (rare): a write to them fails alone, not its whole batch. */
      private Map<BatchKey, CorrelationStoreException> unreadable;

      BatchState(List<WriteRequest> batch) throws RocksDBException {
         List<byte[]> rawKeys = new ArrayList<>(batch.size());
         keys = new BatchKey[batch.size()];
         for (int i = 0; i < keys.length; i++) {
            rawKeys.add(batch.get(i).key);
            keys[i] = new BatchKey(batch.get(i).key);
         }
         List<byte[]> values = database.db.multiGetAsList(Collections.nCopies(rawKeys.size(), database.records), rawKeys);
         held = new HashMap<>(keys.length * 2);
         for (int i = 0; i < keys.length; i++) {
            byte[] value = values.get(i);
            if (value != null) {
               try {
                  held.put(keys[i], new Held(RecordCodec.expiresAt(value), RecordCodec.acceptedKey(rawKeys.get(i), value), value));
               } catch (CorrelationStoreException e) {
                  if (unreadable == null) {
                     unreadable = new HashMap<>();
                  }
                  unreadable.put(keys[i], e);
               }
            }
         }
      }

      /** The key of the batch's {@code i}-th write. */
      BatchKey key(int i) {
         return keys[i];
      }

      /**
       * What the key holds now, or {@code null} if it holds no record.
       *
       * @throws CorrelationStoreException if the key holds a record that cannot be read
       */
      Held held(BatchKey key) {
         Held now = held.get(key);
         if (now == null && unreadable != null && unreadable.containsKey(key)) {
            throw unreadable.get(key);
         }
         return now;
      }

      /** The key now holds a record like this, or none ({@code null}). */
      void stage(BatchKey key, Held now) {
         held.put(key, now);
      }
   }

   /** @return 1 when the key was new, else 0 */
   private int stagePut(WriteBatch writes, BatchState state, int i, WriteRequest request) throws RocksDBException {
      byte[] key = request.key;
      BatchKey batchKey = state.key(i);
      Held previous = state.held(batchKey);
      long deadline = request.record.expiresAtMillis();
      if (previous != null) {
         if (previous.deadline() != deadline) {
            writes.delete(database.expiry, ExpiryKeys.encode(previous.deadline(), key));
         }
         if (!Arrays.equals(previous.acceptedKey(), request.acceptedKey)) {
            // Another MT or part (smsId, destination, segment): the SMSC gave its message id again while the older
            // record still waited for its receipt. The older MT's final report is durable by now
            // (heldForDisplacedReport); counted and logged (docs/links-routing-billing.md).
            writes.delete(database.accepted, previous.acceptedKey());
            displacedRecord(request.record);
         }
      }
      writes.put(database.records, key, request.value);
      writes.put(database.expiry, ExpiryKeys.encode(deadline, key), EMPTY);
      // Same batch, same sync: an MT segment is findable exactly while its record exists.
      writes.put(database.accepted, request.acceptedKey, EMPTY);
      state.stage(batchKey, new Held(deadline, request.acceptedKey, request.value));
      if (deadline < scanFrom) {
         scanFrom = deadline;
      }
      return previous == null ? 1 : 0;
   }

   /**
    * Counts a record another put replaced, with a WARN line at most once a minute (an SMSC that wraps its ids reuses
    * many at once): the first at once, then the count since the last line.
    */
   private void displacedRecord(CorrelationRecord replacing) {
      displaced++;
      displacedUnlogged++;
      long now = System.nanoTime();
      if (displaced == 1 || now - displacedLoggedNanos >= DISPLACED_LOG_INTERVAL_NANOS) {
         // Not the SMSC's id: an SMSC's string in a log line can forge lines (CR, LF), and the escaping the gateway uses
         // (LogText) is the broker's, not this module's. The link's report of each replaced MT names it, escaped.
         LOG.warn("Correlation store: {} record(s) replaced by a record of another MT under the same link and SMSC message "
                  + "id (latest: link {}); the SMSC reuses message ids while their receipts are awaited, and the "
                  + "replaced MT got a final report without their receipt", displacedUnlogged, replacing.linkId());
         displacedUnlogged = 0;
         displacedLoggedNanos = now;
      }
   }

   /** @return -1 when a record was removed, else 0 */
   private int stageRemove(WriteBatch writes, BatchState state, int i, WriteRequest request) throws RocksDBException {
      byte[] key = request.key;
      BatchKey batchKey = state.key(i);
      Held previous = state.held(batchKey);
      if (previous == null || request.ifDeadline != null && request.ifDeadline != previous.deadline()) {
         return 0; // nothing there, or an expired record was replaced by a new put while it was being reported
      }
      writes.delete(database.records, key);
      writes.delete(database.expiry, ExpiryKeys.encode(previous.deadline(), key));
      writes.delete(database.accepted, previous.acceptedKey());
      state.stage(batchKey, null);
      return -1;
   }

   // ---- expiry ----

   private void startExpiry(ExpiryRun run) {
      run.startedFrom = scanFrom;
      run.resumeKey = ExpiryKeys.bound(scanFrom);
      // Everything below the cutoff is gone once this run ends; puts with older deadlines lower it again.
      scanFrom = Math.max(scanFrom, run.cutoff);
   }

   /** Expires one chunk of the run. @return true when the run has ended */
   private boolean expireChunk(ExpiryRun run) {
      try (Slice upperBound = new Slice(ExpiryKeys.bound(run.cutoff));
           ReadOptions bounded = new ReadOptions().setIterateUpperBound(upperBound);
           RocksIterator index = database.db.newIterator(database.expiry, bounded);
           WriteBatch writes = new WriteBatch()) {
         List<Expired> expired = new ArrayList<>();
         long delta = 0;
         int visited = 0;
         boolean full = false;
         for (index.seek(run.resumeKey); index.isValid() && visited < EXPIRY_CHUNK; index.next()) {
            byte[] indexKey = index.key();
            if (reporting.size() + expired.size() >= MAX_REPORTS_IN_FLIGHT && indexKey.length > ExpiryKeys.DEADLINE_LENGTH) {
               // Too many reports unfinished: the next run starts here.
               scanFrom = Math.min(scanFrom, ExpiryKeys.deadline(indexKey));
               full = true;
               break;
            }
            delta -= stageExpiry(writes, indexKey, expired);
            run.resumeKey = indexKey;
            visited++;
         }
         index.status();
         boolean ended = full || !index.isValid();
         if (visited > 0) {
            // A record goes only once its report is durable: after a crash it may be reported twice, never lost.
            for (Expired record : expired) {
               delta -= report(writes, record);
            }
            database.putCount(writes, count + delta);
            database.db.write(database.syncedWrite, writes);
            count += delta;
            run.expired += expired.size();
         }
         if (ended) {
            run.done.complete(run.expired);
         }
         return ended;
      } catch (RocksDBException | RuntimeException e) {
         scanFrom = Math.min(scanFrom, run.startedFrom);
         LOG.error("Correlation store expiry failed", e);
         run.done.completeExceptionally(asStoreException("expiry failed", e));
         return true;
      }
   }

   /** A record past its deadline, to be reported before it is removed. */
   private record Expired(byte[] indexKey, byte[] recordKey, long deadline, CorrelationRecord record) {
   }

   /** A finished report of an expired record. */
   private record ReportOutcome(byte[] recordKey, long deadline, boolean durable) {
   }

   /**
    * Looks at the record an index entry names: a live one past its deadline joins {@code expired}, stale and
    * malformed entries and unreadable records are dropped. @return 1 when a record is removed, else 0
    */
   private int stageExpiry(WriteBatch writes, byte[] indexKey, List<Expired> expired) throws RocksDBException {
      if (indexKey.length <= ExpiryKeys.DEADLINE_LENGTH) {
         LOG.warn("Dropping a malformed expiry index entry of {} bytes", indexKey.length);
         writes.delete(database.expiry, indexKey);
         return 0;
      }
      long deadline = ExpiryKeys.deadline(indexKey);
      byte[] recordKey = ExpiryKeys.recordKey(indexKey);
      BatchKey batchKey = new BatchKey(recordKey);
      if (reporting.containsKey(batchKey) || displacing.containsKey(batchKey)) {
         return 0; // its report is on the way (as expired, or as replaced by a put held back)
      }
      byte[] value = database.db.get(database.records, recordKey);
      if (value == null) {
         writes.delete(database.expiry, indexKey);
         return 0;
      }
      try {
         if (RecordCodec.expiresAt(value) != deadline) {
            writes.delete(database.expiry, indexKey);
            return 0; // the record was replaced with another deadline; its own entry expires it
         }
         expired.add(new Expired(indexKey, recordKey, deadline, RecordCodec.decode(recordKey, value)));
         return 0;
      } catch (CorrelationStoreException e) {
         LOG.warn("Dropping an unreadable correlation record at its deadline: {}", e.getMessage());
      }
      writes.delete(database.expiry, indexKey);
      writes.delete(database.records, recordKey);
      return 1;
   }

   /**
    * Hands an expired record to the reporter. A report already durable removes it in this chunk's batch; one still
    * under way removes it when it finishes; a failed one, or a reporter that throws, leaves it for a later run (its
    * MT's only final report must not be lost, decision 50). @return 1 when the record is removed now, else 0
    */
   private int report(WriteBatch writes, Expired expired) throws RocksDBException {
      CompletableFuture<?> reported;
      try {
         reported = expiryReporter.apply(expired.record()).toCompletableFuture();
      } catch (RuntimeException e) {
         LOG.warn("Expiry reporter failed for a record of link {} (MT {}); the record stays and is reported again",
                  expired.record().linkId(), expired.record().smsId(), e);
         scanFrom = Math.min(scanFrom, expired.deadline());
         return 0;
      }
      if (reported.isDone() && !reported.isCompletedExceptionally()) {
         writes.delete(database.expiry, expired.indexKey());
         writes.delete(database.records, expired.recordKey());
         writes.delete(database.accepted, RecordCodec.acceptedKey(expired.record(), expired.recordKey()));
         return 1;
      }
      if (reported.isDone()) {
         scanFrom = Math.min(scanFrom, expired.deadline());
         return 0;
      }
      reporting.put(new BatchKey(expired.recordKey()), expired.deadline());
      reported.whenComplete((ok, failure) -> {
         reportOutcomes.add(new ReportOutcome(expired.recordKey(), expired.deadline(), failure == null));
         wake();
      });
      return 0;
   }

   /** Turns finished reports into removals of their records, or leaves the records for the next expiry run. */
   private void takeReportOutcomes(List<WriteRequest> batch) {
      takeDisplacedOutcomes(batch);
      ReportOutcome outcome;
      while (batch.size() < maxBatchSize && (outcome = reportOutcomes.poll()) != null) {
         reporting.remove(new BatchKey(outcome.recordKey()));
         if (outcome.durable()) {
            batch.add(WriteRequest.removeExpired(outcome.recordKey(), outcome.deadline()));
         } else {
            scanFrom = Math.min(scanFrom, outcome.deadline());
         }
      }
   }

   /** A finished report of the record a held-back put would replace. */
   private record DisplacedOutcome(BatchKey key, WriteRequest put, byte[] reportedAcceptedKey, long deadline, Throwable failure) {
   }

   /**
    * Whether {@code request} would replace the record of another MT or part whose final report is not made yet: then
    * that record is handed to the displaced reporter and the put is held back until its report is durable (it was
    * replaced silently, and its MT never got a final report). A report already durable lets the put go in this batch.
    * A record that cannot be read cannot be reported either: it is replaced, counted, as before.
    */
   private boolean heldForDisplacedReport(BatchState state, int i, WriteRequest request) {
      BatchKey key = state.key(i);
      Held previous = state.held(key);
      if (previous == null || Arrays.equals(previous.acceptedKey(), request.acceptedKey)
          || Arrays.equals(previous.acceptedKey(), request.reportedAcceptedKey)) {
         return false;
      }
      if (displacing.containsKey(key)) {
         // A third MT under the same id while the second waits for the first one's report: refused, so the caller
         // tries again once that is settled, and the first MT is not reported twice.
         throw new CorrelationStoreException("a put under the same SMSC message id waits for the report of the record it replaces");
      }
      CorrelationRecord older;
      try {
         older = RecordCodec.decode(request.key, previous.value());
      } catch (CorrelationStoreException e) {
         LOG.warn("A correlation record replaced under a reused SMSC message id cannot be read, so its MT gets no report: {}",
                  e.getMessage());
         return false;
      }
      CompletableFuture<?> reported;
      try {
         reported = displacedReporter.apply(older).toCompletableFuture();
      } catch (RuntimeException e) {
         reported = CompletableFuture.failedFuture(e);
      }
      byte[] reportedKey = previous.acceptedKey();
      if (reported.isDone() && !reported.isCompletedExceptionally()) {
         request.reportedAcceptedKey = reportedKey;
         return false;
      }
      request.heldBack = true;
      displacing.put(key, request);
      reported.whenComplete((ok, failure) -> {
         displacedOutcomes.add(new DisplacedOutcome(key, request, reportedKey, previous.deadline(), failure));
         wake();
      });
      return true;
   }

   /** Puts whose displaced record is reported go into the next batch; those whose report failed fail, the record kept. */
   private void takeDisplacedOutcomes(List<WriteRequest> batch) {
      DisplacedOutcome outcome;
      while (batch.size() < maxBatchSize && (outcome = displacedOutcomes.poll()) != null) {
         WriteRequest put = outcome.put();
         if (displacing.get(outcome.key()) != put) {
            continue; // failed by the writer's stop already
         }
         displacing.remove(outcome.key());
         put.heldBack = false;
         // Expiry passed over the older record while its report was under way: it must see it again if it stays.
         scanFrom = Math.min(scanFrom, outcome.deadline());
         if (outcome.failure() == null) {
            put.reportedAcceptedKey = outcome.reportedAcceptedKey();
            batch.add(put);
         } else {
            put.done.completeExceptionally(new CorrelationStoreException(
                  "the final report of the record this put would replace could not be made", outcome.failure()));
         }
      }
   }

   /** A reported record whose removal failed stays, and a later expiry run must see it again. */
   private void keepForExpiry(WriteRequest request) {
      if (request.ifDeadline != null) {
         scanFrom = Math.min(scanFrom, request.ifDeadline);
      }
   }

   private static CorrelationStoreException asStoreException(String message, Exception e) {
      return e instanceof CorrelationStoreException ? (CorrelationStoreException) e
            : new CorrelationStoreException(message, e);
   }
}
