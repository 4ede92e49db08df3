package io.smsgw.correlation;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Throughput and memory of {@link RocksDbCorrelationStore}, outside the test run:
 * {@code mvn -o -pl correlation-store -Pbench -DskipTests verify} (see the module README).
 *
 * <p>Phases: fill the store with {@code records} records from two producer threads, each keeping 1,024
 * puts in flight (durable inserts/s, then heap after GC and process RSS with everything waiting);
 * random lookups over all records and over the newest 1% (what receipts mostly hit), two threads with
 * 1,024 in flight each; a steady state of put + receipt lookup + remove; and expiry of one million
 * records. CPU time is the whole process's (compaction included), so it stays meaningful on a busy box.
 *
 * <p>Arguments: directory (emptied first), number of records.
 */
public final class CorrelationStoreBenchmark {

   private static final int PRODUCERS = 2;
   private static final int WINDOW = 1_024;
   private static final long FAR_FUTURE = Long.MAX_VALUE / 2;

   public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      int records = Integer.parseInt(args[1]);
      deleteRecursively(dir);
      System.out.printf("correlation store benchmark: %,d records, %d cores, max heap %d MiB, load average %s%n",
            records, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, loadAverage());
      try (RocksDbCorrelationStore store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(dir).build())) {
         long heapBefore = usedHeapAfterGc();
         fill(store, records);
         System.out.printf("with %,d records waiting: heap after GC %d MiB (was %d MiB empty), RSS %d MiB, disk %d MiB%n",
               store.size(), usedHeapAfterGc() >> 20, heapBefore >> 20, rssKib() >> 10, diskBytes(dir) >> 20);

         lookups(store, "random lookups over all records", 0, records, 1_000_000);
         lookups(store, "random lookups over the newest 1%", records - records / 100, records, 1_000_000);
         steadyState(store, records, 1_000_000);
         expiry(store, 1_000_000);
         System.out.printf("at the end: heap after GC %d MiB, RSS %d MiB, disk %d MiB, load average %s%n",
               usedHeapAfterGc() >> 20, rssKib() >> 10, diskBytes(dir) >> 20, loadAverage());
      }
   }

   /**
    * Bounds one thread's operations in flight. Completions only bump a counter and the issuing thread
    * polls it, so the store's writer thread (where write stages complete) never pays for waking
    * anyone, as with an event loop that is not woken per completion.
    */
   private static final class Window {
      private final int size;
      private final AtomicLong completed = new AtomicLong();
      private long issued;

      Window(int size) {
         this.size = size;
      }

      void acquire() {
         while (issued - completed.get() >= size) {
            LockSupport.parkNanos(20_000);
         }
         issued++;
      }

      void release() {
         completed.incrementAndGet();
      }

      void drain() {
         while (completed.get() < issued) {
            LockSupport.parkNanos(20_000);
         }
      }
   }

   /** SMSC message ids in a scattered order, as many SMSCs hand them out. */
   static String smscId(long i) {
      return Long.toHexString(i * 0x9E3779B97F4A7C15L);
   }

   private static void fill(RocksDbCorrelationStore store, int records) throws InterruptedException {
      AtomicLong completed = new AtomicLong();
      long syncsBefore = store.syncedBatches();
      long cpuStart = cpuNanos();
      long writerCpuStart = writerCpuNanos();
      long start = System.nanoTime();
      List<Thread> producers = new ArrayList<>();
      for (int p = 0; p < PRODUCERS; p++) {
         int first = p;
         Thread producer = new Thread(() -> {
            Window window = new Window(WINDOW);
            for (int i = first; i < records; i += PRODUCERS) {
               window.acquire();
               // Deadlines in insertion order, so the expiry phase can take the oldest million.
               store.put(TestRecords.full("smsc-1", smscId(i), i)).whenComplete((ok, error) -> {
                  window.release();
                  if (error != null) {
                     error.printStackTrace();
                     System.exit(1);
                  }
                  completed.incrementAndGet();
               });
            }
            window.drain();
         });
         producers.add(producer);
         producer.start();
      }
      long reportEvery = Math.max(records / 10, 1);
      long lastCount = 0;
      long lastTime = start;
      while (producers.stream().anyMatch(Thread::isAlive)) {
         producers.get(0).join(200);
         long done = completed.get();
         if (done - lastCount >= reportEvery) {
            long now = System.nanoTime();
            System.out.printf("  %,d stored, %,.0f inserts/s over the last %,d%n",
                  done, (done - lastCount) * 1e9 / (now - lastTime), done - lastCount);
            lastCount = done;
            lastTime = now;
         }
      }
      for (Thread producer : producers) {
         producer.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long syncs = store.syncedBatches() - syncsBefore;
      System.out.printf("fill: %,d durable inserts in %.1f s = %,.0f inserts/s, %.1f µs CPU per insert (writer thread %.1f),"
            + " %,d syncs (%.0f puts per sync)%n", records, seconds, records / seconds, cpuMicrosPer(cpuStart, records),
            (writerCpuNanos() - writerCpuStart) / 1e3 / records, syncs, (double) records / syncs);
   }

   private static void lookups(RocksDbCorrelationStore store, String what, int from, int to, int count)
         throws InterruptedException {
      long diskReadsBefore = store.diskReads();
      AtomicLong missing = new AtomicLong();
      long cpuStart = cpuNanos();
      long start = System.nanoTime();
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < PRODUCERS; t++) {
         long seed = t;
         Thread reader = new Thread(() -> {
            SplittableRandom random = new SplittableRandom(seed);
            Window window = new Window(WINDOW);
            for (int i = 0; i < count / PRODUCERS; i++) {
               window.acquire();
               store.get("smsc-1", smscId(random.nextInt(from, to))).whenComplete((found, error) -> {
                  if (error != null || found.isEmpty()) {
                     missing.incrementAndGet();
                  }
                  window.release();
               });
            }
            window.drain();
         });
         readers.add(reader);
         reader.start();
      }
      for (Thread reader : readers) {
         reader.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("%s: %,d in %.1f s = %,.0f lookups/s, %.1f µs CPU per lookup (%d threads, %d in flight each;"
            + " %,d needed a disk read; %d missing)%n",
            what, count, seconds, count / seconds, cpuMicrosPer(cpuStart, count), PRODUCERS, WINDOW,
            store.diskReads() - diskReadsBefore, missing.get());
   }

   /** Each cycle: a new record (submit_sm_resp), then a receipt lookup and a remove of one 10,000 inserts older. */
   private static void steadyState(RocksDbCorrelationStore store, int records, int cycles) throws InterruptedException {
      long sizeBefore = store.size();
      long cpuStart = cpuNanos();
      long writerCpuStart = writerCpuNanos();
      long start = System.nanoTime();
      List<Thread> workers = new ArrayList<>();
      for (int p = 0; p < PRODUCERS; p++) {
         int first = records + p;
         Thread worker = new Thread(() -> {
            Window window = new Window(WINDOW);
            int lag = 10_000 * PRODUCERS;
            for (int i = first; i < records + cycles; i += PRODUCERS) {
               window.acquire();
               window.acquire();
               store.put(TestRecords.full("smsc-1", smscId(i), FAR_FUTURE)).whenComplete((ok, e) -> window.release());
               String receiptFor = smscId(i - lag);
               store.matchReceipt("smsc-1", receiptFor)
                     .thenCompose(found -> store.remove("smsc-1", receiptFor))
                     .whenComplete((ok, e) -> window.release());
            }
            window.drain();
         });
         workers.add(worker);
         worker.start();
      }
      for (Thread worker : workers) {
         worker.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("steady state: %,d cycles of put + receipt lookup + remove in %.1f s = %,.0f cycles/s"
            + " (%,.0f store operations/s), %.1f µs CPU per cycle (writer thread %.1f); size %,d -> %,d%n",
            cycles, seconds, cycles / seconds, 3 * cycles / seconds, cpuMicrosPer(cpuStart, cycles),
            (writerCpuNanos() - writerCpuStart) / 1e3 / cycles, sizeBefore, store.size());
   }

   private static void expiry(RocksDbCorrelationStore store, int count) {
      long sizeBefore = store.size();
      long cpuStart = cpuNanos();
      long start = System.nanoTime();
      // Fill deadlines are the insertion index, so this takes the oldest `count` records (minus removed ones).
      int expired = store.expire(count + CorrelationStoreConfig.builder(Path.of(".")).build().expiryGraceMillis());
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("expiry: %,d records in %.1f s = %,.0f expired/s, %.1f µs CPU per record; size %,d -> %,d%n",
            expired, seconds, expired / seconds, cpuMicrosPer(cpuStart, Math.max(expired, 1)), sizeBefore, store.size());
   }

   /** CPU time of the whole process (all threads, RocksDB's compaction included), in nanoseconds. */
   private static long cpuNanos() {
      return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
   }

   /** CPU time of the store's writer thread, in nanoseconds. */
   private static long writerCpuNanos() {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      for (Thread thread : Thread.getAllStackTraces().keySet()) {
         if (thread.getName().startsWith("correlation-store-writer")) {
            return threads.getThreadCpuTime(thread.getId());
         }
      }
      return 0;
   }

   private static String loadAverage() {
      try {
         return Files.readString(Path.of("/proc/loadavg")).trim();
      } catch (IOException e) {
         return "n/a";
      }
   }

   /** Process CPU microseconds spent since {@code cpuStart}, per operation. */
   private static double cpuMicrosPer(long cpuStart, long operations) {
      return (cpuNanos() - cpuStart) / 1e3 / operations;
   }

   private static long usedHeapAfterGc() {
      for (int i = 0; i < 3; i++) {
         System.gc();
      }
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
   }

   private static long rssKib() {
      try {
         for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
               return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
         }
      } catch (IOException | NumberFormatException e) {
         // Not Linux: no RSS figure.
      }
      return -1;
   }

   private static long diskBytes(Path dir) throws IOException {
      try (Stream<Path> files = Files.walk(dir)) {
         return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
      }
   }

   private static void deleteRecursively(Path dir) throws IOException {
      if (Files.exists(dir)) {
         try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
               Files.delete(file);
            }
         }
      }
   }

   private CorrelationStoreBenchmark() {
   }
}
