package io.smsgw.simulator;

import java.util.concurrent.atomic.AtomicLong;

/** What all sessions of one simulator share: settings, counters, id counter, receivers. */
final class SimulatorContext {

    final SimulatorConfig config;
    final SimulatorCounters counters = new SimulatorCounters();
    final SessionRegistry registry = new SessionRegistry();
    final long receiptDelayNanos;
    /** Decides the failures (the complement), so the failures come last in each cycle and a first receipt succeeds. */
    private final ShareGate receiptFailure;
    private final AtomicLong nextId;

    SimulatorContext(SimulatorConfig config) {
        this.config = config;
        this.receiptDelayNanos = config.receiptDelay().toNanos();
        this.receiptFailure = new ShareGate(1.0 - config.receiptSuccessRatio());
        this.nextId = new AtomicLong(config.firstMessageId());
    }

    String nextMessageId(boolean version34) {
        return config.messageIdFormat().format(nextId.getAndIncrement(), version34);
    }

    /** Whether the next receipt reports success (an exact share of all receipts decided so far). */
    boolean nextReceiptSucceeds() {
        return !receiptFailure.next();
    }

    /** Reserves room for one more pending receipt; false when the configured limit is reached. */
    boolean reserveReceipt() {
        long limit = config.maxPendingReceipts();
        while (true) {
            long current = counters.receiptsPending.get();
            if (current >= limit) {
                return false;
            }
            if (counters.receiptsPending.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }
}
