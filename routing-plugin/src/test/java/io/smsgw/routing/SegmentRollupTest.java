package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SegmentRollupTest {

   @Test
   void deliveredOnlyWhenEverySegmentIsInAnyOrder() {
      SegmentRollup rollup = new SegmentRollup(100, 60_000);
      String key = SegmentRollup.key("sp", "13800138000", 42, 3);
      assertNull(rollup.offer(key, "m", 3, 3, true, 0));
      assertNull(rollup.offer(key, "m", 1, 3, true, 1));
      assertNull(rollup.offer(key, "m", 1, 3, true, 2), "a duplicate segment does not complete it");
      assertEquals(1, rollup.pendingCount(), "nor starts another message");
      SegmentRollup.Completed done = rollup.offer(key, "m", 2, 3, true, 3);
      assertNotNull(done);
      assertTrue(done.allDelivered());
      assertEquals(0, rollup.pendingCount());
   }

   @Test
   void oneFailedSegmentFailsTheWholeMessage() {
      SegmentRollup rollup = new SegmentRollup(100, 60_000);
      String key = SegmentRollup.key("sp", "13800138000", 7, 2);
      assertNull(rollup.offer(key, "m", 1, 2, false, 0));
      assertFalse(rollup.offer(key, "m", 2, 2, true, 1).allDelivered());
   }

   @Test
   void twoLongMessagesWithTheSameReferenceEachCompleteOnTheirOwn() {
      SegmentRollup rollup = new SegmentRollup(100, 60_000);
      String key = SegmentRollup.key("sp", "13800138000", 0, 2); // a CMPP SUBMIT without UDH: reference 0
      // in flight at once, each segment with its own Msg_Id as an SP's segments have
      assertNull(rollup.offer(key, "a1", 1, 2, true, 0));
      assertNull(rollup.offer(key, "b1", 1, 2, true, 1));
      SegmentRollup.Completed a = rollup.offer(key, "a2", 2, 2, false, 2);
      SegmentRollup.Completed b = rollup.offer(key, "b2", 2, 2, true, 3);
      assertNotNull(a);
      assertNotNull(b);
      assertFalse(a.allDelivered());
      assertTrue(b.allDelivered(), "the other message's failed segment is not this one's");
      assertNotEquals(a.key(), b.key(), "each its own rolled-up record");
      // segments split by the gateway share their message's smsId, and find it whatever the order
      assertNull(rollup.offer(key, "c", 2, 2, true, 4));
      assertNull(rollup.offer(key, "d", 2, 2, false, 5));
      assertTrue(rollup.offer(key, "c", 1, 2, true, 6).allDelivered());
      assertFalse(rollup.offer(key, "d", 1, 2, true, 7).allDelivered());
      assertEquals(0, rollup.pendingCount());
   }

   @Test
   void boundedAndAged() {
      SegmentRollup rollup = new SegmentRollup(2, 1_000);
      rollup.offer(SegmentRollup.key("a", "1", 1, 2), "m", 1, 2, true, 0);
      rollup.offer(SegmentRollup.key("a", "2", 1, 2), "m", 1, 2, true, 0);
      rollup.offer(SegmentRollup.key("a", "3", 1, 2), "m", 1, 2, true, 0);
      assertEquals(2, rollup.pendingCount(), "the oldest was dropped");
      rollup.offer(SegmentRollup.key("a", "4", 1, 2), "m", 1, 2, true, 5_000);
      assertEquals(1, rollup.pendingCount(), "older than the maximum age");
   }
}
