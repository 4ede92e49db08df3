package io.smsgw.simulator;

import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
    /** Receipts waiting for a receiver of their system_id (only with {@link SimulatorConfig#redeliverReceipts()}). */
    private final ConcurrentHashMap<String, Queue<ScheduledReceipt>> held = new ConcurrentHashMap<>();

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

    /**
     * A receipt that found no receiver, or whose deliver_sm went unanswered on a connection that closed: dropped and
     * counted, or (with {@link SimulatorConfig#redeliverReceipts()}) kept for the next receiver of its system_id.
     */
    void undelivered(ScheduledReceipt receipt) {
        if (!config.redeliverReceipts()) {
            counters.receiptDropped();
            return;
        }
        counters.receiptsHeld.increment();
        held.computeIfAbsent(receipt.systemId(), id -> new ConcurrentLinkedQueue<>()).add(receipt);
        // A receiver that bound meanwhile has already looked for held receipts: hand this one over now.
        releaseHeld(receipt.systemId());
    }

    /** Hands the receipts held for {@code systemId} to one of its receivers that can take them now, if any. */
    void releaseHeld(String systemId) {
        Queue<ScheduledReceipt> queue = held.get(systemId);
        if (queue == null || queue.isEmpty()) {
            return;
        }
        SimulatorSession target = registry.pickReceiving(systemId);
        if (target == null) {
            return;
        }
        ScheduledReceipt receipt;
        while ((receipt = queue.poll()) != null) {
            target.offerReceipt(receipt);
        }
    }
}
