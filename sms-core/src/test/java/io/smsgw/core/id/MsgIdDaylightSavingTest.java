package io.smsgw.core.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * A gateway whose zone has daylight saving time (Europe/Berlin: at 2026-10-25T01:00:00Z the local time goes back
 * from 02:59:59 CEST to 02:00:00 CET) keeps issuing increasing ids, without a restart: the Msg_Id's time fields are
 * written at the zone's standard offset, which does not jump. Before, the fields followed the local time back by an
 * hour, and the ids of the repeated hour's second pass were those of its first.
 */
class MsgIdDaylightSavingTest {

   private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

   @Test
   void idsStayIncreasingAndUniqueAcrossTheEndOfSummerTime() {
      SettableClock clock = new SettableClock(Instant.parse("2026-10-25T00:59:59Z"), BERLIN);
      CmppMsgIdGenerator generator = new CmppMsgIdGenerator(1001, clock);
      Set<Long> seen = new HashSet<>();
      long previous = 0;
      for (int second = 0; second < 3; second++) { // 00:59:59Z, 01:00:00Z, 01:00:01Z
         for (int i = 0; i < 3; i++) {
            long id = generator.next();
            assertTrue(seen.add(id), () -> "repeated " + CmppMsgId.decode(id));
            long before = previous;
            assertTrue(Long.compareUnsigned(id, before) > 0, () -> CmppMsgId.decode(id) + " after " + CmppMsgId.decode(before));
            previous = id;
         }
         clock.advance(Duration.ofSeconds(1));
      }
      assertEquals(new CmppMsgId(10, 25, 2, 0, 1, 1001, 2), CmppMsgId.decode(previous), "01:00:01Z at UTC+1 all year");
   }

   @Test
   void theRepeatedHoursTwoPassesGetDifferentIds() {
      SettableClock clock = new SettableClock(Instant.parse("2026-10-25T00:30:00Z"), BERLIN); // 02:30 CEST
      CmppMsgIdGenerator generator = new CmppMsgIdGenerator(1001, clock);
      long firstPass = generator.next();
      clock.set(Instant.parse("2026-10-25T01:30:00Z")); // 02:30 CET
      CmppMsgIdGenerator restarted = new CmppMsgIdGenerator(1001, clock); // even without a mark
      long secondPass = restarted.next();
      assertNotEquals(firstPass, secondPass, CmppMsgId.decode(firstPass) + " issued in both passes");
   }
}
