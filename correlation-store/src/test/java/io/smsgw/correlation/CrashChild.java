package io.smsgw.correlation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Child JVM for {@link CrashRecoveryTest}: stores {@code count} records and removes one, says so on
 * stdout once every stage has completed, then keeps writing until it is killed (or its stdin closes).
 */
public final class CrashChild {

   public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      int count = Integer.parseInt(args[1]);
      RocksDbCorrelationStore store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(dir).build());
      Semaphore window = new Semaphore(512);
      List<CompletableFuture<Void>> puts = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
         puts.add(put(store, window, "acked" + i));
      }
      CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
      store.remove("link", "acked0").toCompletableFuture().join();
      System.out.println("DURABLE " + count);
      System.out.flush();

      Thread more = new Thread(() -> {
         for (int i = 0; i < 10_000_000; i++) {
            put(store, window, "unacked" + i);
         }
      });
      more.setDaemon(true);
      more.start();
      while (System.in.read() >= 0) {
         // Runs until killed; a closed stdin means the test is gone.
      }
      System.exit(0);
   }

   private static CompletableFuture<Void> put(RocksDbCorrelationStore store, Semaphore window, String id) {
      window.acquireUninterruptibly();
      CompletableFuture<Void> put = store.put(TestRecords.full("link", id, Long.MAX_VALUE / 2)).toCompletableFuture();
      put.whenComplete((ok, error) -> window.release());
      return put;
   }
}
