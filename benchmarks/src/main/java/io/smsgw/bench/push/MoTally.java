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
