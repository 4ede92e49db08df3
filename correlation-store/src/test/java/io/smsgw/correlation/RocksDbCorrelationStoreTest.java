package io.smsgw.correlation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class RocksDbCorrelationStoreTest {

   private static final long GRACE = 60_000;

   @TempDir
   Path dir;

   private final List<CorrelationRecord> expired = new CopyOnWriteArrayList<>();
   private final AtomicLong clock = new AtomicLong(1_000_000);
   private final List<RocksDbCorrelationStore> opened = new ArrayList<>();

   @AfterEach
   void closeStores() {
      opened.forEach(RocksDbCorrelationStore::close);
   }

   private CorrelationStoreConfig.Builder config() {
      return CorrelationStoreConfig.builder(dir).expiryGraceMillis(GRACE).expiryListener(expired::add)
            .clock(clock::get).blockCacheBytes(8L << 20).writeBufferBytes(4L << 20);
   }

   private RocksDbCorrelationStore open(CorrelationStoreConfig.Builder builder) {
      RocksDbCorrelationStore store = RocksDbCorrelationStore.open(builder.build());
      opened.add(store);
      return store;
   }

   private RocksDbCorrelationStore open() {
      return open(config());
   }

   private static <T> T await(CompletionStage<T> stage) throws Exception {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
   }

   private static Throwable failureOf(CompletionStage<?> stage) throws Exception {
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(stage));
      return e.getCause();
   }

   @Test
   void aStoredRecordIsFoundAndRemoved() throws Exception {
      RocksDbCorrelationStore store = open();
      CorrelationRecord record = TestRecords.full("smsc-1", "A1B2", 5_000_000);
      await(store.put(record));
      assertEquals(Optional.of(record), await(store.get("smsc-1", "A1B2")));
      assertEquals(Optional.empty(), await(store.get("smsc-2", "A1B2")), "ids are per link");
      assertEquals(1, store.size());

      await(store.remove("smsc-1", "A1B2"));
      assertEquals(Optional.empty(), await(store.get("smsc-1", "A1B2")));
      assertEquals(0, store.size());
      await(store.remove("smsc-1", "A1B2")); // absent: still completes
      assertEquals(0, store.size());
   }

   @Test
   void aReusedSmscIdReplacesTheRecordAndItsDeadline() throws Exception {
      RocksDbCorrelationStore store = open();
      await(store.put(TestRecords.full("l", "1", 1_000)));
      CorrelationRecord newer = TestRecords.minimal("l", "1", 500_000);
      await(store.put(newer));
      assertEquals(1, store.size());
      assertEquals(Optional.of(newer), await(store.get("l", "1")));

      assertEquals(0, store.expire(1_000 + GRACE + 1), "the old deadline no longer applies");
      assertEquals(1, store.expire(500_000 + GRACE + 1));
      assertEquals(List.of(newer), expired);
      assertEquals(0, store.size());
   }

   /** A record of a given MT segment, as a link stores it once the SMSC accepted that segment. */
   private static CorrelationRecord segment(String smscMessageId, String smsId, String destination, int number, long deadline) {
      return new CorrelationRecord("l", smscMessageId, smsId, "esme1", null, "10086", destination, null, 0, null, null,
            null, 1_700_000_000_000L, deadline, 7, 3, number, 1, SmsProtocol.SMPP, "3.4");
   }

   /**
    * The records of an MT are found by its smsId and recipient for as long as they exist (across a reopen, as after a
    * crash), whichever way they go: a final receipt's removal, an expiry, a reused SMSC id. Nothing of another MT, nor
    * of the same smsId to another recipient, or of an smsId that merely starts the same, is found.
    */
   @Test
   void theRecordsOfAnMtAreFoundByItsIdAndRecipientWhileTheyExist() throws Exception {
      RocksDbCorrelationStore store = open();
      CorrelationRecord first = segment("s1", "0000000a", "8613800138000", 1, 10_000);
      CorrelationRecord second = segment("s2", "0000000a", "8613800138000", 2, 20_000);
      await(store.put(first));
      await(store.put(second));
      await(store.put(segment("s3", "0000000a", "8613800138001", 1, 10_000)));
      await(store.put(segment("s4", "0000000a1", "8613800138000", 1, 10_000)));
      await(store.put(segment("s5", "0000000b", "8613800138000", 1, 10_000)));
      assertEquals(List.of(first, second), await(store.findAccepted("0000000a", "8613800138000")));
      assertEquals(List.of(), await(store.findAccepted("0000000c", "8613800138000")));
      store.close();

      RocksDbCorrelationStore reopened = open();
      assertEquals(List.of(first, second), await(reopened.findAccepted("0000000a", "8613800138000")), "durable with the records");
      await(reopened.remove("l", "s1")); // its final receipt
      assertEquals(List.of(second), await(reopened.findAccepted("0000000a", "8613800138000")));
      assertEquals(4, reopened.expire(20_000 + GRACE + 1));
      assertEquals(List.of(), await(reopened.findAccepted("0000000a", "8613800138000")), "gone with the expired record");

      CorrelationRecord reused = segment("s6", "0000000d", "8613800138000", 1, 30_000);
      await(reopened.put(reused));
      CorrelationRecord replacing = segment("s6", "0000000e", "8613800138000", 1, 30_000);
      await(reopened.put(replacing));
      assertEquals(List.of(), await(reopened.findAccepted("0000000d", "8613800138000")), "the replaced record's entry went with it");
      assertEquals(List.of(replacing), await(reopened.findAccepted("0000000e", "8613800138000")));
   }

   /**
    * query_sm knows only the id: every record of the MT, to every recipient (a submit_multi's), and nothing of an smsId
    * that merely starts the same or of another MT; an entry goes with its record.
    */
   @Test
   void theRecordsOfAnMtAreFoundByItsIdAloneToAnyRecipient() throws Exception {
      RocksDbCorrelationStore store = open();
      CorrelationRecord first = segment("s1", "0000000a", "8613800138000", 1, 10_000);
      CorrelationRecord second = segment("s2", "0000000a", "8613800138000", 2, 20_000);
      CorrelationRecord otherRecipient = segment("s3", "0000000a", "8613800138001", 1, 10_000);
      await(store.put(first));
      await(store.put(second));
      await(store.put(otherRecipient));
      await(store.put(segment("s4", "0000000a1", "8613800138000", 1, 10_000)));
      await(store.put(segment("s5", "0000000b", "8613800138000", 1, 10_000)));
      assertEquals(List.of(first, second, otherRecipient), await(store.findAccepted("0000000a")));
      assertEquals(List.of(), await(store.findAccepted("0000000")), "an id that merely starts another");
      assertEquals(List.of(), await(store.findAccepted("0000000c")));
      await(store.remove("l", "s1"));
      await(store.remove("l", "s2"));
      assertEquals(List.of(otherRecipient), await(store.findAccepted("0000000a")));
      await(store.remove("l", "s3"));
      assertEquals(List.of(), await(store.findAccepted("0000000a")), "gone with its last record");
      store.close();
   }

   @Test
   void recordsSurviveCloseAndReopen() throws Exception {
      RocksDbCorrelationStore store = open();
      List<CompletionStage<Void>> puts = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
         puts.add(store.put(TestRecords.full("l", "id" + i, 2_000_000 + i)));
      }
      for (CompletionStage<Void> put : puts) {
         await(put);
      }
      await(store.remove("l", "id7"));
      store.close();

      RocksDbCorrelationStore reopened = open();
      assertEquals(999, reopened.size());
      assertEquals(Optional.of(TestRecords.full("l", "id999", 2_000_999)), await(reopened.get("l", "id999")));
      assertEquals(1, reopened.diskReads(), "a cold cache sends the lookup to a reader thread");
      assertEquals(Optional.empty(), await(reopened.get("l", "id7")));
      assertEquals(999, reopened.expire(Long.MAX_VALUE), "the expiry index survives too");
   }

   @Test
   void closeMakesQueuedWritesDurable() throws Exception {
      RocksDbCorrelationStore store = open();
      List<CompletionStage<Void>> puts = new ArrayList<>();
      for (int i = 0; i < 5_000; i++) {
         puts.add(store.put(TestRecords.minimal("l", "id" + i, 1)));
      }
      store.close();
      for (CompletionStage<Void> put : puts) {
         assertTrue(put.toCompletableFuture().isDone());
         await(put);
      }
      assertEquals(5_000, open().size());
   }

   @Test
   void expiryDropsRecordsPastValidityPlusGraceAndReportsThem() throws Exception {
      RocksDbCorrelationStore store = open();
      CorrelationRecord early = TestRecords.full("l", "early", 10_000);
      CorrelationRecord late = TestRecords.full("l", "late", 20_000);
      await(store.put(early));
      await(store.put(late));

      assertEquals(0, store.expire(10_000 + GRACE), "kept until validity plus grace has passed");
      assertEquals(1, store.expire(10_000 + GRACE + 1));
      assertEquals(List.of(early), expired);
      assertEquals(Optional.empty(), await(store.get("l", "early")));
      assertEquals(Optional.of(late), await(store.get("l", "late")));
      assertEquals(1, store.size());
      assertEquals(0, store.expire(10_000 + GRACE + 1), "nothing twice");
   }

   @Test
   void expiryWorksThroughManyChunks() throws Exception {
      RocksDbCorrelationStore store = open();
      int count = CorrelationWriter.EXPIRY_CHUNK * 3 + 17;
      List<CompletionStage<Void>> puts = new ArrayList<>();
      for (int i = 0; i < count; i++) {
         puts.add(store.put(TestRecords.minimal("l", "id" + i, i)));
      }
      await(store.put(TestRecords.minimal("l", "keep", Long.MAX_VALUE - GRACE)));
      for (CompletionStage<Void> put : puts) {
         await(put);
      }
      assertEquals(count, store.expire(count + GRACE));
      assertEquals(count, expired.size());
      assertEquals(1, store.size());
   }

   @Test
   void aRecordArrivingWithAnAlreadyPassedDeadlineStillExpires() throws Exception {
      RocksDbCorrelationStore store = open();
      await(store.put(TestRecords.minimal("l", "a", 50_000)));
      assertEquals(1, store.expire(50_000 + GRACE + 1));
      await(store.put(TestRecords.minimal("l", "b", 10)));
      assertEquals(1, store.expire(50_000 + GRACE + 1));
      assertEquals(0, store.size());
   }

   @Test
   void aFailingListenerDoesNotStopExpiry() throws Exception {
      RocksDbCorrelationStore store = open(config().expiryListener(record -> {
         throw new IllegalStateException("listener broke");
      }));
      await(store.put(TestRecords.minimal("l", "a", 1)));
      await(store.put(TestRecords.minimal("l", "b", 2)));
      assertEquals(2, store.expire(3 + GRACE), "both handed to the listener: the first one's throw stops nothing");
      assertEquals(2, store.size(), "neither reported, so both kept (decision 50)");
   }

   /**
    * A reporter that throws has not reported the record: it stays and is reported again, as after a failed stage
    * (decision 50). Before, the throw dropped the record, and with it its MT's only final report and billing record.
    */
   @Test
   void aRecordWhoseReporterThrowsStaysAndIsReportedAgain() throws Exception {
      java.util.concurrent.atomic.AtomicInteger throwsLeft = new java.util.concurrent.atomic.AtomicInteger(1);
      RocksDbCorrelationStore store = open(config().expiryListener(record -> {
         if (throwsLeft.getAndDecrement() > 0) {
            throw new IllegalStateException("journal unavailable");
         }
         expired.add(record);
      }));
      CorrelationRecord record = TestRecords.full("l", "thrown", 10_000);
      await(store.put(record));
      long past = 10_000 + GRACE + 1;

      assertEquals(1, store.expire(past));
      assertEquals(Optional.of(record), await(store.get("l", "thrown")), "kept: its report was not made");
      assertEquals(List.of(), expired);

      assertEquals(1, store.expire(past), "reported again");
      assertEquals(List.of(record), expired);
      RocksDbCorrelationStore reporting = store;
      until("the reported record is removed", () -> reporting.size() == 0);
      assertEquals(0, store.expire(past), "reported once it was made");
   }

   /**
    * The SMSC gives a message id again while the record of the MT it first named still waits for its receipt: the
    * newer record replaces it (the receipt can only match one), and the replacement is counted. The same MT's record
    * stored again (a part accepted again after a crash) is no replacement.
    */
   @Test
   void aRecordOfAnotherMtUnderAReusedIdIsCountedAsDisplaced() throws Exception {
      RocksDbCorrelationStore store = open();
      CorrelationRecord first = TestRecords.minimal("l", "reused", 5_000_000);
      await(store.put(first));
      await(store.put(first));
      assertEquals(0, store.displacedRecords(), "the same MT and part again");

      CorrelationRecord other = new CorrelationRecord("l", "reused", "00000002", "esme1", null, "12345", "447700900124",
            null, 0, null, null, null, 1_700_000_000_000L, 5_000_000, 0, 1, 1, 1, SmsProtocol.SMPP, "3.4");
      await(store.put(other));
      assertEquals(1, store.displacedRecords());
      assertEquals(Optional.of(other), await(store.get("l", "reused")));
      assertEquals(1, store.size());
      assertEquals(List.of(), await(store.findAccepted("00000001", "447700900123")), "the older MT is no longer found");
   }

   @Test
   void anExpiredRecordStaysUntilItsReportIsDurableAndAFailedReportIsMadeAgain() throws Exception {
      List<CompletableFuture<Void>> reports = new CopyOnWriteArrayList<>();
      CorrelationStoreConfig.Builder reporting = config().expiryReporter(record -> {
         expired.add(record);
         CompletableFuture<Void> report = new CompletableFuture<>();
         reports.add(report);
         return report;
      });
      RocksDbCorrelationStore store = open(reporting);
      CorrelationRecord record = TestRecords.full("l", "late", 10_000);
      await(store.put(record));
      long past = 10_000 + GRACE + 1;

      assertEquals(1, store.expire(past));
      assertEquals(Optional.of(record), await(store.get("l", "late")), "kept while its report is not durable");
      assertEquals(0, store.expire(past), "not reported again while the report is under way");

      // A crash before the report was stored: the record is still there, and is reported again.
      store.close();
      store = open(reporting);
      assertEquals(1, store.expire(past));
      assertEquals(List.of(record, record), expired);

      reports.get(1).completeExceptionally(new IllegalStateException("journal failed"));
      assertEquals(1, store.expire(past), "a failed report is made again");
      assertEquals(Optional.of(record), await(store.get("l", "late")));

      reports.get(2).complete(null);
      RocksDbCorrelationStore reopened = store;
      until("the reported record is removed", () -> reopened.size() == 0);
      assertEquals(Optional.empty(), await(store.get("l", "late")));
      assertEquals(0, store.expire(past));
      assertEquals(3, expired.size());
   }

   /** Polls until a condition holds, for what the writer does after a report completes. */
   private static void until(String what, BooleanSupplier condition) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!condition.getAsBoolean()) {
         assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
         LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
   }

   @Test
   void concurrentWritersLoseNothing() throws Exception {
      RocksDbCorrelationStore store = open();
      int threads = 8;
      int perThread = 5_000;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
         List<Future<?>> done = new ArrayList<>();
         for (int t = 0; t < threads; t++) {
            String link = "link" + t;
            done.add(pool.submit(() -> {
               Semaphore window = new Semaphore(256);
               List<CompletableFuture<Void>> puts = new ArrayList<>();
               for (int i = 0; i < perThread; i++) {
                  window.acquireUninterruptibly();
                  CompletableFuture<Void> put = store.put(TestRecords.full(link, Integer.toString(i), i))
                        .toCompletableFuture();
                  put.whenComplete((ok, error) -> window.release());
                  puts.add(put);
               }
               CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
               // Then remove the even ones, still concurrently with the other threads' puts.
               List<CompletableFuture<Void>> removes = new ArrayList<>();
               for (int i = 0; i < perThread; i += 2) {
                  removes.add(store.remove(link, Integer.toString(i)).toCompletableFuture());
               }
               CompletableFuture.allOf(removes.toArray(CompletableFuture[]::new)).join();
               return null;
            }));
         }
         for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
         }
      } finally {
         pool.shutdownNow();
      }
      assertEquals(threads * perThread / 2, store.size());
      for (int t = 0; t < threads; t++) {
         for (int i = 0; i < perThread; i++) {
            Optional<CorrelationRecord> found = await(store.get("link" + t, Integer.toString(i)));
            assertEquals(i % 2 == 1, found.isPresent(), "link" + t + " id " + i);
         }
      }
      store.close();
      assertEquals(threads * perThread / 2, open().size());
   }

   /** Holds the writer thread inside the expiry listener until released. */
   private static final class WriterBlocker implements Consumer<CorrelationRecord> {
      final CountDownLatch entered = new CountDownLatch(1);
      final CountDownLatch release = new CountDownLatch(1);

      @Override
      public void accept(CorrelationRecord record) {
         entered.countDown();
         try {
            release.await();
         } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
         }
      }
   }

   /** Starts an expiry that parks the writer in the listener; returns the expiry's result. */
   private static Future<Integer> blockWriter(RocksDbCorrelationStore store, WriterBlocker blocker,
                                              ExecutorService pool) throws Exception {
      await(store.put(TestRecords.minimal("blocker", "1", 0)));
      Future<Integer> expiry = pool.submit(() -> store.expire(GRACE + 1));
      assertTrue(blocker.entered.await(30, TimeUnit.SECONDS));
      return expiry;
   }

   @Test
   void writesBeyondTheQueueBoundAreRefusedNotBlocked() throws Exception {
      WriterBlocker blocker = new WriterBlocker();
      RocksDbCorrelationStore store = open(config().maxPendingWrites(4).expiryListener(blocker));
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
         Future<Integer> expiry = blockWriter(store, blocker, pool);
         List<CompletionStage<Void>> queued = new ArrayList<>();
         for (int i = 0; i < 4; i++) {
            queued.add(store.put(TestRecords.minimal("l", "q" + i, Long.MAX_VALUE - GRACE)));
         }
         CompletionStage<Void> refused = store.put(TestRecords.minimal("l", "over", Long.MAX_VALUE - GRACE));
         assertInstanceOf(RejectedExecutionException.class, failureOf(refused));
         assertInstanceOf(RejectedExecutionException.class, failureOf(store.remove("l", "q0")));
         queued.forEach(stage -> assertFalse(stage.toCompletableFuture().isDone(), "not durable yet"));

         blocker.release.countDown();
         assertEquals(1, expiry.get(30, TimeUnit.SECONDS));
         for (CompletionStage<Void> stage : queued) {
            await(stage);
         }
         assertEquals(4, store.size());
      } finally {
         blocker.release.countDown();
         pool.shutdownNow();
      }
   }

   @Test
   void writesQueuedTogetherApplyInOrder() throws Exception {
      WriterBlocker blocker = new WriterBlocker();
      RocksDbCorrelationStore store = open(config().expiryListener(blocker));
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
         Future<Integer> expiry = blockWriter(store, blocker, pool);
         // These land in one batch: each must see the ones before it.
         CorrelationRecord second = TestRecords.full("l", "x", 900_000);
         List<CompletionStage<Void>> batch = List.of(
               store.put(TestRecords.minimal("l", "x", 100)),
               store.remove("l", "x"),
               store.put(second),
               store.put(TestRecords.minimal("l", "y", 100)),
               store.put(TestRecords.minimal("l", "y", 200)),
               store.remove("l", "z"));
         blocker.release.countDown();
         expiry.get(30, TimeUnit.SECONDS);
         for (CompletionStage<Void> stage : batch) {
            await(stage);
         }
         assertEquals(2, store.size());
         assertEquals(Optional.of(second), await(store.get("l", "x")));
         expired.clear();
         assertEquals(1, store.expire(200 + GRACE + 1), "only y's latest deadline is indexed");
         assertEquals(1, store.size());
         assertEquals(1, store.expire(900_000 + GRACE + 1));
      } finally {
         blocker.release.countDown();
         pool.shutdownNow();
      }
   }

   @Test
   void aReceiptThatOvertakesItsRecordIsMatchedWhenTheRecordLands() throws Exception {
      RocksDbCorrelationStore store = open();
      CompletionStage<Optional<CorrelationRecord>> first = store.matchReceipt("l", "early");
      CompletionStage<Optional<CorrelationRecord>> second = store.matchReceipt("l", "early");
      assertFalse(first.toCompletableFuture().isDone());
      assertEquals(1, store.waitingReceipts());

      CorrelationRecord record = TestRecords.full("l", "early", 5_000_000);
      await(store.put(record));
      assertEquals(Optional.of(record), await(first));
      assertEquals(Optional.of(record), await(second));
      assertEquals(0, store.waitingReceipts());
   }

   @Test
   void aReceiptForAStoredRecordIsMatchedAtOnce() throws Exception {
      RocksDbCorrelationStore store = open();
      CorrelationRecord record = TestRecords.full("l", "1", 5_000_000);
      await(store.put(record));
      assertEquals(Optional.of(record), await(store.matchReceipt("l", "1")));
      assertEquals(0, store.waitingReceipts());
   }

   @Test
   void anUnmatchedReceiptGivesUpAfterTheWait() throws Exception {
      RocksDbCorrelationStore store = open(config().receiptWaitMillis(5_000));
      CompletionStage<Optional<CorrelationRecord>> receipt = store.matchReceipt("l", "never");
      assertFalse(receipt.toCompletableFuture().isDone());
      clock.addAndGet(5_000);
      store.expire(clock.get());
      assertFalse(receipt.toCompletableFuture().isDone(), "still within its wait");
      clock.incrementAndGet();
      store.expire(clock.get());
      assertEquals(Optional.empty(), await(receipt));
      assertEquals(0, store.waitingReceipts());
   }

   @Test
   void receiptsBeyondTheWaiterBoundGetAPlainLookup() throws Exception {
      RocksDbCorrelationStore store = open(config().maxReceiptWaiters(1));
      CompletionStage<Optional<CorrelationRecord>> waiting = store.matchReceipt("l", "a");
      assertEquals(Optional.empty(), await(store.matchReceipt("l", "b")));
      assertFalse(waiting.toCompletableFuture().isDone());
      store.close();
      assertEquals(Optional.empty(), await(waiting), "closing answers waiting receipts");
   }

   @Test
   void waitingCanBeTurnedOff() throws Exception {
      RocksDbCorrelationStore store = open(config().receiptWaitMillis(0));
      assertEquals(Optional.empty(), await(store.matchReceipt("l", "a")));
   }

   @Test
   void badKeysAreRefusedWithoutThrowing() throws Exception {
      RocksDbCorrelationStore store = open();
      assertInstanceOf(NullPointerException.class, failureOf(store.get(null, "1")));
      assertInstanceOf(IllegalArgumentException.class, failureOf(store.get("l", "")));
      assertInstanceOf(IllegalArgumentException.class, failureOf(store.remove("", "1")));
      assertInstanceOf(IllegalArgumentException.class,
            failureOf(store.matchReceipt("l", "x".repeat(CorrelationRecord.MAX_ID_LENGTH + 1))));
      assertInstanceOf(NullPointerException.class, failureOf(store.put(null)));
   }

   @Test
   void aClosedStoreRefusesEverything() throws Exception {
      RocksDbCorrelationStore store = open();
      store.close();
      store.close();
      assertInstanceOf(IllegalStateException.class, failureOf(store.put(TestRecords.minimal("l", "1", 1))));
      assertInstanceOf(IllegalStateException.class, failureOf(store.get("l", "1")));
      assertInstanceOf(IllegalStateException.class, failureOf(store.matchReceipt("l", "1")));
      assertInstanceOf(IllegalStateException.class, failureOf(store.remove("l", "1")));
      assertThrows(IllegalStateException.class, () -> store.expire(0));
   }

   @Test
   void aDirectoryWithAnotherLayoutIsRefused() throws Exception {
      RocksDB.loadLibrary();
      try (Options options = new Options().setCreateIfMissing(true);
           RocksDB db = RocksDB.open(options, dir.toString())) {
         db.put("layout-version".getBytes(StandardCharsets.US_ASCII), new byte[] {0, 0, 0, 0, 0, 0, 0, 99});
      }
      CorrelationStoreException e = assertThrows(CorrelationStoreException.class,
            () -> RocksDbCorrelationStore.open(config().build()));
      assertTrue(e.getMessage().contains("layout"), e.getMessage());
   }

   @Test
   void aWriteOverAnUnreadableStoredRecordFailsAloneAndTheOthersLand() throws Exception {
      try (StoreDatabase database = StoreDatabase.open(config().build())) {
         database.db.put(database.records, RecordCodec.encodeKey("l", "bad"), new byte[] {42, 1, 2});
      }
      RocksDbCorrelationStore store = open();
      List<CompletionStage<Void>> writes = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
         writes.add(store.put(TestRecords.full("l", "good" + i, 5_000_000)));
      }
      CompletionStage<Void> overBad = store.put(TestRecords.full("l", "bad", 5_000_000));
      CompletionStage<Void> removeBad = store.remove("l", "bad");

      assertInstanceOf(CorrelationStoreException.class, failureOf(overBad));
      assertInstanceOf(CorrelationStoreException.class, failureOf(removeBad));
      for (CompletionStage<Void> write : writes) {
         await(write);
      }
      assertEquals(Optional.of(TestRecords.full("l", "good42", 5_000_000)), await(store.get("l", "good42")));
      assertEquals(100, store.size());
   }

   @Test
   void writesArrivingWithinTheMinimumSyncIntervalShareOneSync() throws Exception {
      RocksDbCorrelationStore store = open(config().minSyncIntervalMicros(20_000));
      await(store.put(TestRecords.full("l", "first", 5_000_000)));
      long syncsBefore = store.syncedBatches();
      List<CompletionStage<Void>> puts = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < 400; i++) {
         // One put every 100 µs for 40 ms: synced as they came, that would be far more than a few syncs.
         while (System.nanoTime() - start < i * 100_000L) {
            Thread.onSpinWait();
         }
         puts.add(store.put(TestRecords.full("l", "r" + i, 5_000_000)));
      }
      for (CompletionStage<Void> put : puts) {
         await(put);
      }
      long syncs = store.syncedBatches() - syncsBefore;
      assertTrue(syncs >= 1 && syncs <= 5, syncs + " syncs for 400 puts over 40 ms, at most one per 20 ms");
      assertEquals(401, store.size());
   }

   @Test
   void aZeroMinimumSyncIntervalSyncsEachWriteAsItComes() throws Exception {
      RocksDbCorrelationStore store = open(config().minSyncIntervalMicros(0));
      long syncsBefore = store.syncedBatches();
      for (int i = 0; i < 20; i++) {
         await(store.put(TestRecords.full("l", "r" + i, 5_000_000)));
      }
      assertEquals(20, store.syncedBatches() - syncsBefore);
      assertThrows(IllegalArgumentException.class, () -> config().minSyncIntervalMicros(-1).build());
   }

   @Test
   void aDirectoryInUseIsRefused() {
      open();
      assertThrows(CorrelationStoreException.class, () -> RocksDbCorrelationStore.open(config().build()));
   }
}
