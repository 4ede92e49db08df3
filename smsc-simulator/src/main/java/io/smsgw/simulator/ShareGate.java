package io.smsgw.simulator;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Picks an exact share of the events it is asked about, evenly spread and without randomness: with a
 * share of 0.25 every 4th call answers true. Deterministic, so tests and benchmark runs can rely on
 * the counts. Thread-safe.
 */
final class ShareGate {

    private static final long MILLIONTHS = 1_000_000;

    private final double share;
    /** The share in millionths, so 1 - 0.9 counts as exactly 0.1 (no floating-point drift over many calls). */
    private final long perMillion;
    private final AtomicLong calls = new AtomicLong();

    ShareGate(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be within [0, 1], got " + share);
        }
        this.share = share;
        this.perMillion = Math.round(share * MILLIONTHS);
    }

    /** Whether this event belongs to the share. */
    boolean next() {
        if (share == 0) {
            return false;
        }
        if (share == 1) {
            return true;
        }
        long n = calls.getAndIncrement();
        // True whenever the running total n * share crosses the next whole number.
        return (n + 1) * perMillion / MILLIONTHS > n * perMillion / MILLIONTHS;
    }
}
