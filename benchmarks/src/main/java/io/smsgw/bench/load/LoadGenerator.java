package io.smsgw.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.smsgw.bench.BenchCommand;
import org.HdrHistogram.Histogram;

/**
 * Drives a server with N connections, each keeping W requests outstanding, at a fixed rate or as fast as
 * possible, and reports throughput, latency percentiles, receipts and errors (see {@link LoadOptions#USAGE}).
 * Progress is printed once per second; the report covers the measured interval after the warm-up.
 */
public final class LoadGenerator {

    /** How long outstanding requests may take to be answered after sending stops. */
    private static final long DRAIN_MILLIS = 5_000;
    private static final long CONNECT_SECONDS = 30;

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        if (BenchCommand.helpRequested(args, LoadOptions.USAGE)) {
            return;
        }
        LoadReport report = run(LoadOptions.parse(args), System.out);
        System.out.print(report.format());
        System.exit(report.ok() > 0 ? 0 : 1);
    }

    /** Runs the load described by {@code options}; progress lines go to {@code log}. */
    public static LoadReport run(LoadOptions options, PrintStream log) throws Exception {
        LoadProtocol protocol = LoadProtocols.forName(options.protocol());
        LoadMetrics metrics = new LoadMetrics(options.receipts());
        try (ClientTransport transport = ClientTransport.create(options.ioThreads())) {
            List<LoadConnection> connections = connectAll(protocol, transport, options, metrics);
            try {
                LoadReport report = measure(options, metrics, connections, log);
                if (options.jsonReport() != null) {
                    Files.writeString(options.jsonReport(), report.toJson() + System.lineSeparator(),
                            StandardCharsets.UTF_8);
                }
                return report;
            } finally {
                closeAll(connections);
            }
        }
    }

    private static List<LoadConnection> connectAll(LoadProtocol protocol, ClientTransport transport,
                                                   LoadOptions options, LoadMetrics metrics) throws Exception {
        List<CompletableFuture<LoadConnection>> pending = new ArrayList<>();
        for (int i = 0; i < options.connections(); i++) {
            pending.add(protocol.connect(transport, options, metrics, i));
        }
        List<LoadConnection> connections = new ArrayList<>();
        Exception failure = null;
        for (CompletableFuture<LoadConnection> future : pending) {
            try {
                connections.add(future.get(CONNECT_SECONDS, TimeUnit.SECONDS));
            } catch (Exception e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            closeAll(connections);
            throw new IOException("could not connect and bind " + options.connections() + " connection(s) to "
                    + options.host() + ":" + options.port() + " over " + protocol.name(), failure);
        }
        return connections;
    }

    private static LoadReport measure(LoadOptions options, LoadMetrics metrics, List<LoadConnection> connections,
                                      PrintStream log) throws InterruptedException {
        int n = connections.size();
        boolean warmupRateDiffers = options.warmupSeconds() > 0 && options.effectiveWarmupRate() != options.rate();
        for (LoadConnection connection : connections) {
            connection.startSending((options.warmupSeconds() > 0 ? options.effectiveWarmupRate() : options.rate()) / n);
        }
        long start = System.nanoTime();
        Histogram latency = new Histogram(3);
        Histogram receiptLatency = new Histogram(3);
        Histogram interval = null;
        Histogram receiptInterval = null;
        LoadMetrics.Counts previous = LoadMetrics.Counts.ZERO;
        LoadMetrics.Counts measuredFrom = LoadMetrics.Counts.ZERO;
        long measuredFromNanos = start;
        int totalSeconds = options.warmupSeconds() + options.durationSeconds();
        for (int second = 1; second <= totalSeconds; second++) {
            sleepUntil(start + TimeUnit.SECONDS.toNanos(second));
            interval = metrics.responseLatency.getIntervalHistogram(interval);
            receiptInterval = metrics.receiptLatency.getIntervalHistogram(receiptInterval);
            LoadMetrics.Counts now = metrics.counts();
            boolean warmingUp = second <= options.warmupSeconds();
            if (!options.quiet()) {
                log.println(progressLine(second, warmingUp, now.minus(previous), interval, outstanding(connections)));
            }
            previous = now;
            if (second == options.warmupSeconds()) {
                if (warmupRateDiffers) {
                    for (LoadConnection connection : connections) {
                        connection.changeRate(options.rate() / n);
                    }
                }
                measuredFrom = now;
                measuredFromNanos = System.nanoTime();
            } else if (!warmingUp) {
                latency.add(interval);
                receiptLatency.add(receiptInterval);
            }
        }
        LoadMetrics.Counts measured = metrics.counts().minus(measuredFrom);
        double seconds = (System.nanoTime() - measuredFromNanos) / 1e9;
        for (LoadConnection connection : connections) {
            connection.stopSending();
        }
        long unanswered = drain(connections);
        LoadReport.Completeness completeness = options.receipts() && options.receiptWaitSeconds() > 0
                ? awaitReceipts(metrics, options.receiptWaitSeconds()) : null;
        return new LoadReport(options.protocol(), n, options.window(), options.rate(), options.mix().toString(),
                seconds, measured.sent(), measured.ok(), measured.failed(), measured.failuresByStatus(),
                measured.timeouts(), unanswered,
                measured.connectionErrors() + measured.malformed() + measured.unexpected(), measured.receipts(),
                measured.receiptsUnmatched(), measured.mo(), LatencySummary.of(latency),
                LatencySummary.of(receiptLatency), completeness);
    }

    /** Waits until every accepted submit of the run has its receipt, or the wait is over; says how many have. */
    private static LoadReport.Completeness awaitReceipts(LoadMetrics metrics, int waitSeconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        LoadMetrics.Counts total = metrics.counts();
        while (total.receipts() < total.ok() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            total = metrics.counts();
        }
        return new LoadReport.Completeness(total.ok(), total.receipts());
    }

    /** Waits for outstanding responses after sending stopped; returns how many never came. */
    private static long drain(List<LoadConnection> connections) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        while (outstanding(connections) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return outstanding(connections);
    }

    private static long outstanding(List<LoadConnection> connections) {
        long total = 0;
        for (LoadConnection connection : connections) {
            total += connection.outstanding();
        }
        return total;
    }

    private static void closeAll(List<LoadConnection> connections) {
        CompletableFuture<?>[] closing = connections.stream().map(LoadConnection::close)
                .toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(closing).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Closing is best effort: the transport shuts down right after.
        }
    }

    private static String progressLine(int second, boolean warmingUp, LoadMetrics.Counts delta, Histogram latency,
                                       long outstanding) {
        String line = String.format(Locale.ROOT, "%s %3ds  sent %,8d/s  resp %,8d/s  p50 %s  p99 %s  outstanding %,d",
                warmingUp ? "warm-up" : "measure", second, delta.sent(), delta.ok() + delta.failed(),
                LatencySummary.ms(latency.getValueAtPercentile(50)), LatencySummary.ms(latency.getValueAtPercentile(99)),
                outstanding);
        long errors = delta.failed() + delta.timeouts() + delta.connectionErrors() + delta.malformed() + delta.unexpected();
        if (errors > 0) {
            line += String.format(Locale.ROOT, "  errors %,d", errors);
        }
        if (delta.receipts() > 0 || delta.mo() > 0) {
            line += String.format(Locale.ROOT, "  receipts %,d/s  mo %,d/s", delta.receipts(), delta.mo());
        }
        return line;
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
    }
}
