package io.smsgw.bench.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smsgw.bench.scenario.MoPreloader;
import org.junit.jupiter.api.Test;

class MoTallyTest {

    @Test
    void handsetNumbersRoundTripToTheirIndex() {
        assertEquals("8613000000000", MoPreloader.origin(0));
        assertEquals(999_999, MoPreloader.index(MoPreloader.origin(999_999)));
        assertEquals(-1, MoPreloader.index("8613800138000x"));
        assertEquals(-1, MoPreloader.index("8610086"));
        assertEquals(-1, MoPreloader.index(null));
    }

    @Test
    void countsFirstArrivalsDuplicatesForeignAndMissing() {
        MoTally tally = new MoTally(2);
        tally.mo(MoPreloader.origin(0));
        tally.mo(MoPreloader.origin(2));
        tally.mo(MoPreloader.origin(0));
        tally.mo("8610086");

        assertEquals(2, tally.unique());
        assertEquals(1, tally.duplicates());
        assertEquals(1, tally.foreign());
        assertEquals(2, tally.missing(4), "1 and 3 never came");
        assertTrue(tally.warmNanos() > 0, "the warm-up mark is set at the second first arrival");
    }

    @Test
    void settingsNeedTheExpectedCountAndPassTheRestToTheLoadOptions() {
        MoPushReceiver.Settings settings = MoPushReceiver.Settings.parse("--protocol", "cmpp", "--system-id", "900001",
                "--expect", "1000", "--idle-timeout", "5");

        assertEquals(1000, settings.expected());
        assertEquals(5, settings.idleSeconds());
        assertEquals("CMPP", settings.load().protocol());
        assertEquals("sms.sp.900001", settings.queue());
        assertEquals(0, settings.queuePort());
    }
}
