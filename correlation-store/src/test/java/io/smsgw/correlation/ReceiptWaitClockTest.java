package io.smsgw.correlation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receipt waiting for its record (a receipt that overtook its submit_sm_resp) waits its time by the store's monotonic
 * clock, whatever the wall clock does meanwhile: the housekeeping passes wall-clock time to {@code expire} for the
 * records' deadlines, and an NTP step of that clock must not hold the receipts (and the SMSC's answers) for the length
 * of the step, nor end them all at once.
 */
class ReceiptWaitClockTest {

   private static final long HOUR = TimeUnit.HOURS.toMillis(1);

   @TempDir
   Path dir;

   /** The store's monotonic clock, moved by the test. */
   private final AtomicLong monotonic = new AtomicLong(5_000);
   private RocksDbCorrelationStore store;

   @AfterEach
   void close() {
      if (store != null) {
         store.close();
      }
   }

   private CompletableFuture<Optional<CorrelationRecord>> waitingReceipt() {
      store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(dir).receiptWaitMillis(500)
         .blockCacheBytes(8L << 20).writeBufferBytes(4L << 20).clock(monotonic::get).build());
      CompletableFuture<Optional<CorrelationRecord>> receipt = store.matchReceipt("l", "early").toCompletableFuture();
      assertFalse(receipt.isDone());
      return receipt;
   }

   @Test
   void aWallClockSteppedBackDoesNotHoldAWaitingReceipt() throws Exception {
      CompletableFuture<Optional<CorrelationRecord>> receipt = waitingReceipt();
      long wall = System.currentTimeMillis();
      store.expire(wall);
      assertFalse(receipt.isDone(), "within its wait");
      monotonic.addAndGet(501);
      store.expire(wall - HOUR); // the host's clock was stepped back an hour meanwhile
      assertEquals(Optional.empty(), receipt.get(10, TimeUnit.SECONDS), "ended after its 500 ms all the same");
      assertEquals(0, store.waitingReceipts());
   }

   @Test
   void aWallClockSteppedForwardDoesNotEndAWaitingReceiptEarly() throws Exception {
      CompletableFuture<Optional<CorrelationRecord>> receipt = waitingReceipt();
      store.expire(System.currentTimeMillis() + HOUR); // stepped forward an hour just after the receipt came
      assertFalse(receipt.isDone(), "still waiting: its 500 ms have not passed");
      CorrelationRecord record = TestRecords.minimal("l", "early", System.currentTimeMillis() + 2 * HOUR);
      store.put(record).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(Optional.of(record), receipt.get(10, TimeUnit.SECONDS), "matched when its record landed");
   }
}
