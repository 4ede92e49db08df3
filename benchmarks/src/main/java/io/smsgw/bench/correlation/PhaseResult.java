package io.smsgw.bench.correlation;

import io.smsgw.bench.load.LatencySummary;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What one phase of the correlation store benchmark measured.
 *
 * @param name                 what ran
 * @param operations           operations asked for
 * @param ok                   operations that completed as expected
 * @param failed               operations that failed or returned a wrong answer (a missing record, say)
 * @param rejected             times the store refused an operation because its queue was full (each was retried)
 * @param firstFailure         the first failure's description, or null
 * @param threads              threads issuing operations
 * @param window               operations in flight per thread
 * @param seconds              wall time from the first operation to the last completion
 * @param latency              issue → completion of each operation (µs resolution)
 * @param cpuMicrosPerOp       CPU time of the whole process (store threads, RocksDB compaction, issuing
 *                             threads) per operation
 * @param writerCpuMicrosPerOp CPU time of the store's writer thread per operation
 * @param diskReads            lookups memory could not answer (served by a reader thread)
 * @param syncs                synced write batches
 * @param stepRates            operations/s in each tenth of the phase (for the fill), else empty
 */
public record PhaseResult(String name, long operations, long ok, long failed, long rejected, String firstFailure,
                          int threads, int window, double seconds, LatencySummary latency, double cpuMicrosPerOp,
                          double writerCpuMicrosPerOp, long diskReads, long syncs, List<Double> stepRates) {

    public double perSecond() {
        return seconds > 0 ? ok / seconds : 0;
    }

    /** CPU cores the process used over the phase. */
    public double cores() {
        return cpuMicrosPerOp * operations / 1e6 / Math.max(seconds, 1e-9);
    }

    public String format() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%s: %,d of %,d in %.1f s = %,.0f/s; %.1f µs CPU each (writer thread %.1f), %.2f cores;"
                        + " %d threads x %d in flight", name, ok, operations, seconds, perSecond(), cpuMicrosPerOp,
                writerCpuMicrosPerOp, cores(), threads, window));
        if (syncs > 0) {
            out.append(String.format(Locale.ROOT, "; %,d syncs", syncs));
        }
        if (diskReads > 0) {
            out.append(String.format(Locale.ROOT, "; %,d needed a disk read", diskReads));
        }
        out.append(String.format(Locale.ROOT, "%n  latency %s", latency.format()));
        if (!stepRates.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%n  per tenth: %s /s", stepRates.stream()
                    .map(rate -> String.format(Locale.ROOT, "%,.0f", rate)).collect(Collectors.joining(" "))));
        }
        if (failed > 0 || rejected > 0) {
            out.append(String.format(Locale.ROOT, "%n  FAILED %,d, refused (queue full, retried) %,d%s", failed, rejected,
                    firstFailure == null ? "" : "; first: " + firstFailure));
        }
        return out.append(System.lineSeparator()).toString();
    }

    public String toJson() {
        return String.format(Locale.ROOT, "{\"name\":\"%s\",\"operations\":%d,\"ok\":%d,\"failed\":%d,\"rejected\":%d,"
                        + "\"threads\":%d,\"window\":%d,\"seconds\":%.3f,\"perSecond\":%.1f,\"cpuMicrosPerOp\":%.2f,\"cores\":%.3f,"
                        + "\"writerCpuMicrosPerOp\":%.2f,\"diskReads\":%d,\"syncs\":%d,\"stepRates\":[%s],\"latency\":%s}",
                name, operations, ok, failed, rejected, threads, window, seconds, perSecond(), cpuMicrosPerOp, cores(),
                writerCpuMicrosPerOp, diskReads, syncs,
                stepRates.stream().map(rate -> String.format(Locale.ROOT, "%.1f", rate)).collect(Collectors.joining(",")),
                latency.toJson());
    }
}
