package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.smsgw.core.receipt.DeliveryState;
import org.junit.jupiter.api.Test;

/**
 * The submitter's one report of an MT the gateway split, and what happens when the grouping cannot know every part:
 * each remaining part's report goes on as it is, never none.
 */
class SplitReportsTest {

   private static final long START = 1_800_000_000_000L;
   private static final long HOUR = 3_600_000L;

   private final SplitReports reports = new SplitReports(2, 72 * HOUR, START);

   private SplitReports.Outcome offer(String id, int number, DeliveryState state, String error, long done, long submitted, long now) {
      return reports.offer(SplitReports.key("esme1", "8613800138000", id, 3), number, 3, state, error, done, submitted, now);
   }

   @Test
   void theLastPartCarriesTheWholeMessagesOutcome() {
      long submitted = START + 1_000;
      assertSame(SplitReports.HELD, offer("a", 3, DeliveryState.EXPIRED, "000", submitted + 50_000, submitted, submitted + 60_000));
      assertSame(SplitReports.HELD, offer("a", 2, DeliveryState.UNDELIV, "011", submitted + 20_000, submitted, submitted + 60_000));
      SplitReports.Outcome whole = offer("a", 1, DeliveryState.DELIVRD, "000", submitted + 10_000, submitted, submitted + 60_000);
      assertEquals(SplitReports.Decision.COMPLETE, whole.decision());
      assertEquals(DeliveryState.UNDELIV, whole.state(), "the lowest-numbered part not delivered, whatever came first");
      assertEquals("011", whole.error());
      assertEquals(submitted + 50_000, whole.doneMillis(), "done when the last part was");
      assertEquals(0, reports.pendingCount());
      // the completing part routed again (its routing failed): the same outcome, not a new entry that never completes
      assertEquals(whole, offer("a", 1, DeliveryState.DELIVRD, "000", submitted + 10_000, submitted, submitted + 61_000));
   }

   @Test
   void everyPartDeliveredIsDelivered() {
      long submitted = START + 1_000;
      offer("b", 1, DeliveryState.DELIVRD, "000", submitted, submitted, submitted);
      offer("b", 1, DeliveryState.DELIVRD, "000", submitted, submitted, submitted); // a repeat counts once
      offer("b", 2, DeliveryState.DELIVRD, "000", submitted, submitted, submitted);
      assertEquals(DeliveryState.DELIVRD, offer("b", 3, DeliveryState.DELIVRD, "000", submitted, submitted, submitted).state());
   }

   @Test
   void partsOfAnMtSubmittedBeforeTheStartGoOnAsTheyAre() {
      // its earlier parts may have been held by the broker before the restart: no report may vanish
      assertSame(SplitReports.INDIVIDUAL, offer("c", 2, DeliveryState.DELIVRD, "000", START + 10, START - 1, START + 10));
      assertSame(SplitReports.INDIVIDUAL, offer("c", 3, DeliveryState.DELIVRD, "000", START + 10, START - 1, START + 10));
      assertSame(SplitReports.INDIVIDUAL, reports.offer("k", 1, 3, DeliveryState.DELIVRD, null, START + 10, null, START + 10));
   }

   @Test
   void theRemainingPartsOfAMessageDroppedUnfinishedGoOnAsTheyAre() {
      long t = START + HOUR;
      assertSame(SplitReports.HELD, offer("d", 1, DeliveryState.DELIVRD, "000", t, t, t));
      assertSame(SplitReports.HELD, offer("e", 1, DeliveryState.DELIVRD, "000", t + 5, t + 5, t + 5));
      // a third message: the oldest entry ("d") is dropped to make room
      assertSame(SplitReports.HELD, offer("f", 1, DeliveryState.DELIVRD, "000", t + 9, t + 9, t + 9));
      assertSame(SplitReports.INDIVIDUAL, offer("d", 2, DeliveryState.DELIVRD, "000", t + 20, t, t + 20));
      assertSame(SplitReports.INDIVIDUAL, offer("d", 3, DeliveryState.DELIVRD, "000", t + 20, t, t + 20));
      // those still grouped complete as before
      offer("e", 2, DeliveryState.DELIVRD, "000", t + 20, t + 5, t + 20);
      assertEquals(SplitReports.Decision.COMPLETE, offer("e", 3, DeliveryState.DELIVRD, "000", t + 20, t + 5, t + 20).decision());
   }

   @Test
   void aMessageOlderThanTheMaximumAgeIsDroppedAndItsRemainingPartsGoOn() {
      long t = START + HOUR;
      assertSame(SplitReports.HELD, offer("g", 1, DeliveryState.DELIVRD, "000", t, t, t));
      long later = t + 73 * HOUR;
      assertSame(SplitReports.INDIVIDUAL, offer("g", 2, DeliveryState.EXPIRED, "000", later, t, later));
      assertEquals(0, reports.pendingCount());
   }
}
