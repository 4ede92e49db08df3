package io.smsgw.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Counters and latency recorders shared by every connection of a run. Latencies are recorded in
 * microseconds; the generator reads interval histograms once per second.
 */
public final class LoadMetrics {

    /** Receipts are matched to their submit by message id; beyond this many waiting ids new ones are not tracked. */
    static final int MAX_TRACKED_RECEIPTS = 2_000_000;

    final LongAdder submitsSent = new LongAdder();
    final LongAdder responsesOk = new LongAdder();
    final LongAdder responsesFailed = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder unexpectedResponses = new LongAdder();
    final LongAdder connectionErrors = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder receipts = new LongAdder();
    final LongAdder receiptsUnmatched = new LongAdder();
    /** Receipts held because their submit's response has not arrived yet (unmatched as long as it does not). */
    final LongAdder receiptsBeforeResponse = new LongAdder();
    final LongAdder moReceived = new LongAdder();
    private final ConcurrentHashMap<Integer, LongAdder> failuresByStatus = new ConcurrentHashMap<>();
    /**
     * Message id → what arrived first: the submit's response (waiting for its receipt) or, over another
     * connection of the same account, the receipt (waiting for the response that tells whose it is).
     */
    private final ConcurrentHashMap<String, FirstArrived> awaitingReceipt;

    private record FirstArrived(long nanos, boolean receipt) {
    }

    /** Request → response, microseconds. */
    final Recorder responseLatency = new Recorder(3);
    /** Submit sent → receipt received, microseconds. */
    final Recorder receiptLatency = new Recorder(3);

    public LoadMetrics(boolean trackReceipts) {
        this.awaitingReceipt = trackReceipts ? new ConcurrentHashMap<>(1 << 16) : null;
    }

    /** Counts a sent request. */
    public void sent() {
        submitsSent.increment();
    }

    /** Records an answered request sent at {@code sentNanos}. */
    public void answered(long sentNanos, long nowNanos, int status, String messageId) {
        responseLatency.recordValue(micros(nowNanos - sentNanos));
        if (status == 0) {
            responsesOk.increment();
            if (awaitingReceipt != null && !messageId.isEmpty() && awaitingReceipt.size() < MAX_TRACKED_RECEIPTS) {
                awaitingReceipt.compute(messageId, (id, first) -> {
                    if (first != null && first.receipt()) {
                        receiptsBeforeResponse.decrement();
                        matched(sentNanos, first.nanos());
                        return null;
                    }
                    return new FirstArrived(sentNanos, false);
                });
            }
        } else {
            responsesFailed.increment();
            failuresByStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        }
    }

    /**
     * A delivery receipt for {@code messageId} arrived. With several connections it may overtake its submit's
     * response (the gateway delivers an account's reports over any of its connections); it is then held until
     * that response arrives, and counted as unmatched only if it never does.
     */
    public void receipt(String messageId, long nowNanos) {
        if (awaitingReceipt == null || messageId == null || messageId.isEmpty()) {
            receiptsUnmatched.increment();
            return;
        }
        awaitingReceipt.compute(messageId, (id, first) -> {
            if (first == null) {
                if (awaitingReceipt.size() >= MAX_TRACKED_RECEIPTS) {
                    receiptsUnmatched.increment();
                    return null;
                }
                receiptsBeforeResponse.increment();
                return new FirstArrived(nowNanos, true);
            }
            if (first.receipt()) {
                receiptsUnmatched.increment(); // a second receipt for the same id
                return first;
            }
            matched(first.nanos(), nowNanos);
            return null;
        });
    }

    private void matched(long sentNanos, long receiptNanos) {
        receipts.increment();
        receiptLatency.recordValue(micros(receiptNanos - sentNanos));
    }

    public void mo() {
        moReceived.increment();
    }

    // ---- MO push (scenario 4): who each MO came from, so the receiver can count duplicates

    /** Told the originating address of every MO (from the connections' event loops). */
    @FunctionalInterface
    public interface MoListener {
        void mo(String origin);
    }

    private volatile MoListener moListener;

    /** Sets who is told the origin of every MO from now on. */
    public void onMo(MoListener listener) {
        moListener = listener;
    }

    /** An MO (not a receipt) from {@code origin} arrived. */
    public void mo(String origin) {
        mo();
        MoListener listener = moListener;
        if (listener != null) {
            listener.mo(origin);
        }
    }

    public void timedOut(int count) {
        timeouts.add(count);
    }

    /** A response whose request is unknown (already timed out, or never sent). */
    public void unexpectedResponse() {
        unexpectedResponses.increment();
    }

    public void connectionError() {
        connectionErrors.increment();
    }

    public void malformed() {
        malformed.increment();
    }

    /** The counters as of now. */
    public Counts counts() {
        Map<Integer, Long> byStatus = new TreeMap<>();
        failuresByStatus.forEach((status, count) -> byStatus.put(status, count.sum()));
        return new Counts(submitsSent.sum(), responsesOk.sum(), responsesFailed.sum(), timeouts.sum(),
                unexpectedResponses.sum(), connectionErrors.sum(), malformed.sum(), receipts.sum(),
                receiptsUnmatched.sum() + receiptsBeforeResponse.sum(), moReceived.sum(), byStatus);
    }

    private static long micros(long nanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos));
    }

    /** A snapshot of the counters; {@link #minus} gives what happened between two snapshots. */
    public record Counts(long sent, long ok, long failed, long timeouts, long unexpected, long connectionErrors,
                  long malformed, long receipts, long receiptsUnmatched, long mo, Map<Integer, Long> failuresByStatus) {

        static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());

        Counts minus(Counts earlier) {
            Map<Integer, Long> byStatus = new TreeMap<>(failuresByStatus);
            earlier.failuresByStatus.forEach((status, count) -> byStatus.merge(status, -count, Long::sum));
            byStatus.values().removeIf(count -> count == 0);
            return new Counts(sent - earlier.sent, ok - earlier.ok, failed - earlier.failed, timeouts - earlier.timeouts,
                    unexpected - earlier.unexpected, connectionErrors - earlier.connectionErrors,
                    malformed - earlier.malformed, receipts - earlier.receipts,
                    receiptsUnmatched - earlier.receiptsUnmatched, mo - earlier.mo, byStatus);
        }
    }
}
