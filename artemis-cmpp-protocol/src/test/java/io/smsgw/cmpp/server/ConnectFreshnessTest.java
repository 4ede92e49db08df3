package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.Connect;
import org.junit.jupiter.api.Test;

/** The gateway's memory of CONNECTs, on a clock the test moves. */
class ConnectFreshnessTest {

   private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
   private static final long SKEW = 900;

   /** A clock that stands still until the test moves it. */
   private static final class SettableClock extends Clock {
      private Instant now;

      SettableClock(String localTime) {
         now = LocalDateTime.parse(localTime).atZone(ZONE).toInstant();
      }

      void advanceSeconds(long seconds) {
         now = now.plusSeconds(seconds);
      }

      @Override
      public ZoneId getZone() {
         return ZONE;
      }

      @Override
      public Clock withZone(ZoneId zone) {
         throw new UnsupportedOperationException();
      }

      @Override
      public Instant instant() {
         return now;
      }
   }

   private static Connect connect(String sp, String secret, String localTime) {
      long timestamp = CmppTimestamp.of(LocalDateTime.parse(localTime));
      return new Connect(1, sp, CmppAuthenticator.authenticatorSource(sp, secret, timestamp), 0x30, timestamp);
   }

   @Test
   void aTimestampIsCurrentWithinTheSkewEitherWayAcrossTheYearBoundary() {
      ConnectFreshness freshness = new ConnectFreshness(new SettableClock("2026-01-01T00:00:01"), 10);
      assertTrue(freshness.isCurrent(1231235959L, SKEW), "2 s old, sent last year");
      assertTrue(freshness.isCurrent(1231234501L, SKEW), "900 s old");
      assertFalse(freshness.isCurrent(1231234500L, SKEW), "901 s old");
      assertTrue(freshness.isCurrent(101001501L, SKEW), "900 s ahead");
      assertFalse(freshness.isCurrent(101001502L, SKEW), "901 s ahead");
      assertFalse(freshness.isCurrent(1231000001L, SKEW), "a day old");
      assertFalse(freshness.isCurrent(1321000000L, SKEW), "no time at all");
      assertTrue(freshness.isCurrent(1231000001L, 0), "skew 0: no check");
   }

   @Test
   void anAuthenticatedConnectIsTakenOnceWhileItsTimestampIsInTheWindow() {
      SettableClock clock = new SettableClock("2026-01-01T00:00:01");
      ConnectFreshness freshness = new ConnectFreshness(clock, 10);
      Connect captured = connect("901234", "secret", "2025-12-31T23:59:59");
      assertTrue(freshness.firstUse(captured, SKEW));
      assertFalse(freshness.firstUse(captured, SKEW), "the same CONNECT again");
      assertFalse(freshness.firstUse(new Connect(77, "901234", captured.authenticatorSource(), 0x20, captured.timestamp()), SKEW),
                  "another sequence id and version do not make it new");
      assertTrue(freshness.firstUse(connect("901234", "secret", "2026-01-01T00:00:00"), SKEW), "the next second");
      assertTrue(freshness.firstUse(connect("901235", "secret", "2025-12-31T23:59:59"), SKEW), "another SP, same second");
      assertTrue(freshness.firstUse(captured, 0), "skew 0: nothing remembered, nothing refused");
   }

   @Test
   void entriesAreForgottenOnceOutOfTheWindowAndTheMemoryIsCapped() {
      SettableClock clock = new SettableClock("2026-06-01T12:00:00");
      ConnectFreshness freshness = new ConnectFreshness(clock, 3);
      for (int i = 0; i < 3; i++) {
         assertTrue(freshness.firstUse(connect("90000" + i, "s", "2026-06-01T12:00:00"), SKEW));
      }
      assertEquals(3, freshness.size());
      assertTrue(freshness.firstUse(connect("900003", "s", "2026-06-01T12:00:00"), SKEW));
      assertEquals(3, freshness.size(), "at the cap the oldest goes");
      assertFalse(freshness.firstUse(connect("900003", "s", "2026-06-01T12:00:00"), SKEW), "the newest is still there");

      clock.advanceSeconds(SKEW + 1);
      assertTrue(freshness.firstUse(connect("900009", "s", "2026-06-01T12:15:01"), SKEW));
      assertEquals(1, freshness.size(), "the ones whose Timestamp left the window are gone");
   }

   @Test
   void aConnectAcceptedWithASmallSkewIsRememberedForTheLargestInUse() {
      SettableClock clock = new SettableClock("2026-06-01T12:00:00");
      ConnectFreshness freshness = new ConnectFreshness(clock, 10);
      Connect captured = connect("901234", "secret", "2026-06-01T12:00:00");
      assertTrue(freshness.firstUse(captured, 60));
      assertTrue(freshness.firstUse(connect("901235", "secret", "2026-06-01T12:00:00"), SKEW));
      clock.advanceSeconds(120);
      assertFalse(freshness.firstUse(captured, SKEW), "still current for an acceptor with a 900 s window");
   }
}
