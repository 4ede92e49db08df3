package io.smsgw.bench.push;

import io.smsgw.bench.load.LoadMetrics;
import io.smsgw.bench.scenario.MoPreloader;
import java.util.BitSet;

/**
 * Which of the preloaded MOs arrived, by their index ({@link MoPreloader#index}): first arrivals, duplicates
 * (the same MO delivered again) and MOs that are not the preloader's. Also remembers when the last new one came,
 * so the drain time ends with the last MO, not with the idle wait after it. Thread-safe.
 */
public final class MoTally implements LoadMetrics.MoListener {

    private final BitSet seen = new BitSet();
    private long unique;
    private long duplicates;
    private long foreign;
    private long lastNewNanos;
    private final long warmCount;
    private long warmNanos;

    /** A tally without a warm-up mark. */
    public MoTally() {
        this(0);
    }

    /**
     * @param warmCount after this many first arrivals the drain is considered warm ({@link #warmNanos}): both JVMs
     *                  have compiled their hot paths, so the rate from there on is the steady one
     */
    public MoTally(long warmCount) {
        this.warmCount = warmCount;
    }

    @Override
    public synchronized void mo(String origin) {
        long index = MoPreloader.index(origin);
        if (index < 0 || index > Integer.MAX_VALUE) {
            foreign++;
            return;
        }
        if (seen.get((int) index)) {
            duplicates++;
            return;
        }
        seen.set((int) index);
        unique++;
        lastNewNanos = System.nanoTime();
        if (unique == warmCount) {
            warmNanos = lastNewNanos;
        }
    }

    /** System.nanoTime() when the warm-up count was reached (0 before, or without one). */
    public synchronized long warmNanos() {
        return warmNanos;
    }

    public long warmCount() {
        return warmCount;
    }

    public synchronized long unique() {
        return unique;
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    public synchronized long foreign() {
        return foreign;
    }

    /** System.nanoTime() of the last MO seen for the first time (0 before any). */
    public synchronized long lastNewNanos() {
        return lastNewNanos;
    }

    /** MOs 0..expected-1 that never arrived. */
    public synchronized long missing(int expected) {
        return expected - seen.get(0, expected).cardinality();
    }
}
