package io.smsgw.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

class TrafficCountersTest {

   @Test
   void todayIsTheLocalDateAsADayNumber() {
      int before = TrafficCounters.dayNumber(LocalDate.now());
      int today = new TrafficCounters().today();
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
   void anSpSendingANewServiceIdWithEverySubmitIsCountedInBoundedSpace() {
      TrafficCounters counters = new TrafficCounters();
      int day = 20261126;
      int cap = TrafficCounters.MAX_SERVICE_IDS_PER_DAY;
      int submits = 10_000;
      for (int i = 0; i < submits; i++) {
         counters.recordMt("sp1", day, "R" + i, 1);
      }
      counters.recordMt("sp2", day, "svc", 3);
      // an outcome and an MO for a service id beyond the cap go with the others, as its MT did
      counters.recordMtOutcome("sp1", day, "R" + (submits - 1), true);
      counters.recordMo("sp1", day, "R" + (submits - 1), false);

      assertEquals(cap, counters.serviceIdsCounted("sp1", day), "no more entries than the cap");
      assertArrayEquals(new long[] {submits, submits, 0, 1, 1, 0}, counters.snapshot("sp1", day, null),
                        "the account's totals still count every submit");
      assertArrayEquals(new long[] {1, 1, 0, 0, 0, 0}, counters.snapshot("sp1", day, "R0"), "the first ones by name");
      assertArrayEquals(new long[] {submits - cap, submits - cap, 0, 1, 1, 0},
                        counters.snapshot("sp1", day, TrafficCounters.OTHER_SERVICE_IDS), "the rest together");
      assertArrayEquals(new long[6], counters.snapshot("sp1", day, "R" + cap), "one of the rest has no entry of its own");
      assertArrayEquals(new long[] {3, 3, 0, 0, 0, 0}, counters.snapshot("sp2", day, "svc"), "other accounts keep theirs");
      counters.recordMt("sp1", day + 1, "R" + (submits - 1), 1);
      assertArrayEquals(new long[] {1, 1, 0, 0, 0, 0}, counters.snapshot("sp1", day + 1, "R" + (submits - 1)),
                        "the next day starts with room again");
   }

   @Test
   void submitTimesOutsideTheDaysKeptCountTodayAndForgetNothing() {
      TrafficCounters counters = new TrafficCounters();
      int today = new TrafficCounters().today();
      long now = System.currentTimeMillis();
      int yesterday = TrafficCounters.dayNumber(LocalDate.now().minusDays(1));
      counters.recordMt("other", today, "svc", 5);
      counters.recordMt("other", yesterday, "svc", 3);
      long[] odd = {now * 1_000, now * 1_000_000, now / 1_000, Long.MAX_VALUE, Long.MIN_VALUE, 0, -1,
                    now + 2L * 24 * 60 * 60 * 1000, now - TrafficCounters.DAYS_KEPT * 24L * 60 * 60 * 1000};
      for (long time : odd) {
         int day = new TrafficCounters().dayOf(time);
         // midnight may pass during the test
         assertTrue(day == today || day == new TrafficCounters().today(), time + " counts today, not " + day);
         counters.recordMtOutcome("sp1", day, "svc", true);
      }
      assertArrayEquals(new long[] {5, 5, 0, 0, 0, 0}, counters.snapshot("other", today, null), "another account's day is kept");
      assertArrayEquals(new long[] {3, 3, 0, 0, 0, 0}, counters.snapshot("other", yesterday, null), "and its yesterday");
      assertEquals(odd.length, counters.snapshot("sp1", today, null)[TrafficCounters.MT_DELIVERED]);
      long yesterdayNoon = LocalDate.now().minusDays(1).atTime(12, 0).atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();
      assertEquals(yesterday, new TrafficCounters().dayOf(yesterdayNoon), "a time within the days kept keeps its day");
   }

   @Test
   void aDayNumberAfterTodayOrNoDateAtAllCountsTodayAndForgetsNothing() {
      TrafficCounters counters = new TrafficCounters();
      int today = new TrafficCounters().today();
      counters.recordMt("other", today, "svc", 5);
      // a day in the year 55840, one that overflowed, one with month 13: none may throw or move the window
      for (int day : new int[] {558_401_231, 2_061_299_999, 20_261_399, Integer.MAX_VALUE}) {
         counters.recordMtOutcome("sp1", day, "svc", false);
      }
      assertArrayEquals(new long[] {5, 5, 0, 0, 0, 0}, counters.snapshot("other", today, null));
      assertEquals(4, counters.snapshot("sp1", today, null)[TrafficCounters.MT_FAILED]);
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
