package io.smsgw.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class HostSpeedTest {

    @Test
    void everyRoundDoesTheSameWorkSoItsTimesCompareAcrossRunsAndHours() {
        assertEquals(HostSpeed.work(3), HostSpeed.work(3), "a fixed seed: the same numbers every time");
        assertNotEquals(HostSpeed.work(3), HostSpeed.work(4), "the round number reaches the result, so no round is dead code");
    }
}
