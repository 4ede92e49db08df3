package io.smsgw.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class HostSpeedTest {

    @Test
    void everyRoundDoesTheSameWorkSoItsTimesCompareAcrossRunsAndHours() {
        assertEquals(HostSpeed.work(3), HostSpeed.work(3), "a fixed seed: the same numbers every time");
        assertNotEquals(HostSpeed.work(3), HostSpeed.work(4), "the round number reaches the result, so no round is dead code");
    }

    @Test
    void theMemoryWalkVisitsEverySlotBeforeItComesBack() {
        int[] next = HostSpeed.cycle(1000);
        boolean[] seen = new boolean[next.length];
        int at = 0;
        for (int step = 0; step < next.length; step++) {
            assertFalse(seen[at], "slot " + at + " visited twice in one cycle");
            seen[at] = true;
            at = next[at];
        }
        assertEquals(0, at, "one cycle through all 1000 slots");
    }
}
