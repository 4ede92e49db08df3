package io.smsgw.bench.correlation;

import io.smsgw.bench.BenchCommand;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStoreConfig;
import io.smsgw.correlation.RocksDbCorrelationStore;
import io.smsgw.smpp.client.SmscLinkService;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Scenario 7: the receipt correlation store ({@link RocksDbCorrelationStore}) on its own, in a fresh directory
 * with the settings the SMSC links open it with, fed with records as the links store them
 * ({@link BenchRecords}).
 *
 * <ol>
 *   <li>Durable inserts: one phase per producer count, each producer keeping {@code window} puts in flight;
 *       put → durable latency.</li>
 *   <li>Lookups with those records waiting: {@code get} and {@code matchReceipt} of the newest 1%, {@code get}
 *       of random records.</li>
 *   <li>Fill to {@code records}, with the rate of each tenth; then heap after a full GC, process RSS and disk.</li>
 *   <li>The same lookups with every record waiting (random ones now mostly need a disk read); then the receipt
 *       path, {@code matchReceipt} and {@code remove} in submit order.</li>
 *   <li>Steady state: each cycle puts a new record and handles the receipt of one put {@code receiptLag} earlier,
 *       what the gateway does per MT; as fast as possible, then paced at the rate scenario 3 needs.</li>
 *   <li>Expiry of the oldest records, as the links' housekeeping does it.</li>
 *   <li>Verification: the record count, and lookups of every (or a sample of) index: present records come back
 *       equal to what was put, removed and expired ones are gone.</li>
 * </ol>
 */
public final class CorrelationStoreBenchmark {

    /**
     * @param phases      every timed phase, in order
     * @param snapshots   heap, RSS and disk: empty, with every record waiting, at the end
     * @param expiry      the expiry phase
     * @param storeSize   {@code size()} at the end
     * @param expectedSize records that should be left
     */
    public record Report(CorrelationBenchSettings settings, String loadBefore, String loadAfter, int cores,
                         long maxHeapBytes, List<PhaseResult> phases, List<MemorySnapshot> snapshots, Expiry expiry,
                         long storeSize, long expectedSize) {

        public PhaseResult phase(String namePrefix) {
            return phases.stream().filter(p -> p.name().startsWith(namePrefix)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no phase " + namePrefix));
        }

        public MemorySnapshot snapshot(String label) {
            return snapshots.stream().filter(s -> s.label().equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no snapshot " + label));
        }

        /** Every operation completed as expected, expiry dropped and reported what it should, and the count is right. */
        public boolean ok() {
            return phases.stream().allMatch(p -> p.failed() == 0 && p.ok() == p.operations())
                    && expiry.expired() == expiry.expected() && expiry.reported() == expiry.expired()
                    && storeSize == expectedSize;
        }

        public String format() {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%n== correlation store summary (%d cores,"
                    + " max heap %,d MiB; load average before %s, after %s)%n", cores, maxHeapBytes >> 20, loadBefore, loadAfter));
            phases.forEach(p -> out.append(String.format(Locale.ROOT, "  %-52s %,12.0f/s  p50 %s p99 %s  %5.1f µs CPU%s%n",
                    p.name(), p.perSecond(), ms(p.latency().p50Micros()), ms(p.latency().p99Micros()), p.cpuMicrosPerOp(),
                    p.failed() == 0 ? "" : "  FAILED " + p.failed())));
            snapshots.forEach(s -> out.append("  ").append(s.format()));
            out.append("  ").append(expiry.format());
            out.append(String.format(Locale.ROOT, "  store holds %,d records, %,d expected: %s%n", storeSize, expectedSize,
                    ok() ? "every check passed" : "CHECKS FAILED"));
            return out.toString();
        }

        public String toJson() {
            return String.format(Locale.ROOT, "{\"records\":%d,\"cores\":%d,\"maxHeapBytes\":%d,\"loadBefore\":\"%s\","
                            + "\"loadAfter\":\"%s\",\"phases\":[%s],\"snapshots\":[%s],\"expiry\":%s,\"storeSize\":%d,"
                            + "\"expectedSize\":%d,\"ok\":%b}",
                    settings.records(), cores, maxHeapBytes, loadBefore, loadAfter,
                    phases.stream().map(PhaseResult::toJson).collect(Collectors.joining(",")),
                    snapshots.stream().map(MemorySnapshot::toJson).collect(Collectors.joining(",")),
                    expiry.toJson(), storeSize, expectedSize, ok());
        }

        private static String ms(long micros) {
            return String.format(Locale.ROOT, "%7.2f ms", micros / 1000.0);
        }
    }

    /**
     * @param expected records that should have expired
     * @param expired  records {@code expire} dropped
     * @param reported records the expiry listener got
     */
    public record Expiry(long expected, long expired, long reported, double seconds, double cpuMicrosPerRecord) {

        public String format() {
            return String.format(Locale.ROOT, "expiry: %,d of %,d expected records dropped in %.1f s = %,.0f/s,"
                            + " %.1f µs CPU each, %,d reported to the listener%n",
                    expired, expected, seconds, seconds > 0 ? expired / seconds : 0, cpuMicrosPerRecord, reported);
        }

        String toJson() {
            return String.format(Locale.ROOT, "{\"expected\":%d,\"expired\":%d,\"reported\":%d,\"seconds\":%.3f,"
                    + "\"cpuMicrosPerRecord\":%.2f}", expected, expired, reported, seconds, cpuMicrosPerRecord);
        }
    }

    public static void main(String[] args) throws Exception {
        if (BenchCommand.helpRequested(args, CorrelationBenchSettings.USAGE)) {
            return;
        }
        CorrelationBenchSettings settings = CorrelationBenchSettings.parse(args);
        Report report = run(settings, System.out);
        BenchCommand.finish(report.format(), report.toJson(), settings.json(), report.ok());
    }

    /** Runs every phase against a store in {@code settings.directory()}, emptied first; progress to {@code log}. */
    public static Report run(CorrelationBenchSettings settings, PrintStream log) throws Exception {
        deleteDirectory(settings.directory());
        return new CorrelationStoreBenchmark(settings, log).runAll();
    }

    private final CorrelationBenchSettings settings;
    private final PrintStream log;
    private final BenchRecords records = new BenchRecords(System.currentTimeMillis());
    private final ExpectedRecords expected = new ExpectedRecords();
    private final List<PhaseResult> phases = new ArrayList<>();
    private final List<MemorySnapshot> snapshots = new ArrayList<>();
    private final AtomicLong reportedExpired = new AtomicLong();
    private final CorrelationStoreConfig config;

    private CorrelationStoreBenchmark(CorrelationBenchSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
        // What SmscLinkService opens: the defaults, its receipt wait, and an expiry listener (here a counter).
        this.config = CorrelationStoreConfig.builder(settings.directory())
                .receiptWaitMillis(SmscLinkService.RECEIPT_WAIT_MILLIS)
                .expiryListener(record -> reportedExpired.incrementAndGet())
                .build();
    }

    private Report runAll() throws Exception {
        String loadBefore = loadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        log.printf(Locale.ROOT, "correlation store benchmark: %,d records, %d cores, max heap %,d MiB, load average %s%n",
                settings.records(), cores, Runtime.getRuntime().maxMemory() >> 20, loadBefore);
        warmUp();
        Expiry expiry;
        long storeSize;
        try (RocksDbCorrelationStore store = RocksDbCorrelationStore.open(config)) {
            OperationRunner runner = new OperationRunner(store, settings.directory(), log);
            snapshot("empty", store);

            long next = 0;
            for (int producers : settings.producers()) {
                next = insert(runner, store, "durable puts, " + producers + " producer(s)", next,
                        next + settings.inserts(), producers, false);
            }
            lookups(runner, store, next);

            next = insert(runner, store, String.format(Locale.ROOT, "fill to %,d", settings.records()), next,
                    settings.records(), settings.steadyThreads(), true);
            snapshot("all records waiting", store);

            lookups(runner, store, next);
            receipts(runner, store);
            steadyStates(runner, store);
            expiry = expire(store);
            snapshot("end", store);
            verify(runner, store);
            storeSize = store.size();
        }
        return new Report(settings, loadBefore, loadAverage(), cores, Runtime.getRuntime().maxMemory(),
                List.copyOf(phases), List.copyOf(snapshots), expiry, storeSize, expected.count());
    }

    private void snapshot(String label, RocksDbCorrelationStore store) {
        MemorySnapshot snapshot = MemorySnapshot.take(label, store.size(), settings.directory());
        snapshots.add(snapshot);
        log.print(snapshot.format());
    }

    /**
     * Runs puts, lookups and receipts against a scratch store next to the real one, then deletes it: the first
     * measured phase should not pay for the JIT compiling the codec, the writer and RocksDB's JNI calls.
     */
    private void warmUp() throws Exception {
        long count = settings.warmup();
        if (count == 0) {
            return;
        }
        Path scratch = settings.directory().resolveSibling(settings.directory().getFileName() + "-warmup");
        deleteDirectory(scratch);
        try (RocksDbCorrelationStore store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(scratch)
                .receiptWaitMillis(SmscLinkService.RECEIPT_WAIT_MILLIS).build())) {
            OperationRunner runner = new OperationRunner(store, scratch, log);
            int threads = settings.steadyThreads();
            runner.run("warm-up: puts", count, threads, settings.window(), false, k -> store.put(records.record(k)));
            runner.run("warm-up: gets", count, settings.lookupThreads(), settings.window(), false, k -> get(store, k));
            runner.run("warm-up: receipts", count, settings.lookupThreads(), settings.window(), false,
                    k -> receipt(store, k));
        }
        deleteDirectory(scratch);
    }

    /** Puts records {@code from .. to-1} from {@code producers} threads. @return {@code to} */
    private long insert(OperationRunner runner, RocksDbCorrelationStore store, String name, long from, long to,
                        int producers, boolean tenths) throws InterruptedException {
        phases.add(runner.run(name, to - from, producers, settings.window(), tenths,
                k -> store.put(records.record(from + k))));
        expected.insertedUpTo(to);
        return to;
    }

    /** Lookups with records {@code 0 .. size-1} waiting, none removed yet. */
    private void lookups(OperationRunner runner, RocksDbCorrelationStore store, long size) throws InterruptedException {
        long newestFrom = size - CorrelationBenchSettings.recent(size);
        String with = String.format(Locale.ROOT, " (%,d waiting)", size);
        phases.add(runner.run("get, newest 1%" + with, settings.lookups(), settings.lookupThreads(), settings.window(),
                false, k -> get(store, pick(k, 1, newestFrom, size))));
        phases.add(runner.run("matchReceipt, newest 1%" + with, settings.lookups(), settings.lookupThreads(),
                settings.window(), false, k -> {
                    long index = pick(k, 2, newestFrom, size);
                    return present(store.matchReceipt(records.linkId(index), records.smscMessageId(index)), index);
                }));
        phases.add(runner.run("get, random over all" + with, settings.lookups(), settings.lookupThreads(),
                settings.window(), false, k -> get(store, pick(k, 3, 0, size))));
    }

    private CompletionStage<CorrelationRecord> get(RocksDbCorrelationStore store, long index) {
        return present(store.get(records.linkId(index), records.smscMessageId(index)), index);
    }

    /** The receipt path in submit order, just older than the newest 1%: look the record up, then remove it. */
    private void receipts(OperationRunner runner, RocksDbCorrelationStore store) throws InterruptedException {
        long to = settings.records() - CorrelationBenchSettings.recent(settings.records());
        long from = to - settings.receipts();
        phases.add(runner.run("receipt: matchReceipt + remove", settings.receipts(), settings.lookupThreads(),
                settings.window(), false, k -> receipt(store, from + k)));
        expected.removed(from, to);
    }

    /**
     * Each cycle: a put (submit_sm_resp), and the receipt for the record the same thread put {@code receiptLag}
     * cycles earlier (the first ones are for the newest records of the fill, or of the previous steady state).
     * First as fast as the window allows, then paced at the rate scenario 3 needs.
     */
    private void steadyStates(OperationRunner runner, RocksDbCorrelationStore store) throws InterruptedException {
        long base = steadyState(runner, store, "steady state: put + matchReceipt + remove", settings.records(),
                settings.cycles(), 0);
        steadyState(runner, store, String.format(Locale.ROOT, "steady state at %,.0f/s", settings.pacedRate()), base,
                settings.pacedCycles(), settings.pacedRate());
    }

    /** @return the next index to put */
    private long steadyState(OperationRunner runner, RocksDbCorrelationStore store, String name, long base, long cycles,
                             double rate) throws InterruptedException {
        if (cycles == 0) {
            return base;
        }
        long lag = settings.receiptLag();
        phases.add(runner.run(name, cycles, settings.steadyThreads(), settings.window(), false, rate,
                k -> CompletableFuture.allOf(
                        store.put(records.record(base + k)).toCompletableFuture(),
                        receipt(store, base + k - lag).toCompletableFuture())));
        expected.insertedUpTo(base + cycles);
        expected.removed(base - lag, base - lag + cycles);
        return base + cycles;
    }

    private Expiry expire(RocksDbCorrelationStore store) {
        long count = settings.expire();
        long shouldExpire = expected.countIn(0, count);
        long reportedBefore = reportedExpired.get();
        long cpuBefore = OperationRunner.processCpuNanos();
        long start = System.nanoTime();
        // "Now" such that exactly the records below index `count` are past their deadline plus the grace.
        int expired = store.expire(records.expiresAt(count) + config.expiryGraceMillis());
        double seconds = (System.nanoTime() - start) / 1e9;
        Expiry expiry = new Expiry(shouldExpire, expired, reportedExpired.get() - reportedBefore, seconds,
                (OperationRunner.processCpuNanos() - cpuBefore) / 1e3 / Math.max(expired, 1));
        expected.removed(0, count);
        log.print(expiry.format());
        return expiry;
    }

    /** Looks up every index (or a spread sample): present ones must equal what was put, the others be absent. */
    private void verify(OperationRunner runner, RocksDbCorrelationStore store) throws InterruptedException {
        long indices = expected.inserted();
        long checks = settings.verify() < 0 ? indices : Math.min(settings.verify(), indices);
        phases.add(runner.run(String.format(Locale.ROOT, "verify: get of %s", checks == indices ? "every record"
                : String.format(Locale.ROOT, "%,d records", checks)), checks, settings.lookupThreads(), settings.window(),
                false, k -> {
                    long index = checks == indices ? k : pick(k, 4, 0, indices);
                    return store.get(records.linkId(index), records.smscMessageId(index))
                            .thenAccept(found -> checkVerified(index, found));
                }));
    }

    private void checkVerified(long index, Optional<CorrelationRecord> found) {
        if (expected.contains(index)) {
            if (found.isEmpty()) {
                throw new OperationRunner.WrongAnswer("record " + index + " is missing");
            }
            if (!found.get().equals(records.record(index))) {
                throw new OperationRunner.WrongAnswer("record " + index + " came back different: " + found.get());
            }
        } else if (found.isPresent()) {
            throw new OperationRunner.WrongAnswer("record " + index + " should be gone but is " + found.get());
        }
    }

    /** Receipt handling as the link does it: match, then remove (after the DR is durable). */
    private CompletionStage<Void> receipt(RocksDbCorrelationStore store, long index) {
        String link = records.linkId(index);
        String id = records.smscMessageId(index);
        return present(store.matchReceipt(link, id), index).thenCompose(found -> store.remove(link, id));
    }

    /** Fails the stage unless it found record {@code index} (by key; the verify phase compares whole records). */
    private CompletionStage<CorrelationRecord> present(CompletionStage<Optional<CorrelationRecord>> lookup, long index) {
        return lookup.thenApply(found -> {
            if (found.isEmpty() || !found.get().smscMessageId().equals(records.smscMessageId(index))) {
                throw new OperationRunner.WrongAnswer("record " + index + " not found");
            }
            return found.get();
        });
    }

    /** A spread, reproducible index in {@code from .. to-1} for operation {@code k} of a phase ({@code seed}). */
    static long pick(long k, long seed, long from, long to) {
        long z = (k + seed * 0x632BE59BD9B4E019L) * 0x9E3779B97F4A7C15L;
        z = (z ^ z >>> 32) * 0xD6E8FEB86659FD93L;
        z ^= z >>> 32;
        return from + Math.floorMod(z, to - from);
    }

    private static void deleteDirectory(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().replaceAll("^(\\S+ \\S+ \\S+).*", "$1");
        } catch (IOException e) {
            return "n/a";
        }
    }
}
