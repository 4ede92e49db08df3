package io.smsgw.correlation;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Durable map from (correlation group, SMSC message id) to the {@link CorrelationRecord} of the MT, kept from
 * submit_sm_resp until its final receipt or its validity plus a grace period. Records live on disk;
 * heap use does not grow with their number. A correlation group is the namespace of one SMSC account's message ids:
 * the links bound to that account share it ({@link CorrelationRecord#correlationGroup()}); by default, and for records
 * stored before groups, it is the link's name.
 *
 * <p>Every method may be called from any thread, and none of {@code put}, {@code get},
 * {@code matchReceipt} and {@code remove} blocks: they return stages. Stages of writes, and lookups
 * that needed a disk read, complete on the store's own threads, so callers on an event loop should
 * continue with {@code whenCompleteAsync(..., eventLoop)} or hand the work over themselves.
 */
public interface CorrelationStore extends AutoCloseable {

   /**
    * Stores a record, replacing one with the same correlation group and SMSC message id. The stage completes once
    * the record is on disk and synced (many puts share one sync): only then may the caller acknowledge
    * the broker message. When the record it replaces is another MT's or part's (the SMSC reused the id), that MT's
    * final report is made first through {@link CorrelationStoreConfig#displacedReporter()}, and the put is written
    * only once the report is durable; a failed report fails the put with {@link CorrelationStoreException} and keeps
    * the older record (try the put again). It fails with {@link java.util.concurrent.RejectedExecutionException} when
    * {@link CorrelationStoreConfig#maxPendingWrites()} writes are already waiting (retry later and
    * count unfinished puts against the link's window), with {@link IllegalStateException} once closed,
    * and with {@link CorrelationStoreException} when the disk write fails.
    */
   CompletionStage<Void> put(CorrelationRecord record);

   /**
    * Looks a record up by its correlation group and SMSC message id. Answers on the caller's thread when memory (memtables, block cache, bloom
    * filters) suffices, which is the usual case for recent records; otherwise a reader thread does
    * the disk read. Fails with {@link java.util.concurrent.RejectedExecutionException} when too many
    * disk reads wait, and with {@link CorrelationStoreException} when the stored bytes are unreadable.
    */
   CompletionStage<Optional<CorrelationRecord>> get(String group, String smscMessageId);

   /**
    * Looks a record up for a delivery receipt. A receipt can overtake its submit_sm_resp, or arrive
    * while the put is still being synced; then the stage waits until that record is stored, for at
    * most {@link CorrelationStoreConfig#receiptWaitMillis()} (the wait ends in the first
    * {@link #expire(long)} after that, with an empty answer). When
    * {@link CorrelationStoreConfig#maxReceiptWaiters()} receipts already wait, this is a plain
    * {@link #get}. Waiting receipts are held in memory only: a receipt should be acknowledged to the
    * SMSC only after it has been handled, so the SMSC resends it if the gateway stops.
    */
   CompletionStage<Optional<CorrelationRecord>> matchReceipt(String group, String smscMessageId);

   /**
    * The records of the MT {@code smsId} to {@code destination}: one per segment an SMSC accepted and whose record is
    * still stored (usually none; two for one segment only if it was accepted twice). It is how a link recognises an
    * MT the broker delivers again after a crash that came between the record's put and the MT's acknowledgement, and
    * how expiry recognises one whose final report the record owes. Reads on a reader thread (a prefix scan of the
    * accepted-parts index, then the records); fails like a {@link #get} that needed the disk.
    */
   CompletionStage<List<CorrelationRecord>> findAccepted(String smsId, String destination);

   /**
    * The records of the MT {@code smsId} to any recipient (every destination of a submit_multi, every segment): what
    * an SMPP query_sm asks about, knowing only the id. Reads as {@link #findAccepted(String, String)} does.
    */
   default CompletionStage<List<CorrelationRecord>> findAccepted(String smsId) {
      return java.util.concurrent.CompletableFuture.failedFuture(new UnsupportedOperationException("findAccepted by smsId"));
   }

   /**
    * Removes a record (after its final receipt); removing an absent record is not an error. Durable
    * and refused like {@link #put}.
    */
   CompletionStage<Void> remove(String group, String smscMessageId);

   /**
    * Reports every record whose validity plus the grace period ended before {@code nowMillis} to
    * {@link CorrelationStoreConfig#expiryReporter()}, and removes each once its report is durable (so after a
    * crash a record may be reported twice, never lost; a failed report leaves it for a later call). Ends
    * receipt waits that are out of time by the store's monotonic clock ({@link CorrelationStoreConfig#clock()}), not by
    * {@code nowMillis}, which is wall-clock time as the records' deadlines are.
    * Blocks until done: call it from a housekeeping thread every second or so, never from an event
    * loop or a stage callback of this store.
    *
    * @return how many records were reported (the removal of those whose report is still under way follows later)
    */
   int expire(long nowMillis);

   /** Number of records stored (durable ones; pending puts are not counted). */
   long size();

   /**
    * Puts so far (since the store opened) that replaced the record of another MT or part under the same group and SMSC
    * message id: the SMSC reused an id while the older MT's receipt was still awaited (each after that MT's report was
    * made). Logged as a WARN line at most once a minute.
    */
   default long displacedRecords() {
      return 0;
   }

   /**
    * Makes pending writes durable, completes their stages, ends receipt waits with an empty answer
    * and releases the files. Blocks until done; not for an event loop or a stage callback of this store.
    * Later calls fail with {@link IllegalStateException}.
    */
   @Override
   void close();
}
