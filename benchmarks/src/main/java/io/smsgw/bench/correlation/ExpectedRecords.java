package io.smsgw.bench.correlation;

import java.util.ArrayList;
import java.util.List;

/**
 * Which record indices the store should hold: everything inserted below a bound, minus the ranges that
 * receipts removed and expiry dropped. The benchmark removes only whole index ranges, so this stays tiny
 * however many records there are.
 */
final class ExpectedRecords {

    private long inserted;
    private final List<long[]> removed = new ArrayList<>();

    /** Records {@code 0 .. upTo-1} have been inserted. */
    void insertedUpTo(long upTo) {
        inserted = Math.max(inserted, upTo);
    }

    /** Records {@code from .. to-1} are gone (removed after a receipt, or expired). */
    void removed(long from, long to) {
        if (from < to) {
            removed.add(new long[] {from, to});
        }
    }

    long inserted() {
        return inserted;
    }

    boolean contains(long index) {
        if (index < 0 || index >= inserted) {
            return false;
        }
        for (long[] range : removed) {
            if (index >= range[0] && index < range[1]) {
                return false;
            }
        }
        return true;
    }

    /** How many of {@code from .. to-1} the store should hold. */
    long countIn(long from, long to) {
        long count = 0;
        for (long i = Math.max(from, 0); i < Math.min(to, inserted); i++) {
            if (contains(i)) {
                count++;
            }
        }
        return count;
    }

    long count() {
        return countIn(0, inserted);
    }
}
