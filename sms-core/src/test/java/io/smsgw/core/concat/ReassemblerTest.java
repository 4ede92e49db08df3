package io.smsgw.core.concat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smsgw.core.concat.OfferResult.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReassemblerTest {

   private static final ConcatKey A = new ConcatKey("13800138000", "1065712345", 0xA7, 3);
   private static final ConcatKey B = new ConcatKey("13800138001", "1065712345", 0xA7, 2);
   private static final ConcatKey C = new ConcatKey("13800138002", "1065712345", 1, 2);

   private final AtomicLong nanos = new AtomicLong(1_000);
   private final Reassembler<String> reassembler = new Reassembler<>(Duration.ofSeconds(60), 2, nanos::get);

   private void advanceSeconds(long seconds) {
      nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
   }

   @Test
   void completesWhenAllPartsArriveInAnyOrder() {
      assertEquals(Status.PENDING, reassembler.offer(A, 3, "three").status());
      assertEquals(Status.PENDING, reassembler.offer(A, 1, "one").status());
      OfferResult<String> last = reassembler.offer(A, 2, "two");
      assertEquals(Status.COMPLETE, last.status());
      assertEquals(List.of("one", "two", "three"), last.completed());
      assertEquals(0, reassembler.pendingCount());
   }

   @Test
   void ignoresDuplicatesAndKeepsTheFirstCopy() {
      reassembler.offer(B, 1, "first");
      OfferResult<String> duplicate = reassembler.offer(B, 1, "again");
      assertEquals(Status.DUPLICATE, duplicate.status());
      assertTrue(duplicate.completed().isEmpty());
      assertEquals(List.of("first", "second"), reassembler.offer(B, 2, "second").completed());
   }

   @Test
   void aSinglePartMessageCompletesAtOnce() {
      ConcatKey single = new ConcatKey("1", "2", 9, 1);
      OfferResult<String> result = reassembler.offer(single, 1, "only");
      assertEquals(Status.COMPLETE, result.status());
      assertEquals(List.of("only"), result.completed());
      assertEquals(0, reassembler.pendingCount());
   }

   @Test
   void rejectsPartNumbersOutsideTheTotal() {
      assertEquals(Status.INVALID, reassembler.offer(B, 0, "zero").status());
      assertEquals(Status.INVALID, reassembler.offer(B, 3, "three").status());
      assertEquals(0, reassembler.pendingCount());
   }

   @Test
   void keepsMessagesWithTheSameReferenceFromDifferentSendersApart() {
      ConcatKey other = new ConcatKey("other", B.destination(), B.reference(), B.total());
      reassembler.offer(B, 1, "b1");
      assertEquals(Status.PENDING, reassembler.offer(other, 2, "o2").status());
      assertEquals(List.of("b1", "b2"), reassembler.offer(B, 2, "b2").completed());
   }

   @Test
   void handsBackIncompleteMessagesOnceTheirTimeoutPasses() {
      reassembler.offer(A, 2, "two");
      advanceSeconds(59);
      assertTrue(reassembler.expire().isEmpty());
      advanceSeconds(1);
      List<PartialMessage<String>> expired = reassembler.expire();
      assertEquals(1, expired.size());
      PartialMessage<String> partial = expired.get(0);
      assertEquals(A, partial.key());
      assertEquals(PartialMessage.Reason.EXPIRED, partial.reason());
      assertEquals(Map.of(2, "two"), partial.parts());
      assertEquals(List.of(1, 3), partial.missingNumbers());
      assertEquals(0, reassembler.pendingCount());
      assertTrue(reassembler.expire().isEmpty());
   }

   @Test
   void timeoutCountsFromTheFirstPart() {
      reassembler.offer(A, 1, "one");
      advanceSeconds(50);
      reassembler.offer(A, 2, "two");
      advanceSeconds(10);
      List<PartialMessage<String>> expired = reassembler.expire();
      assertEquals(1, expired.size());
      assertEquals(List.of(3), expired.get(0).missingNumbers());
   }

   @Test
   void offerHandsBackExpiredMessagesToo() {
      reassembler.offer(A, 1, "a1");
      advanceSeconds(61);
      OfferResult<String> result = reassembler.offer(B, 1, "b1");
      assertEquals(Status.PENDING, result.status());
      assertEquals(1, result.discarded().size());
      assertEquals(A, result.discarded().get(0).key());
      assertEquals(PartialMessage.Reason.EXPIRED, result.discarded().get(0).reason());
   }

   @Test
   void aPartArrivingAfterItsMessageExpiredStartsAfresh() {
      reassembler.offer(B, 1, "b1");
      advanceSeconds(60);
      OfferResult<String> late = reassembler.offer(B, 2, "b2");
      assertEquals(Status.PENDING, late.status());
      assertEquals(Map.of(1, "b1"), late.discarded().get(0).parts());
      assertEquals(1, reassembler.pendingCount());
   }

   @Test
   void whenFullTheOldestPendingMessageIsEvictedAndHandedBack() {
      reassembler.offer(A, 1, "a1");
      advanceSeconds(1);
      reassembler.offer(B, 1, "b1");
      OfferResult<String> result = reassembler.offer(C, 1, "c1");
      assertEquals(Status.PENDING, result.status());
      assertEquals(1, result.discarded().size());
      PartialMessage<String> evicted = result.discarded().get(0);
      assertEquals(A, evicted.key());
      assertEquals(PartialMessage.Reason.EVICTED, evicted.reason());
      assertEquals(Map.of(1, "a1"), evicted.parts());
      assertEquals(2, reassembler.pendingCount());
      assertEquals(List.of("b1", "b2"), reassembler.offer(B, 2, "b2").completed());
   }

   @Test
   void addingToAPendingMessageNeverEvicts() {
      reassembler.offer(A, 1, "a1");
      reassembler.offer(B, 1, "b1");
      OfferResult<String> result = reassembler.offer(A, 2, "a2");
      assertTrue(result.discarded().isEmpty());
      assertEquals(2, reassembler.pendingCount());
   }

   @Test
   void survivesAClockThatWrapsAround() {
      nanos.set(Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(1));
      reassembler.offer(B, 1, "b1");
      advanceSeconds(30);
      assertTrue(reassembler.expire().isEmpty());
      advanceSeconds(30);
      assertEquals(1, reassembler.expire().size());
   }

   @Test
   void rejectsInvalidConfigurationAndKeys() {
      assertThrows(IllegalArgumentException.class, () -> new Reassembler<String>(Duration.ZERO, 1, nanos::get));
      assertThrows(IllegalArgumentException.class, () -> new Reassembler<String>(Duration.ofSeconds(1), 0, nanos::get));
      assertThrows(IllegalArgumentException.class, () -> new ConcatKey("a", "b", 1, 0));
      assertThrows(IllegalArgumentException.class, () -> new ConcatKey("a", "b", 1, 256));
      assertThrows(IllegalArgumentException.class, () -> new ConcatKey("a", "b", 65536, 2));
   }

   @Test
   void keyFromAParsedConcatPart() {
      ConcatPart part = new ConcatPart(ConcatReference.sixteenBit(0x1234), 2, 1);
      assertEquals(new ConcatKey("s", "d", 0x1234, 2), ConcatKey.of("s", "d", part));
   }
}
