package io.smsgw.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A fixed single-threaded workload (sorting, hashing, short-lived objects: what a message costs, in miniature),
 * timed before an end-to-end run so its result can be read against how fast the host was at the time. On the
 * shared reference machine the same code takes a fifth to several times longer in slow hours, which the guest
 * does not see as steal time (docs/BENCHMARKS.md, "Twelfth round"). Prints the median of the timed rounds in
 * milliseconds; lower is faster.
 */
public final class HostSpeed {

    private static final int WARM_UP_ROUNDS = 3;
    private static final int TIMED_ROUNDS = 9;
    /** Where the rounds' results go, so the JIT cannot drop the work. */
    private static volatile long sink;

    private HostSpeed() {
    }

    public static void main(String[] args) {
        double[] millis = new double[TIMED_ROUNDS];
        for (int round = 0; round < WARM_UP_ROUNDS + TIMED_ROUNDS; round++) {
            long start = System.nanoTime();
            sink += work(round);
            if (round >= WARM_UP_ROUNDS) {
                millis[round - WARM_UP_ROUNDS] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(millis);
        System.out.printf(Locale.ROOT, "host probe: %.1f ms (median of %d rounds, %.1f–%.1f; lower is faster)%n",
                millis[TIMED_ROUNDS / 2], TIMED_ROUNDS, millis[0], millis[TIMED_ROUNDS - 1]);
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
