package io.smsgw.bench.correlation;

import io.smsgw.correlation.CorrelationStoreConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Settings of {@link CorrelationStoreBenchmark}. Every count but {@code records} defaults to a share of it,
 * so a small run ({@code --records 20000}) is a complete, proportionate run.
 *
 * @param directory     where the store is created (emptied first)
 * @param records       records waiting after the fill
 * @param warmup        puts, lookups and receipts run first against a scratch store, deleted after (0: none)
 * @param inserts       puts in each insert phase (one phase per entry of {@code producers})
 * @param producers     producer threads of each insert phase; the largest also fills and runs the steady state
 * @param window        operations in flight per thread (an SMSC link keeps up to its window of submit_sm, and so of puts)
 * @param lookupThreads threads issuing lookups (the links' event loops: the gateway runs two)
 * @param lookups       lookups in each lookup phase
 * @param receipts      receipts (lookup + remove) in the receipt phase
 * @param receiptLag    in the steady state, how many puts earlier the record a receipt is for was put
 * @param cycles        steady-state cycles (put + receipt lookup + remove), as fast as the window allows
 * @param pacedRate     cycles/s of the paced steady state (scenario 3 needs 10,000)
 * @param pacedCycles   cycles of the paced steady state (0: none)
 * @param expire        oldest records dropped by the expiry phase
 * @param verify        records checked at the end (present ones must come back equal, removed ones absent);
 *                      -1 checks every index
 * @param json          where to write the JSON report, or null
 */
public record CorrelationBenchSettings(Path directory, long records, long warmup, long inserts, List<Integer> producers, int window,
                                       int lookupThreads, long lookups, long receipts, long receiptLag, long cycles,
                                       double pacedRate, long pacedCycles, long expire, long verify, Path json) {

    public static final String USAGE = String.join("\n",
            "Correlation store benchmark (scenario 7). Options:",
            "  --dir D             store directory, emptied first (required)",
            "  --records N         records waiting after the fill (10000000)",
            "  --warmup N          puts, lookups and receipts each against a scratch store first (min(100000, records/10))",
            "  --inserts N         puts per insert phase (min(200000, records/10))",
            "  --producers 1,4     producer threads of each insert phase; the largest fills and runs the steady state",
            "  --window N          operations in flight per thread (512, the SMSC link's default window in scenario 3)",
            "  --lookup-threads N  threads issuing lookups (2)",
            "  --lookups N         lookups per lookup phase (min(1000000, records/4))",
            "  --receipts N        receipts (matchReceipt + remove) of the receipt phase (min(200000, records/10))",
            "  --receipt-lag N     steady state: a receipt is for the record put N puts earlier (min(20000, records/100))",
            "  --cycles N          steady-state cycles of put + matchReceipt + remove (min(1000000, records/10))",
            "  --paced-rate R      cycles/s of the paced steady state that follows (10000, what scenario 3 needs)",
            "  --paced-cycles N    cycles of the paced steady state (min(200000, records/50): 20 s at 10,000/s; 0: none)",
            "  --expire N          oldest records dropped by the expiry phase (min(1000000, records/10))",
            "  --verify N|all      records looked up at the end to check the store (all up to 1000000 records, else 200000)",
            "  --json F            JSON report");

    public CorrelationBenchSettings {
        producers = List.copyOf(producers);
        if (records < 1_000 || records >= 1L << 32) {
            throw new IllegalArgumentException("records must be 1000 .. 2^32-1, is " + records);
        }
        if (producers.isEmpty() || producers.stream().anyMatch(p -> p < 1) || window < 1 || lookupThreads < 1) {
            throw new IllegalArgumentException("producers, window and lookup threads must be at least 1");
        }
        if (inserts < 1 || inserts * producers.size() > records - recent(records) - receipts) {
            throw new IllegalArgumentException("the insert phases (" + producers.size() + " x " + inserts
                    + ") must leave room for the receipts and the newest 1% within the " + records + " records");
        }
        if (warmup < 0 || lookups < 1 || receipts < 0 || cycles < 0 || pacedCycles < 0 || !(pacedRate > 0) || expire < 0 || expire > records || verify < -1) {
            throw new IllegalArgumentException("lookups must be positive; warmup, receipts, cycles, expire and verify not negative");
        }
        int steadyThreads = maxProducers(producers);
        // The link's window bounds its puts in flight, so the store's queues (what the links get) never refuse one;
        // the same here: a refusal would be a finding, and a steady-state cycle cannot be retried half done.
        CorrelationStoreConfig store = CorrelationStoreConfig.builder(directory).build();
        if ((long) steadyThreads * window * 2 > store.maxPendingWrites()
                || (long) Math.max(steadyThreads, lookupThreads) * window > store.maxPendingReads()) {
            throw new IllegalArgumentException("threads x window must stay within the store's queues: "
                    + store.maxPendingWrites() / 2 + " cycles and " + store.maxPendingReads() + " lookups in flight");
        }
        // A steady-state receipt is for a record its own thread put `receiptLag` cycles earlier: that put must be
        // out of the thread's window (durable) by then, and the record among the newest 1% of the fill at first.
        if (cycles + pacedCycles > 0 && (receiptLag % steadyThreads != 0 || receiptLag / steadyThreads <= window
                || receiptLag > recent(records))) {
            throw new IllegalArgumentException("receipt lag " + receiptLag + " must be a multiple of " + steadyThreads
                    + " threads, more than threads x window (" + steadyThreads * window + ") and at most 1% of the records");
        }
    }

    /** The newest 1% of {@code records}: what receipts mostly look up. */
    static long recent(long records) {
        return Math.max(1, records / 100);
    }

    int steadyThreads() {
        return maxProducers(producers);
    }

    private static int maxProducers(List<Integer> producers) {
        return producers.stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    private static long defaultLag(long records, int threads) {
        long lag = Math.min(20_000, recent(records));
        return lag - lag % threads;
    }

    public static CorrelationBenchSettings parse(String... args) {
        Path directory = null;
        long records = 10_000_000;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> directory = Path.of(value(args, ++i));
                case "--records" -> records = Long.parseLong(value(args, ++i));
                default -> {
                    overrides.add(args[i]);
                    overrides.add(value(args, ++i));
                }
            }
        }
        if (directory == null) {
            throw new IllegalArgumentException("--dir is required\n" + USAGE);
        }
        long warmup = Math.min(100_000, records / 10);
        long inserts = Math.min(200_000, records / 10);
        List<Integer> producers = List.of(1, 4);
        int window = 512;
        int lookupThreads = 2;
        long lookups = Math.min(1_000_000, records / 4);
        long receipts = Math.min(200_000, records / 10);
        Long lag = null;
        long cycles = Math.min(1_000_000, records / 10);
        double pacedRate = 10_000;
        long pacedCycles = Math.min(200_000, records / 50);
        long expire = Math.min(1_000_000, records / 10);
        long verify = records <= 1_000_000 ? -1 : 200_000;
        Path json = null;
        for (int i = 0; i < overrides.size(); i += 2) {
            String value = overrides.get(i + 1);
            switch (overrides.get(i)) {
                case "--warmup" -> warmup = Long.parseLong(value);
                case "--inserts" -> inserts = Long.parseLong(value);
                case "--producers" -> producers = Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf).toList();
                case "--window" -> window = Integer.parseInt(value);
                case "--lookup-threads" -> lookupThreads = Integer.parseInt(value);
                case "--lookups" -> lookups = Long.parseLong(value);
                case "--receipts" -> receipts = Long.parseLong(value);
                case "--receipt-lag" -> lag = Long.parseLong(value);
                case "--cycles" -> cycles = Long.parseLong(value);
                case "--paced-rate" -> pacedRate = Double.parseDouble(value);
                case "--paced-cycles" -> pacedCycles = Long.parseLong(value);
                case "--expire" -> expire = Long.parseLong(value);
                case "--verify" -> verify = value.equals("all") ? -1 : Long.parseLong(value);
                case "--json" -> json = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + overrides.get(i) + "\n" + USAGE);
            }
        }
        return new CorrelationBenchSettings(directory, records, warmup, inserts, producers, window, lookupThreads, lookups,
                receipts, lag != null ? lag : defaultLag(records, maxProducers(producers)), cycles, pacedRate, pacedCycles,
                expire, verify, json);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value for " + args[i - 1] + "\n" + USAGE);
        }
        return args[i];
    }
}
