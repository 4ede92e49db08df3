package io.smsgw.core.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.smsgw.core.runtime.AcceptedSegments.Segment;
import org.junit.jupiter.api.Test;

class AcceptedSegmentsTest {

   @Test
   void aWholeMessageIsTheSinglePartOrEveryPartOfOneSplit() {
      assertTrue(AcceptedSegments.whole(List.of(new Segment(0, 0, 0))), "a single-part MT");
      assertTrue(AcceptedSegments.whole(List.of(new Segment(9, 3, 2), new Segment(9, 3, 3), new Segment(9, 3, 1))));
      assertTrue(AcceptedSegments.whole(List.of(new Segment(9, 4, 1), new Segment(9, 3, 1), new Segment(9, 3, 2),
                                                new Segment(9, 3, 3))), "one whole split beside a partial one");
   }

   @Test
   void partsOfDifferentSplitsMakeNoWholeMessage() {
      assertFalse(AcceptedSegments.whole(List.of()));
      assertFalse(AcceptedSegments.whole(List.of(new Segment(9, 3, 1), new Segment(9, 3, 2))));
      assertFalse(AcceptedSegments.whole(List.of(new Segment(9, 3, 1), new Segment(9, 4, 2), new Segment(9, 3, 3))),
                  "numbers 1 to 3, but not of one split");
      assertFalse(AcceptedSegments.whole(List.of(new Segment(9, 2, 1), new Segment(8, 2, 2))), "another reference");
      assertFalse(AcceptedSegments.whole(List.of(new Segment(9, 2, 1), new Segment(9, 2, 1))), "one part twice");
      assertFalse(AcceptedSegments.whole(List.of(new Segment(0, 0, 3))), "a number without a total");
   }
}
