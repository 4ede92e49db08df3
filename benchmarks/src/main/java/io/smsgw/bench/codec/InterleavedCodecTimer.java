package io.smsgw.bench.codec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A cross-check of the JMH codec runs for a shared, busy machine: the same benchmark methods, but every
 * library's batch runs right after the others' (in rotating order, round after round) and is timed in
 * thread CPU time, so time the thread spends descheduled by other work does not count and every library
 * sees the same machine state. Reports per PDU and operation the median CPU ns per operation of each
 * library and the median of the per-round ratios. {@code InterleavedCodecTimer [smpp|cmpp] [rounds]}.
 */
public final class InterleavedCodecTimer {

    /** Runs {@code n} operations of one library and hands every result to the blackhole. */
    @FunctionalInterface
    interface Batch {
        void run(int n, Blackhole sink) throws Throwable;
    }

    private static final Blackhole SINK = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long BATCH_CPU_NANOS = 20_000_000L;

    private InterleavedCodecTimer() {
    }

    public static void main(String[] args) throws Throwable {
        String suite = args.length > 0 ? args[0].toLowerCase(Locale.ROOT) : "smpp";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        System.out.printf(Locale.ROOT, "%s codec, thread CPU time, %d rounds of ~%d ms per library, load average %s%n",
                suite, rounds, BATCH_CPU_NANOS / 1_000_000, loadAverage());
        for (Map.Entry<String, Map<String, Batch>> entry : contenders(suite).entrySet()) {
            report(entry.getKey(), measure(entry.getValue(), rounds));
        }
    }

    /** "PDU op" → library → batch, ours first. */
    static Map<String, Map<String, Batch>> contenders(String suite) throws Throwable {
        Map<String, Map<String, Batch>> all = new LinkedHashMap<>();
        // Each batch writes out its own loop around one benchmark method: a shared loop calling an operation
        // through an interface would be one megamorphic call site for all of them and time that call too.
        if (suite.equals("smpp")) {
            for (CodecSamples sample : CodecSamples.values()) {
                SmppCodecBenchmark b = new SmppCodecBenchmark();
                b.sample = sample;
                b.setUp();
                Map<String, Batch> decode = new LinkedHashMap<>();
                decode.put("ours", (n, sink) -> { for (int i = 0; i < n; i++) sink.consume(b.oursDecode()); });
                decode.put("cloudhopper", (n, sink) -> { for (int i = 0; i < n; i++) sink.consume(b.cloudhopperDecode()); });
                decode.put("jsmpp", (n, sink) -> { for (int i = 0; i < n; i++) sink.consume(b.jsmppDecode()); });
                all.put(sample + " decode", decode);
                // Ours as in the gateway (frames from a socket are direct), against cloudhopper's heap frames
                // (its Netty 3 pipeline reads into heap buffers).
                Map<String, Batch> decodeDirect = new LinkedHashMap<>();
                decodeDirect.put("ours", (n, sink) -> { for (int i = 0; i < n; i++) sink.consume(b.oursDecodeDirectFrame()); });
                decodeDirect.put("cloudhopper", (n, sink) -> { for (int i = 0; i < n; i++) sink.consume(b.cloudhopperDecode()); });
                all.put(sample + " decode, direct", decodeDirect);
                Map<String, Batch> encode = new LinkedHashMap<>();
                encode.put("ours", (n, sink) -> { for (int i = 0; i < n; i++) sink.consume(b.oursEncode()); });
                encode.put("cloudhopper", (n, sink) -> { for (int i = 0; i < n; i++) sink.consume(b.cloudhopperEncode()); });
                encode.put("jsmpp", (n, sink) -> { for (int i = 0; i < n; i++) sink.consume(b.jsmppEncode()); });
                all.put(sample + " encode", encode);
                Map<String, Batch> encodeDirect = new LinkedHashMap<>();
                encodeDirect.put("ours", (n, sink) -> { for (int i = 0; i < n; i++) sink.consume(b.oursEncodeDirect()); });
                encodeDirect.put("cloudhopper", (n, sink) -> { for (int i = 0; i < n; i++) sink.consume(b.cloudhopperEncode()); });
                all.put(sample + " encode, direct", encodeDirect);
            }
        } else {
            for (CmppCodecSamples sample : CmppCodecSamples.values()) {
                CmppCodecBenchmark b = new CmppCodecBenchmark();
                b.sample = sample;
                b.setUp();
                Map<String, Batch> decode = new LinkedHashMap<>();
                decode.put("ours", (n, sink) -> { for (int i = 0; i < n; i++) b.oursDecode(sink); });
                decode.put("smsgate", (n, sink) -> { for (int i = 0; i < n; i++) sink.consume(b.smsgateDecode()); });
                all.put(sample + " decode", decode);
                Map<String, Batch> encode = new LinkedHashMap<>();
                encode.put("ours", (n, sink) -> { for (int i = 0; i < n; i++) sink.consume(b.oursEncode()); });
                encode.put("smsgate", (n, sink) -> { for (int i = 0; i < n; i++) sink.consume(b.smsgateEncode()); });
                all.put(sample + " encode", encode);
            }
        }
        return all;
    }

    /** Library → CPU ns per operation, one value per round. */
    static Map<String, double[]> measure(Map<String, Batch> libraries, int rounds) throws Throwable {
        List<String> names = new ArrayList<>(libraries.keySet());
        Map<String, Integer> batchSize = new LinkedHashMap<>();
        for (String name : names) { // warm-up, and a batch size of about BATCH_CPU_NANOS
            int n = 100;
            for (int i = 0; i < 12; i++) {
                double perOp = time(libraries.get(name), n);
                n = (int) Math.max(100, Math.min(5_000_000, BATCH_CPU_NANOS / Math.max(perOp, 1)));
            }
            batchSize.put(name, n);
        }
        Map<String, double[]> perRound = new LinkedHashMap<>();
        names.forEach(name -> perRound.put(name, new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get((r + k) % names.size());
                perRound.get(name)[r] = time(libraries.get(name), batchSize.get(name));
            }
        }
        return perRound;
    }

    private static double time(Batch batch, int n) throws Throwable {
        long start = THREADS.getCurrentThreadCpuTime();
        batch.run(n, SINK);
        return (double) (THREADS.getCurrentThreadCpuTime() - start) / n;
    }

    private static void report(String what, Map<String, double[]> perRound) {
        double[] ours = perRound.get("ours");
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-28s ours %8.1f ns", what, median(ours)));
        perRound.forEach((name, values) -> {
            if (!name.equals("ours")) {
                double[] ratios = new double[values.length];
                for (int r = 0; r < values.length; r++) {
                    ratios[r] = values[r] / ours[r];
                }
                line.append(String.format(Locale.ROOT, " | %s %8.1f ns, ours %.2fx faster (rounds %.2f-%.2f)", name,
                        median(values), median(ratios), quantile(ratios, 0.1), quantile(ratios, 0.9)));
            }
        });
        System.out.println(line);
    }

    static double median(double[] values) {
        return quantile(values, 0.5);
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round(q * (sorted.length - 1))];
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
