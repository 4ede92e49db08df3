package io.smsgw.bench.codec;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs a codec benchmark suite ({@link SmppCodecBenchmark}: ours, cloudhopper, jSMPP;
 * {@link CmppCodecBenchmark}: ours, SMSGate) and prints, per PDU, the time per decode and encode of each
 * library and how many times faster ours is. Every library's benchmarks run in the same JMH run, one
 * after the other, so they see the same machine. {@code --quick} runs a few hundred milliseconds per
 * benchmark in this JVM (a smoke test, not a measurement); otherwise one fork, 3 × 1 s warm-up and
 * 5 × 1 s measured. Arguments: {@code [--quick] [smpp] [cmpp]} (both suites when none is named).
 */
public final class CodecComparison {

    /** A benchmark class, the samples it is parameterised with and the libraries its method names start with. */
    public enum Suite {
        SMPP(SmppCodecBenchmark.class, CodecSamples.class, "cloudhopper", "jsmpp"),
        CMPP(CmppCodecBenchmark.class, CmppCodecSamples.class, "smsgate");

        private final Class<?> benchmark;
        private final Class<? extends Enum<?>> samples;
        private final List<String> others;

        Suite(Class<?> benchmark, Class<? extends Enum<?>> samples, String... others) {
            this.benchmark = benchmark;
            this.samples = samples;
            this.others = List.of(others);
        }

        /** The libraries ours is compared with. */
        public List<String> others() {
            return others;
        }

        /** Every sample of the suite, in declaration order. */
        public List<Enum<?>> samples() {
            return List.of(samples.getEnumConstants());
        }

        private String library(String method) {
            return others.stream().filter(method::startsWith).findFirst().orElse("ours");
        }
    }

    /** ns/op per "operation/library" (e.g. "decode/ours") per sample name. */
    public record Result(Suite suite, Map<String, Map<String, Double>> nanosPerOp) {

        public double nanos(Enum<?> sample, String operation, String library) {
            Map<String, Double> bySample = nanosPerOp.get(sample.name());
            return bySample == null ? Double.NaN : bySample.getOrDefault(operation + "/" + library, Double.NaN);
        }

        /** How many times faster ours is than {@code library} at {@code operation} on {@code sample}. */
        public double speedup(Enum<?> sample, String operation, String library) {
            return nanos(sample, operation, library) / nanos(sample, operation, "ours");
        }

        public String format() {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-20s %-7s %10s", "PDU", "op", "ours ns"));
            for (String other : suite.others()) {
                out.append(String.format(Locale.ROOT, " %12s", other));
            }
            for (String other : suite.others()) {
                out.append(String.format(Locale.ROOT, " %14s", "vs " + other));
            }
            out.append('\n');
            for (Enum<?> sample : suite.samples()) {
                for (String operation : new String[] {"decode", "encode"}) {
                    out.append(String.format(Locale.ROOT, "%-20s %-7s %10.1f", sample, operation,
                            nanos(sample, operation, "ours")));
                    for (String other : suite.others()) {
                        out.append(String.format(Locale.ROOT, " %12.1f", nanos(sample, operation, other)));
                    }
                    for (String other : suite.others()) {
                        out.append(String.format(Locale.ROOT, " %13.2fx", speedup(sample, operation, other)));
                    }
                    out.append('\n');
                }
            }
            return out.toString();
        }
    }

    private CodecComparison() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        List<Suite> suites = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--quick")) {
                quick = true;
            } else {
                suites.add(Suite.valueOf(arg.toUpperCase(Locale.ROOT)));
            }
        }
        if (suites.isEmpty()) {
            suites.addAll(List.of(Suite.values()));
        }
        List<Result> results = new ArrayList<>();
        for (Suite suite : suites) {
            results.add(run(suite, quick, System.out));
        }
        for (Result result : results) {
            System.out.println("== " + result.suite() + " codec");
            System.out.print(result.format());
        }
    }

    /** The SMPP suite. */
    public static Result run(boolean quick, PrintStream log) throws Exception {
        return run(Suite.SMPP, quick, log);
    }

    public static Result run(Suite suite, boolean quick, PrintStream log) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(suite.benchmark.getName() + "\\.")
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
        Map<String, Map<String, Double>> table = new HashMap<>();
        for (RunResult run : results) {
            String method = run.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1); // e.g. oursDecode
            String operation = method.endsWith("Decode") ? "decode" : "encode";
            table.computeIfAbsent(run.getParams().getParam("sample"), s -> new HashMap<>())
                    .put(operation + "/" + suite.library(method), run.getPrimaryResult().getScore());
        }
        return new Result(suite, table);
    }
}
