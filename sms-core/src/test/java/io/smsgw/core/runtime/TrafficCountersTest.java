package io.smsgw.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

class TrafficCountersTest {

   @Test
   void todayIsTheLocalDateAsADayNumber() {
      int before = TrafficCounters.dayNumber(LocalDate.now());
      int today = TrafficCounters.today();
      int after = TrafficCounters.dayNumber(LocalDate.now());
      // Midnight may pass between the calls; the cached day is one of the two.
      assertTrue(today == before || today == after, "today " + today + ", LocalDate " + before + "/" + after);
   }

   @Test
   void consecutiveRecordsForDifferentKeysCountSeparately() {
      TrafficCounters counters = new TrafficCounters();
      int day = 20261126;
      counters.recordMt("sp1", day, "svc", 1);
      counters.recordMt("sp1", day, "svc", 2);
      counters.recordMt("sp1", day, "other", 1);
      counters.recordMt("sp2", day, "svc", 5);
      counters.recordMt("sp1", day + 1, "svc", 7);
      counters.recordMtOutcome("sp1", day, "svc", true);
      counters.recordMtOutcome("sp1", day, null, false);
      counters.recordMt("sp1", day, "svc", 4);

      assertArrayEquals(new long[] {7, 7, 0, 0, 1, 0}, counters.snapshot("sp1", day, "svc"));
      assertArrayEquals(new long[] {1, 1, 0, 0, 0, 0}, counters.snapshot("sp1", day, "other"));
      assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1}, counters.snapshot("sp1", day, ""));
      assertArrayEquals(new long[] {8, 8, 0, 0, 1, 1}, counters.snapshot("sp1", day, null));
      assertArrayEquals(new long[] {5, 5, 0, 0, 0, 0}, counters.snapshot("sp2", day, null));
      assertArrayEquals(new long[] {7, 7, 0, 0, 0, 0}, counters.snapshot("sp1", day + 1, null));
   }

   @Test
   void daysOutsideTheWindowAreForgottenEvenRightAfterUse() {
      TrafficCounters counters = new TrafficCounters();
      counters.recordMt("sp1", 20261001, "svc", 3);
      counters.recordMt("sp1", 20261126, "svc", 1);   // 20261001 is now older than 31 days
      counters.recordMt("sp1", 20261001, "svc", 2);   // counted again, in a fresh entry
      assertArrayEquals(new long[] {2, 2, 0, 0, 0, 0}, counters.snapshot("sp1", 20261001, null));
   }
}
