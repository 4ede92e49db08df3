package io.smsgw.bench.codec;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link SmppCodecBenchmark} and prints, per PDU, the time per decode and encode of each library
 * and how many times faster ours is. {@code --quick} runs a few hundred milliseconds per benchmark in
 * this JVM (a smoke test, not a measurement); otherwise one fork, 3 × 1 s warm-up and 5 × 1 s measured.
 */
public final class CodecComparison {

    /** ns/op per "operation/library" (e.g. "decode/ours") per sample. */
    public record Result(Map<CodecSamples, Map<String, Double>> nanosPerOp) {

        public double nanos(CodecSamples sample, String operation, String library) {
            return nanosPerOp.get(sample).getOrDefault(operation + "/" + library, Double.NaN);
        }

        /** How many times faster ours is than {@code library} at {@code operation} on {@code sample}. */
        public double speedup(CodecSamples sample, String operation, String library) {
            return nanos(sample, operation, library) / nanos(sample, operation, "ours");
        }

        public String format() {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                    "%-20s %-7s %10s %12s %10s %12s %12s%n", "PDU", "op", "ours ns", "cloudhopper", "jsmpp",
                    "vs cloudh.", "vs jsmpp"));
            for (CodecSamples sample : nanosPerOp.keySet()) {
                for (String operation : new String[] {"decode", "encode"}) {
                    out.append(String.format(Locale.ROOT, "%-20s %-7s %10.1f %12.1f %10.1f %11.2fx %11.2fx%n",
                            sample, operation, nanos(sample, operation, "ours"),
                            nanos(sample, operation, "cloudhopper"), nanos(sample, operation, "jsmpp"),
                            speedup(sample, operation, "cloudhopper"), speedup(sample, operation, "jsmpp")));
                }
            }
            return out.toString();
        }
    }

    private CodecComparison() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = args.length > 0 && args[0].equals("--quick");
        Result result = run(quick, System.out);
        System.out.print(result.format());
    }

    public static Result run(boolean quick, PrintStream log) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(SmppCodecBenchmark.class.getName() + "\\.")
                .threads(1)
                .timeUnit(TimeUnit.NANOSECONDS);
        if (quick) {
            options.forks(0).warmupIterations(1).warmupTime(TimeValue.milliseconds(100))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(200))
                    .verbosity(VerboseMode.SILENT);
        } else {
            options.forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<CodecSamples, Map<String, Double>> table = new TreeMap<>();
        for (RunResult run : results) {
            String method = run.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1); // e.g. oursDecode
            String library = method.startsWith("ours") ? "ours" : method.startsWith("jsmpp") ? "jsmpp" : "cloudhopper";
            String operation = method.endsWith("Decode") ? "decode" : "encode";
            CodecSamples sample = CodecSamples.valueOf(run.getParams().getParam("sample"));
            table.computeIfAbsent(sample, s -> new TreeMap<>())
                    .put(operation + "/" + library, run.getPrimaryResult().getScore());
        }
        return new Result(table);
    }
}
