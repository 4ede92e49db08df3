package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SegmentRollupTest {

   @Test
   void deliveredOnlyWhenEverySegmentIsInAnyOrder() {
      SegmentRollup rollup = new SegmentRollup(100, 60_000);
      String key = SegmentRollup.key("sp", "13800138000", 42, 3);
      assertNull(rollup.offer(key, 3, 3, true, 0));
      assertNull(rollup.offer(key, 1, 3, true, 1));
      assertNull(rollup.offer(key, 1, 3, true, 2), "a duplicate segment does not complete it");
      SegmentRollup.Completed done = rollup.offer(key, 2, 3, true, 3);
      assertNotNull(done);
      assertTrue(done.allDelivered());
      assertEquals(0, rollup.pendingCount());
   }

   @Test
   void oneFailedSegmentFailsTheWholeMessage() {
      SegmentRollup rollup = new SegmentRollup(100, 60_000);
      String key = SegmentRollup.key("sp", "13800138000", 7, 2);
      assertNull(rollup.offer(key, 1, 2, false, 0));
      assertFalse(rollup.offer(key, 2, 2, true, 1).allDelivered());
   }

   @Test
   void boundedAndAged() {
      SegmentRollup rollup = new SegmentRollup(2, 1_000);
      rollup.offer(SegmentRollup.key("a", "1", 1, 2), 1, 2, true, 0);
      rollup.offer(SegmentRollup.key("a", "2", 1, 2), 1, 2, true, 0);
      rollup.offer(SegmentRollup.key("a", "3", 1, 2), 1, 2, true, 0);
      assertEquals(2, rollup.pendingCount(), "the oldest was dropped");
      rollup.offer(SegmentRollup.key("a", "4", 1, 2), 1, 2, true, 5_000);
      assertEquals(1, rollup.pendingCount(), "older than the maximum age");
   }
}
