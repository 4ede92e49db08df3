package io.smsgw.core.concat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smsgw.core.concat.ConcatReference.Width;
import io.smsgw.core.text.Gsm7Packing;
import io.smsgw.core.text.Hex;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmsSplitterTest {

   private static final ConcatReference REF8 = ConcatReference.eightBit(0xA7);
   private static final ConcatReference REF16 = ConcatReference.sixteenBit(0x1234);
   private static final String EMOJI = "\ud83d\ude00";

   @ParameterizedTest
   @CsvSource({
      // encoding, characters, reference width, expected segment sizes (characters)
      "GSM7, 160, EIGHT_BIT, 160",
      "GSM7, 161, EIGHT_BIT, 153 8",
      "GSM7, 306, EIGHT_BIT, 153 153",
      "GSM7, 307, EIGHT_BIT, 153 153 1",
      "GSM7, 161, SIXTEEN_BIT, 152 9",
      "GSM7, 304, SIXTEEN_BIT, 152 152",
      "GSM7, 305, SIXTEEN_BIT, 152 152 1",
      "UCS2, 70, EIGHT_BIT, 70",
      "UCS2, 71, EIGHT_BIT, 67 4",
      "UCS2, 134, EIGHT_BIT, 67 67",
      "UCS2, 135, EIGHT_BIT, 67 67 1",
      "UCS2, 71, SIXTEEN_BIT, 66 5",
      "UCS2, 132, SIXTEEN_BIT, 66 66",
      "ASCII, 140, EIGHT_BIT, 140",
      "ASCII, 141, EIGHT_BIT, 134 7",
      "LATIN1, 141, SIXTEEN_BIT, 133 8",
      "GBK, 141, EIGHT_BIT, 134 7",
   })
   void splitsAtTheCapacityBoundaries(SmsEncoding encoding, int characters, Width width, String sizes) {
      String text = "a".repeat(characters);
      ConcatReference reference = width == Width.EIGHT_BIT ? REF8 : REF16;
      List<Segment> segments = SmsSplitter.split(text, encoding, reference);
      String[] expected = sizes.split(" ");
      assertEquals(expected.length, segments.size());
      assertEquals(expected.length, SmsSplitter.countSegments(text, encoding, width));
      int unit = encoding == SmsEncoding.UCS2 ? 2 : 1;
      for (int i = 0; i < expected.length; i++) {
         Segment segment = segments.get(i);
         assertEquals(i + 1, segment.number());
         assertEquals(expected.length, segment.total());
         assertEquals(Integer.parseInt(expected[i]) * unit, segment.payload().length);
         assertTrue(segment.length() <= SmsSplitter.USER_DATA_OCTETS || encoding == SmsEncoding.GSM7);
      }
      assertEquals(text, decodeAll(segments, encoding));
   }

   @Test
   void aSinglePartMessageHasNoHeader() {
      Segment only = SmsSplitter.split("Hello", SmsEncoding.GSM7, REF8).get(0);
      assertFalse(only.hasHeader());
      assertEquals(0, only.header().length);
      assertEquals("48656c6c6f", Hex.string(only.shortMessage()));
      assertEquals(1, only.total());
   }

   @Test
   void anEmptyTextIsOneEmptySegment() {
      List<Segment> segments = SmsSplitter.split("", SmsEncoding.UCS2, REF8);
      assertEquals(1, segments.size());
      assertEquals(0, segments.get(0).length());
   }

   @Test
   void segmentsCarryTheConcatenationHeaderWithSharedReference() throws Exception {
      List<Segment> segments = SmsSplitter.split("x".repeat(200), SmsEncoding.GSM7, REF8);
      assertEquals("050003a70201", Hex.string(segments.get(0).header()));
      assertEquals("050003a70202", Hex.string(segments.get(1).header()));
      List<Segment> wide = SmsSplitter.split("x".repeat(200), SmsEncoding.GSM7, REF16);
      assertEquals("06080412340202", Hex.string(wide.get(1).header()));
      UserDataHeader parsed = UserDataHeader.parse(wide.get(1).shortMessage());
      assertEquals(Optional.of(new ConcatPart(REF16, 2, 2)), parsed.concatPart());
   }

   @Test
   void extensionCharactersCountTwoSeptetsTowardsCapacity() {
      assertEquals(1, SmsSplitter.split("\u20ac".repeat(80), SmsEncoding.GSM7, REF8).size());
      assertEquals(2, SmsSplitter.split("\u20ac".repeat(80) + "a", SmsEncoding.GSM7, REF8).size());
   }

   @Test
   void neverSplitsAGsmEscapeSequence() {
      String text = "a".repeat(152) + "\u20ac" + "b".repeat(20);
      List<Segment> segments = SmsSplitter.split(text, SmsEncoding.GSM7, REF8);
      assertEquals(2, segments.size());
      assertEquals(152, segments.get(0).payload().length);
      assertEquals("1b65", Hex.string(segments.get(1).payload()).substring(0, 4));
      assertEquals(text, decodeAll(segments, SmsEncoding.GSM7));
   }

   @Test
   void neverSplitsASurrogatePair() {
      String text = "a".repeat(66) + EMOJI + "b".repeat(10);
      List<Segment> segments = SmsSplitter.split(text, SmsEncoding.UCS2, REF8);
      assertEquals(2, segments.size());
      assertEquals(132, segments.get(0).payload().length);
      assertEquals("d83dde00", Hex.string(segments.get(1).payload()).substring(0, 8));
      assertEquals(text, decodeAll(segments, SmsEncoding.UCS2));
   }

   @Test
   void anEmojiCountsTwoUcs2CharactersForTheSinglePartLimit() {
      assertEquals(1, SmsSplitter.split("a".repeat(68) + EMOJI, SmsEncoding.UCS2, REF8).size());
      assertEquals(2, SmsSplitter.split("a".repeat(69) + EMOJI, SmsEncoding.UCS2, REF8).size());
   }

   @Test
   void neverSplitsAGbkCharacter() {
      String text = "a".repeat(133) + "\u4f60".repeat(10);
      List<Segment> segments = SmsSplitter.split(text, SmsEncoding.GBK, REF8);
      assertEquals(2, segments.size());
      assertEquals(133, segments.get(0).payload().length);
      assertEquals("c4e3", Hex.string(segments.get(1).payload()).substring(0, 4));
      assertEquals(text, decodeAll(segments, SmsEncoding.GBK));
   }

   @Test
   void payloadsJoinToTheWholeEncodedText() {
      String text = ("Caf\u00e9 " + EMOJI + " \u4f60\u597d \ud83d ").repeat(30);
      for (SmsEncoding encoding : List.of(SmsEncoding.GSM7, SmsEncoding.UCS2, SmsEncoding.ASCII,
                                          SmsEncoding.LATIN1, SmsEncoding.GBK, SmsEncoding.BINARY)) {
         ByteArrayOutputStream joined = new ByteArrayOutputStream();
         for (Segment segment : SmsSplitter.split(text, encoding, REF8)) {
            joined.writeBytes(segment.payload());
         }
         assertArrayEquals(SmsText.encode(text, encoding), joined.toByteArray(), encoding.name());
      }
   }

   @Test
   void packedGsm7UsesAllOfTheUserDataWithFillBitsAfterTheHeader() {
      String text = "a".repeat(153) + "b".repeat(7);
      text += "c";
      List<Segment> segments = SmsSplitter.splitPackedGsm7(text, REF8);
      assertEquals(2, segments.size());
      Segment first = segments.get(0);
      assertEquals(140, first.length());
      assertEquals(134, first.payload().length);
      // One fill bit: 'a' (0x61) shifted left once leaves the low bit clear.
      assertEquals(0xC2, first.payload()[0] & 0xFF);
      assertEquals("a".repeat(153), Gsm7Packing.decode(first.payload(), 0, 134, 153, 1));
      Segment second = segments.get(1);
      assertEquals("bbbbbbbc", Gsm7Packing.decode(second.payload(), 0, second.payload().length, 8, 1));
   }

   @Test
   void packedGsm7WithSixteenBitReferenceNeedsNoFillBits() {
      List<Segment> segments = SmsSplitter.splitPackedGsm7("a".repeat(304), REF16);
      assertEquals(2, segments.size());
      assertEquals(140, segments.get(0).length());
      assertEquals("a".repeat(152), Gsm7Packing.decode(segments.get(0).payload(), 0, 133, 152, 0));
   }

   @Test
   void packedGsm7SinglePartFillsExactly140Octets() {
      List<Segment> segments = SmsSplitter.splitPackedGsm7("a".repeat(160), REF8);
      assertEquals(1, segments.size());
      assertEquals(140, segments.get(0).length());
      assertEquals("e8329bfd4697d9ec37",
                   Hex.string(SmsSplitter.splitPackedGsm7("hellohello", REF8).get(0).shortMessage()));
   }

   @Test
   void plainSegmentsForSarHaveNoHeaderButKeepTheirNumbers() {
      List<Segment> segments = SmsSplitter.splitPlain("a".repeat(161), SmsEncoding.GSM7);
      assertEquals(2, segments.size());
      assertFalse(segments.get(0).hasHeader());
      assertEquals(153, segments.get(0).length());
      assertEquals(8, segments.get(1).length());
      assertEquals(2, segments.get(1).number());
      assertEquals(2, segments.get(1).total());
   }

   /** SAR TLVs take no room in short_message: a SAR part holds what a UDH part (IE 0x00) holds, not one character less. */
   @ParameterizedTest
   @CsvSource({
      "GSM7, 306, 153 153",
      "GSM7, 307, 153 153 1",
      "UCS2, 134, 67 67",
      "UCS2, 71, 67 4",
      "LATIN1, 268, 134 134",
   })
   void plainSegmentsForSarAreAsLongAsUdhParts(SmsEncoding encoding, int characters, String sizes) {
      List<Segment> segments = SmsSplitter.splitPlain("a".repeat(characters), encoding);
      String[] expected = sizes.split(" ");
      assertEquals(expected.length, segments.size(), "parts, each billed");
      int unit = encoding == SmsEncoding.UCS2 ? 2 : 1;
      for (int i = 0; i < expected.length; i++) {
         assertEquals(Integer.parseInt(expected[i]) * unit, segments.get(i).length());
      }
   }

   @Test
   void splitsBinaryData() {
      assertEquals(1, SmsSplitter.split(new byte[140], REF8).size());
      List<Segment> segments = SmsSplitter.split(new byte[141], REF16);
      assertEquals(2, segments.size());
      assertEquals(133, segments.get(0).payload().length);
      assertEquals(8, segments.get(1).payload().length);
   }

   @Test
   void refusesMoreThan255Segments() {
      assertEquals(255, SmsSplitter.split("a".repeat(153 * 255), SmsEncoding.GSM7, REF8).size());
      String tooLong = "a".repeat(153 * 255 + 1);
      assertThrows(IllegalArgumentException.class, () -> SmsSplitter.split(tooLong, SmsEncoding.GSM7, REF8));
      assertEquals(256, SmsSplitter.countSegments(tooLong, SmsEncoding.GSM7, Width.EIGHT_BIT));
   }

   @Test
   void segmentArraysCannotBeChangedFromOutside() {
      Segment segment = SmsSplitter.split("Hello", SmsEncoding.GSM7, REF8).get(0);
      segment.shortMessage()[0] = 0;
      segment.payload()[0] = 0;
      assertEquals("48656c6c6f", Hex.string(segment.shortMessage()));
   }

   private static String decodeAll(List<Segment> segments, SmsEncoding encoding) {
      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      for (Segment segment : segments) {
         joined.writeBytes(segment.payload());
      }
      return SmsText.decode(joined.toByteArray(), encoding);
   }
}
