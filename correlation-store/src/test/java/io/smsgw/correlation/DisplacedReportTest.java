package io.smsgw.correlation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A put that replaces another MT's record under the same key (an SMSC that reuses message ids) waits until the older
 * MT's final report is durable, as an expired record waits for its EXPIRED report: the older MT is never left without
 * one, and is reported once.
 */
class DisplacedReportTest {

   @TempDir
   Path dir;

   private final List<CorrelationRecord> displaced = new CopyOnWriteArrayList<>();
   private final List<CompletableFuture<Void>> reports = new CopyOnWriteArrayList<>();
   private RocksDbCorrelationStore store;

   @AfterEach
   void close() {
      if (store != null) {
         store.close();
      }
   }

   private void open() {
      store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(dir).blockCacheBytes(8L << 20).writeBufferBytes(4L << 20)
         .displacedReporter(record -> {
            displaced.add(record);
            CompletableFuture<Void> report = new CompletableFuture<>();
            reports.add(report);
            return report;
         }).build());
   }

   private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
   }

   private static CorrelationRecord other(String smscMessageId) {
      return new CorrelationRecord("l", smscMessageId, "00000002", "esme1", null, "12345", "447700900124",
            null, 0, null, null, null, 1_700_000_000_000L, 5_000_000, 0, 1, 1, 1, SmsProtocol.SMPP, "3.4");
   }

   @Test
   void aPutReplacingAnotherMtsRecordIsWrittenOnlyOnceThatMtsReportIsDurable() throws Exception {
      open();
      CorrelationRecord first = TestRecords.minimal("l", "reused", 5_000_000);
      await(store.put(first));
      await(store.put(first));
      assertEquals(List.of(), displaced, "the same MT and part again is no replacement");

      CompletableFuture<Void> put = store.put(other("reused")).toCompletableFuture();
      waitFor(() -> reports.size() == 1);
      assertEquals(List.of(first), displaced, "the older MT is handed over for its report");
      assertFalse(put.isDone(), "the put waits for the report");
      assertEquals(Optional.of(first), await(store.get("l", "reused")), "the older record stays meanwhile");

      reports.get(0).complete(null);
      await(put);
      assertEquals(Optional.of(other("reused")), await(store.get("l", "reused")));
      assertEquals(1, store.displacedRecords());
      assertEquals(1, displaced.size(), "reported once");
      assertEquals(List.of(), await(store.findAccepted("00000001", "447700900123")), "the older MT is no longer found");
   }

   @Test
   void aFailedReportFailsThePutAndKeepsTheOlderRecordForTheNextTry() throws Exception {
      open();
      CorrelationRecord first = TestRecords.minimal("l", "reused", 5_000_000);
      await(store.put(first));
      CompletableFuture<Void> put = store.put(other("reused")).toCompletableFuture();
      waitFor(() -> reports.size() == 1);
      reports.get(0).completeExceptionally(new IllegalStateException("journal full"));
      ExecutionException failed = assertThrows(ExecutionException.class, () -> put.get(10, TimeUnit.SECONDS));
      assertInstanceOf(CorrelationStoreException.class, failed.getCause());
      assertEquals(Optional.of(first), await(store.get("l", "reused")), "the older record is kept");
      assertEquals(0, store.displacedRecords());

      CompletableFuture<Void> again = store.put(other("reused")).toCompletableFuture();
      waitFor(() -> reports.size() == 2);
      assertEquals(List.of(first, first), displaced, "the try again reports again");
      reports.get(1).complete(null);
      await(again);
      assertEquals(Optional.of(other("reused")), await(store.get("l", "reused")));
   }

   private static void waitFor(java.util.function.BooleanSupplier condition) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!condition.getAsBoolean()) {
         if (System.nanoTime() > deadline) {
            throw new AssertionError("condition not met within 10 s");
         }
         java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
   }
}
