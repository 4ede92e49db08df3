package io.smsgw.simulator;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The simulator's counters; LongAdder because every I/O thread updates them. */
final class SimulatorCounters {

    final LongAdder bindsAccepted = new LongAdder();
    final LongAdder bindsRefused = new LongAdder();
    final AtomicInteger sessionsBound = new AtomicInteger();
    final LongAdder submitsReceived = new LongAdder();
    final LongAdder submitsAccepted = new LongAdder();
    final LongAdder submitsThrottled = new LongAdder();
    final LongAdder submitsFailed = new LongAdder();
    final LongAdder submitsUnanswered = new LongAdder();
    final LongAdder receiptsScheduled = new LongAdder();
    final LongAdder receiptsSent = new LongAdder();
    final LongAdder receiptsAcknowledged = new LongAdder();
    final LongAdder receiptsRefused = new LongAdder();
    final LongAdder receiptsDropped = new LongAdder();
    final LongAdder receiptsHeld = new LongAdder();
    /** Scheduled but not yet answered or dropped; bounded by the configured maximum. */
    final AtomicLong receiptsPending = new AtomicLong();
    final LongAdder moSent = new LongAdder();
    final LongAdder moAcknowledged = new LongAdder();
    final LongAdder enquireLinks = new LongAdder();
    final LongAdder unbinds = new LongAdder();
    final LongAdder malformed = new LongAdder();

    SimulatorStats snapshot() {
        return new SimulatorStats(bindsAccepted.sum(), bindsRefused.sum(), sessionsBound.get(),
                submitsReceived.sum(), submitsAccepted.sum(), submitsThrottled.sum(), submitsFailed.sum(),
                submitsUnanswered.sum(), receiptsScheduled.sum(), receiptsSent.sum(), receiptsAcknowledged.sum(),
                receiptsRefused.sum(), receiptsDropped.sum(), receiptsHeld.sum(), receiptsPending.get(), moSent.sum(),
                moAcknowledged.sum(), enquireLinks.sum(), unbinds.sum(), malformed.sum());
    }

    /** Counts a receipt that will never be sent, releasing its pending slot. */
    void receiptDropped() {
        receiptsDropped.increment();
        receiptsPending.decrementAndGet();
    }
}
