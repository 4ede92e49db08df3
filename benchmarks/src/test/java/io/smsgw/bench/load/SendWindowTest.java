package io.smsgw.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SendWindowTest {

    @Test
    void keepsAtMostTheWindowOutstandingAndReturnsSendTimes() {
        SendWindow window = new SendWindow(2);

        int first = window.acquire(100);
        int second = window.acquire(200);

        assertEquals(1, first);
        assertEquals(2, second);
        assertFalse(window.hasRoom());
        assertEquals(200, window.release(second));
        assertTrue(window.hasRoom());
        assertEquals(SendWindow.UNKNOWN, window.release(second)); // answered twice
        assertEquals(SendWindow.UNKNOWN, window.release(99)); // never sent
        assertEquals(1, window.outstanding());
    }

    @Test
    void aVeryLateRequestHoldsItsRingSlotSoSequenceNumbersNeverCollide() {
        SendWindow window = new SendWindow(1); // ring of 4 slots
        int late = window.acquire(0);
        window.release(late);
        int stuck = window.acquire(1); // sequence 2, slot 2
        assertEquals(2, stuck);
        window.release(stuck);
        int next = window.acquire(2);
        window.release(next);
        window.acquire(3);
        assertEquals(0, window.expire(3));
        assertEquals(1, window.expire(4));
        assertEquals(0, window.outstanding());
    }

    @Test
    void expireGivesUpOnRequestsOlderThanTheDeadline() {
        SendWindow window = new SendWindow(10);
        window.acquire(10);
        window.acquire(20);
        int recent = window.acquire(30);

        assertEquals(2, window.expire(25));
        assertEquals(1, window.outstanding());
        assertEquals(30, window.release(recent));
    }
}
