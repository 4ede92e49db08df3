package io.smsgw.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Receipts are matched to their submit by message id, whichever of receipt and response arrives first. */
class LoadMetricsTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void receiptAfterItsResponse() {
        LoadMetrics metrics = new LoadMetrics(true);
        metrics.answered(0, 5 * MS, 0, "m1");
        metrics.receipt("m1", 120 * MS);

        LoadMetrics.Counts counts = metrics.counts();
        assertEquals(1, counts.receipts());
        assertEquals(0, counts.receiptsUnmatched());
        assertEquals(120_000, metrics.receiptLatency.getIntervalHistogram().getMaxValue(), 100);
    }

    @Test
    void receiptOvertakingItsResponseOnAnotherConnectionIsHeldThenMatched() {
        LoadMetrics metrics = new LoadMetrics(true);
        metrics.receipt("m1", 110 * MS);
        assertEquals(1, metrics.counts().receiptsUnmatched(), "unmatched while its response has not come");

        metrics.answered(0, 300 * MS, 0, "m1");

        LoadMetrics.Counts counts = metrics.counts();
        assertEquals(1, counts.receipts());
        assertEquals(0, counts.receiptsUnmatched());
        assertEquals(110_000, metrics.receiptLatency.getIntervalHistogram().getMaxValue(), 100);
    }

    @Test
    void receiptsForUnknownIdsAndDuplicatesStayUnmatched() {
        LoadMetrics metrics = new LoadMetrics(true);
        metrics.answered(0, MS, 0, "m1");
        metrics.receipt("m1", 2 * MS);
        metrics.receipt("m1", 3 * MS);
        metrics.receipt("nobody", 4 * MS);
        metrics.receipt(null, 5 * MS);

        LoadMetrics.Counts counts = metrics.counts();
        assertEquals(1, counts.receipts());
        assertEquals(3, counts.receiptsUnmatched());
    }

    @Test
    void withoutTrackingEveryReceiptIsUnmatched() {
        LoadMetrics metrics = new LoadMetrics(false);
        metrics.answered(0, MS, 0, "m1");
        metrics.receipt("m1", 2 * MS);

        assertEquals(0, metrics.counts().receipts());
        assertEquals(1, metrics.counts().receiptsUnmatched());
    }
}
