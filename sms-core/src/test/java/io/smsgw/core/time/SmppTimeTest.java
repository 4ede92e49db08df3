package io.smsgw.core.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class SmppTimeTest {

   private static final long NOW = Instant.parse("2026-11-26T05:45:30Z").toEpochMilli();

   @Test
   void emptyMeansNone() {
      assertEquals(SmppTime.NONE, SmppTime.toEpochMillis("", NOW));
      assertEquals(SmppTime.NONE, SmppTime.toEpochMillis(null, NOW));
   }

   @Test
   void absoluteTimeHonoursTheQuarterHourOffset() {
      // 26 Nov 2026 13:45:30.0 at UTC+8 (32 quarter hours) is 05:45:30 UTC
      assertEquals(NOW, SmppTime.toEpochMillis("261126134530032+", NOW));
      assertEquals(NOW, SmppTime.toEpochMillis("261126054530000+", NOW));
      assertEquals(NOW + 100, SmppTime.toEpochMillis("261126044530104-", NOW));
   }

   @Test
   void relativeTimeCountsFromNow() {
      assertEquals(NOW + 2 * 3_600_000L + 30_000L, SmppTime.toEpochMillis("000000020030000R", NOW));
      assertEquals(Instant.parse("2026-12-27T05:45:30Z").toEpochMilli(), SmppTime.toEpochMillis("000101000000000R", NOW));
   }

   @Test
   void absoluteTimesFormatInUtcAndParseBack() {
      assertEquals("261126054530000+", SmppTime.formatAbsolute(NOW));
      assertEquals(NOW + 700, SmppTime.toEpochMillis(SmppTime.formatAbsolute(NOW + 700), 0));
      assertEquals("", SmppTime.formatAbsolute(0));
   }

   @Test
   void malformedTimesAreInvalid() {
      assertEquals(SmppTime.INVALID, SmppTime.toEpochMillis("2611261345", NOW));
      assertEquals(SmppTime.INVALID, SmppTime.toEpochMillis("26112613453003x+", NOW));
      assertEquals(SmppTime.INVALID, SmppTime.toEpochMillis("261326134530032+", NOW)); // month 13
      assertEquals(SmppTime.INVALID, SmppTime.toEpochMillis("261126134530049+", NOW)); // offset > 48
      assertEquals(SmppTime.INVALID, SmppTime.toEpochMillis("261126134530032?", NOW));
   }
}
