package io.smsgw.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;

/**
 * Two fixed single-threaded workloads, timed before an end-to-end run so its result can be read against how fast
 * the host was at the time: a compute round (sorting, hashing, short-lived objects: what a message costs, in
 * miniature) and random reads over 64 MiB (memory latency, which other tenants of a host can slow too). On the
 * shared reference machine the same code takes a fifth to several times longer in slow hours, which the guest
 * does not see as steal time (docs/BENCHMARKS.md, "Twelfth round"). Prints the medians; lower is faster.
 */
public final class HostSpeed {

    private static final int WARM_UP_ROUNDS = 3;
    private static final int TIMED_ROUNDS = 9;
    /** 16 Mi ints: 64 MiB, far beyond any cache of the reference machine. */
    private static final int CHASE_SLOTS = 1 << 24;
    private static final int CHASE_STEPS = 2_000_000;
    /** Where the rounds' results go, so the JIT cannot drop the work. */
    private static volatile long sink;

    private HostSpeed() {
    }

    public static void main(String[] args) {
        double[] millis = timedRounds(round -> {
            long start = System.nanoTime();
            sink += work(round);
            return (System.nanoTime() - start) / 1e6;
        });
        double memory = memoryNanosPerRead();
        System.out.printf(Locale.ROOT,
                "host probe: compute %.1f ms (median of %d rounds, %.1f–%.1f), memory %.0f ns per random read "
                        + "(lower is faster)%n",
                millis[TIMED_ROUNDS / 2], TIMED_ROUNDS, millis[0], millis[TIMED_ROUNDS - 1], memory);
    }

    /** Median time of one dependent read at a random place in 64 MiB (a pointer chase: no read can start early). */
    static double memoryNanosPerRead() {
        int[] next = cycle(CHASE_SLOTS);
        int[] at = {0}; // each round walks on from where the last one stopped, never the same stretch twice
        double[] nanos = timedRounds(round -> {
            long start = System.nanoTime();
            int slot = at[0];
            for (int step = 0; step < CHASE_STEPS; step++) {
                slot = next[slot];
            }
            at[0] = slot;
            return (System.nanoTime() - start) / (double) CHASE_STEPS;
        });
        sink += at[0];
        return nanos[TIMED_ROUNDS / 2];
    }

    /** Runs the warm-up rounds, then the timed ones; returns the timed rounds' results, sorted. */
    private static double[] timedRounds(IntToDoubleFunction round) {
        double[] results = new double[TIMED_ROUNDS];
        for (int i = 0; i < WARM_UP_ROUNDS + TIMED_ROUNDS; i++) {
            double result = round.applyAsDouble(i);
            if (i >= WARM_UP_ROUNDS) {
                results[i - WARM_UP_ROUNDS] = result;
            }
        }
        Arrays.sort(results);
        return results;
    }

    /** A random permutation that is one single cycle through all slots (Sattolo's algorithm), from a fixed seed. */
    static int[] cycle(int slots) {
        int[] next = new int[slots];
        for (int i = 0; i < slots; i++) {
            next[i] = i;
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = slots - 1; i > 0; i--) {
            int j = random.nextInt(i);
            int swap = next[i];
            next[i] = next[j];
            next[j] = swap;
        }
        return next;
    }

    /** One round: the same work every time (the seed is fixed), its result returned so none of it is dead code. */
    static long work(int round) {
        SplittableRandom random = new SplittableRandom(7);
        int[] numbers = new int[400_000];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = random.nextInt();
        }
        Arrays.sort(numbers);
        Map<Integer, int[]> map = new HashMap<>();
        for (int i = 0; i < 400_000; i++) {
            map.put(numbers[i] & 0xFFFF, new int[] {i, round});
        }
        long sum = numbers[numbers.length / 2];
        for (int[] value : map.values()) {
            sum += value[0] + value[1];
        }
        return sum;
    }
}
