package io.smsgw.cmpp.gns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class MtSegmentIndexTest {

   private static final String T = "20250601120000";

   private static MtRouteEntry route(long id, String start, String end, String gateway) {
      return new MtRouteEntry(id, gateway, "10.0.0.1", 7930, start, end, "", 0, T);
   }

   @Test
   void numbersAreComparedWithoutCountryCode() {
      for (String number : new String[] {"13800138000", "8613800138000", "+8613800138000", "008613800138000", "+13800138000"}) {
         assertEquals("13800138000", MtSegmentIndex.nationalNumber(number), number);
      }
      assertEquals("861380013800", MtSegmentIndex.nationalNumber("861380013800"), "not 86 + 11 digits: kept");
      assertNull(MtSegmentIndex.nationalNumber(""));
      assertNull(MtSegmentIndex.nationalNumber("+"));
      assertNull(MtSegmentIndex.nationalNumber("138-0013-8000"));
   }

   @Test
   void theLongestSegmentContainingTheNumberWins() {
      MtSegmentIndex index = new MtSegmentIndex();
      index.put(route(0, "138", "138", "001001"));
      index.put(route(1, "1380000", "1380009", "077101"));
      index.put(route(2, "1390000", "1399999", "020001"));
      assertEquals("077101", index.find("13800051234").orElseThrow().gatewayId());
      assertEquals("077101", index.find("8613800091234").orElseThrow().gatewayId(), "end is inclusive");
      assertEquals("001001", index.find("13800101234").orElseThrow().gatewayId());
      assertEquals("020001", index.find("13900001234").orElseThrow().gatewayId(), "start is inclusive");
      assertEquals("020001", index.find("13999991234").orElseThrow().gatewayId());
      assertEquals(Optional.empty(), index.find("13700000000"));
      assertEquals(Optional.empty(), index.find("139"), "shorter than the segment");
      assertEquals(Optional.empty(), index.find("not a number"));
   }

   @Test
   void aRouteReplacesItsOlderSelfAndWhatItOverlaps() {
      MtSegmentIndex index = new MtSegmentIndex();
      index.put(route(0, "1380000", "1384999", "001001"));
      index.put(route(1, "1385000", "1389999", "022001"));
      index.put(route(2, "1500000", "1500009", "020001"));
      assertEquals(List.of(0L, 1L), index.overlapping("1384999", "1385000").stream().map(MtRouteEntry::routeId).sorted().toList());
      assertEquals(List.of(), index.overlapping("1370000", "1379999"));

      List<MtRouteEntry> displaced = index.put(route(3, "1383000", "1386000", "077101"));
      assertEquals(2, displaced.size());
      assertEquals("077101", index.find("13830001234").orElseThrow().gatewayId());
      assertEquals(Optional.empty(), index.find("13800001234"), "the displaced route is gone");
      assertEquals(2, index.size());

      index.put(route(3, "1600000", "1600009", "077101"));
      assertEquals(Optional.empty(), index.find("13830001234"), "same id: the old segments are gone");
      assertEquals("077101", index.find("16000001234").orElseThrow().gatewayId());
      assertEquals("077101", index.remove(3).gatewayId());
      assertNull(index.remove(3));
      assertEquals(1, index.size());
      assertThrows(IllegalArgumentException.class, () -> index.put(route(4, "150", "1500", "001001")));
   }

   @Test
   void segmentsAreOneToNineDigits() {
      assertTrue(MtSegmentIndex.isSegment("1"));
      assertTrue(MtSegmentIndex.isSegment("138000000"));
      assertFalse(MtSegmentIndex.isSegment(""));
      assertFalse(MtSegmentIndex.isSegment("1380000000"));
      assertFalse(MtSegmentIndex.isSegment("13a"));
   }

   @Test
   void timeStampsAreFourteenDigitsAndCompareAsText() {
      assertEquals("20250601090503", GnsTimestamp.of(LocalDateTime.of(2025, 6, 1, 9, 5, 3)));
      assertTrue(GnsTimestamp.isValid("20250601090503"));
      assertFalse(GnsTimestamp.isValid("2025060109050"));
      assertFalse(GnsTimestamp.isValid("2025060109050x"));
      assertTrue(GnsTimestamp.isOlder("20250601090503", "20250601090504"));
      assertFalse(GnsTimestamp.isOlder("20250601090503", "20250601090503"));
   }
}
