package io.smsgw.cmpp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading a CONNECT Timestamp (MMDDHHMMSS, no year) against a clock, and the Timestamps clients send. */
class ConnectTimestampTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private static Clock at(String localTime, ZoneId zone) {
        return Clock.fixed(java.time.LocalDateTime.parse(localTime).atZone(zone).toInstant(), zone);
    }

    private static long offset(long timestamp, Clock clock) {
        return CmppTimestamp.epochSecond(timestamp, clock).orElseThrow() - clock.instant().getEpochSecond();
    }

    @Test
    void aTimestampAcrossTheYearBoundaryIsSecondsAwayNotAYear() {
        Clock newYear = at("2026-01-01T00:00:01", SHANGHAI);
        assertEquals(-2, offset(1231235959L, newYear), "sent at 12-31 23:59:59, received at 01-01 00:00:01");
        Clock newYearsEve = at("2025-12-31T23:59:59", SHANGHAI);
        assertEquals(2, offset(101000001L, newYearsEve), "a client clock 2 s ahead, already in January");
        assertEquals(0, offset(1231235959L, newYearsEve));
    }

    @Test
    void aTimestampAcrossAMonthBoundaryAndFarOnesReadAsTheNearestYear() {
        Clock march = at("2026-03-01T00:00:00", SHANGHAI);
        assertEquals(-1, offset(228235959L, march), "02-28 23:59:59, 2026 having no 02-29");
        assertEquals(-86_400, offset(228000000L, march));
        assertEquals(-59L * 86_400, offset(101000000L, march), "59 days old, not ten months ahead");
    }

    @Test
    void february29IsReadInTheNearestLeapYearAroundNowOnly() {
        assertEquals(-1, offset(229235959L, at("2028-03-01T00:00:00", SHANGHAI)));
        assertTrue(CmppTimestamp.epochSecond(229000000L, at("2026-06-01T00:00:00", SHANGHAI)).isEmpty(),
                   "no leap year among 2025, 2026 and 2027");
    }

    @Test
    void valuesThatNameNoTimeAreEmpty() {
        Clock clock = at("2026-05-05T10:00:00", SHANGHAI);
        for (long invalid : new long[] {0L, 1321080510L, 431000000L, 1021240510L, 1021086010L, 1L << 32}) {
            assertEquals(OptionalLong.empty(), CmppTimestamp.epochSecond(invalid, clock), Long.toString(invalid));
        }
    }

    @Test
    void theTimestampIsReadInTheClocksZone() {
        Clock utc = Clock.fixed(Instant.parse("2026-05-05T02:00:00Z"), ZoneOffset.UTC);
        assertEquals(0, offset(505020000L, utc));
        assertEquals(8 * 3600, offset(505100000L, utc), "10:00 Shanghai time read by a UTC gateway: 8 h ahead");
    }

    @Test
    void whenTheClocksGoBackTheNearerOfTheTwoReadingsCounts() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 2026-10-25 02:30 exists twice in Berlin (CEST then CET); received during the second one.
        Clock second230 = Clock.fixed(Instant.parse("2026-10-25T01:30:00Z"), berlin);
        assertEquals(0, offset(1025023000L, second230));
        Clock first230 = Clock.fixed(Instant.parse("2026-10-25T00:30:00Z"), berlin);
        assertEquals(0, offset(1025023000L, first230));
    }

    @Test
    void connectsOpenedInTheSameSecondGetTimestampsOfTheirOwnCloseToTheClock() {
        Clock clock = at("2026-05-05T10:00:00", SHANGHAI);
        String sp = "connect-timestamp-test";
        Set<Long> sent = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            long timestamp = CmppTimestamp.forConnect(clock, sp);
            assertTrue(sent.add(timestamp), "Timestamp " + timestamp + " given twice");
            long ahead = offset(timestamp, clock);
            assertTrue(ahead >= 0 && ahead <= 4, ahead + " s ahead");
        }
        assertEquals(505100000L, CmppTimestamp.forConnect(clock, "another-sp"), "other Source_Addrs are not pushed on");
    }

    @Test
    void manyConnectsInOneSecondDoNotDriftFurtherThanTheLeadLimit() {
        Clock clock = at("2026-05-05T10:00:00", SHANGHAI);
        String sp = "connect-timestamp-drift-test";
        long last = 0;
        for (int i = 0; i < 2 * CmppTimestamp.MAX_CONNECT_LEAD_SECONDS; i++) {
            long timestamp = CmppTimestamp.forConnect(clock, sp);
            long ahead = offset(timestamp, clock);
            assertTrue(ahead >= 0 && ahead <= CmppTimestamp.MAX_CONNECT_LEAD_SECONDS, ahead + " s ahead");
            assertNotEquals(last, timestamp);
            last = timestamp;
        }
    }
}
