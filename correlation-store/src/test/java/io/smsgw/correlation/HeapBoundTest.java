package io.smsgw.correlation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A million waiting records must not live on the Java heap. */
class HeapBoundTest {

   private static final int RECORDS = 1_000_000;
   /** A million records of about 150 bytes would take well over 150 MiB on the heap. */
   private static final long MAX_GROWTH = 48L << 20;

   @TempDir
   Path dir;

   @Test
   void heapStaysFlatWithAMillionRecords() throws Exception {
      try (RocksDbCorrelationStore store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(dir).build())) {
         long before = usedHeapAfterGc();
         Semaphore window = new Semaphore(8_192);
         CompletableFuture<Void> last = null;
         for (int i = 0; i < RECORDS; i++) {
            window.acquireUninterruptibly();
            last = store.put(TestRecords.full("link", Integer.toString(i), i)).toCompletableFuture();
            last.whenComplete((ok, error) -> window.release());
         }
         window.acquireUninterruptibly(8_192);
         last.get(30, TimeUnit.SECONDS);
         assertEquals(RECORDS, store.size());
         long growth = usedHeapAfterGc() - before;
         assertTrue(growth < MAX_GROWTH, "heap grew by " + (growth >> 20) + " MiB");
         assertEquals(Optional.of(TestRecords.full("link", "4711", 4711)),
               store.get("link", "4711").toCompletableFuture().get(30, TimeUnit.SECONDS));
      }
   }

   private static long usedHeapAfterGc() {
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      for (int i = 0; i < 3; i++) {
         System.gc();
      }
      return memory.getHeapMemoryUsage().getUsed();
   }
}
