package io.smsgw.bench.load;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Percentiles of a latency histogram recorded in microseconds.
 *
 * @param count values recorded
 */
public record LatencySummary(long count, double meanMicros, long p50Micros, long p90Micros, long p99Micros,
                             long p999Micros, long maxMicros) {

    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0);

    public static LatencySummary of(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(histogram.getTotalCount(), histogram.getMean(),
                histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(90),
                histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9), histogram.getMaxValue());
    }

    /** e.g. "p50 0.412 ms, p90 0.9 ms, p99 2.1 ms, p99.9 7.3 ms, max 12.0 ms". */
    public String format() {
        return String.format(Locale.ROOT, "p50 %s, p90 %s, p99 %s, p99.9 %s, max %s (%,d samples)",
                ms(p50Micros), ms(p90Micros), ms(p99Micros), ms(p999Micros), ms(maxMicros), count);
    }

    public String toJson() {
        return String.format(Locale.ROOT,
                "{\"count\":%d,\"meanMicros\":%.1f,\"p50Micros\":%d,\"p90Micros\":%d,\"p99Micros\":%d,"
                        + "\"p999Micros\":%d,\"maxMicros\":%d}",
                count, meanMicros, p50Micros, p90Micros, p99Micros, p999Micros, maxMicros);
    }

    static String ms(long micros) {
        return String.format(Locale.ROOT, "%.3f ms", micros / 1000.0);
    }
}
