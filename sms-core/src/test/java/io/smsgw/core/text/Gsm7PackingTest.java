package io.smsgw.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Gsm7PackingTest {

   @Test
   void packsHelloHello() {
      assertEquals("e8329bfd4697d9ec37", Hex.string(Gsm7Packing.encode("hellohello", 0)));
   }

   @Test
   void packsHello() {
      assertEquals("e8329bfd06", Hex.string(Gsm7Packing.encode("hello", 0)));
   }

   @Test
   void fillBitsShiftTheFirstSeptet() {
      // 'A' = 0x41 = 1000001b; after one fill bit: 10000010b = 0x82.
      assertEquals("82", Hex.string(Gsm7Packing.encode("A", 1)));
      // After six fill bits 0x41 spans two octets: low 2 bits in the top of octet 0, the rest in octet 1.
      assertEquals("4010", Hex.string(Gsm7Packing.encode("A", 6)));
   }

   @Test
   void decodesHelloHelloBack() {
      byte[] packed = Hex.bytes("e8329bfd4697d9ec37");
      assertEquals("hellohello", Gsm7Packing.decode(packed, 0, packed.length, 10, 0));
   }

   @Test
   void matchesABitByBitReferenceForEveryFillAndLength() {
      Random random = new Random(7);
      for (int fill = 0; fill <= 6; fill++) {
         for (int length = 0; length <= 24; length++) {
            byte[] septets = new byte[length];
            for (int i = 0; i < length; i++) {
               septets[i] = (byte) random.nextInt(128);
            }
            byte[] packed = Gsm7Packing.pack(septets, 0, length, fill);
            assertArrayEquals(referencePack(septets, fill), packed, "fill " + fill + " length " + length);
            assertArrayEquals(septets, Gsm7Packing.unpack(packed, 0, packed.length, length, fill));
         }
      }
   }

   /**
    * Places septet bits one at a time: bit k of the stream is bit (k % 8) of octet k / 8. Seven spare bits at the end
    * take one more septet, a CR (GSM 03.38 6.1.2.3.1).
    */
   private static byte[] referencePack(byte[] septets, int fill) {
      int bits = fill + 7 * septets.length;
      byte[] out = new byte[(bits + 7) / 8];
      if (bits % 8 == 0 && septets.length > 0 && septets[septets.length - 1] == 0x0D) {
         // a CR of the text's own that ends on an octet boundary gets a second one
         septets = java.util.Arrays.copyOf(septets, septets.length + 1);
         septets[septets.length - 1] = 0x0D;
         bits += 7;
         out = new byte[(bits + 7) / 8];
      }
      if (out.length * 8 - bits == 7) {
         septets = java.util.Arrays.copyOf(septets, septets.length + 1);
         septets[septets.length - 1] = 0x0D;
      }
      for (int i = 0; i < septets.length; i++) {
         for (int b = 0; b < 7; b++) {
            if ((septets[i] >> b & 1) != 0) {
               int k = fill + 7 * i + b;
               out[k / 8] |= (byte) (1 << (k % 8));
            }
         }
      }
      return out;
   }

   @Test
   void extensionCharactersSurvivePacking() {
      String text = "\u20ac10 [x] {y} ~\\|^";
      byte[] packed = Gsm7Packing.encode(text, 1);
      assertEquals(text, Gsm7Packing.decode(packed, 0, packed.length, Gsm7Alphabet.septetCount(text), 1));
   }

   @Test
   void sevenSeptetsFillSevenOctetsAndTheSpareBitsAreNotReadAsAt() {
      byte[] packed = Gsm7Packing.encode("1234567", 0);
      assertEquals(7, packed.length);
      assertEquals("1234567", Gsm7Packing.decode(packed, 0, packed.length, 7, 0));
   }

   @Test
   void askingForMoreSeptetsThanTheOctetsHoldReturnsOnlyThoseThatFit() {
      byte[] packed = Hex.bytes("e8329bfd06");
      assertEquals(5, Gsm7Packing.unpack(packed, 0, packed.length, 100, 0).length);
      assertEquals("hello", Gsm7Packing.decode(packed, 0, packed.length, 100, 0).substring(0, 5));
      assertEquals(0, Gsm7Packing.unpack(packed, 0, 0, 3, 0).length);
   }

   @Test
   void headerArithmeticMatchesTheConcatenationHeaders() {
      assertEquals(1, Gsm7Packing.fillBitsAfterHeader(6));
      assertEquals(0, Gsm7Packing.fillBitsAfterHeader(7));
      assertEquals(0, Gsm7Packing.fillBitsAfterHeader(0));
      assertEquals(7, Gsm7Packing.headerSeptets(6));
      assertEquals(8, Gsm7Packing.headerSeptets(7));
      assertEquals(160, Gsm7Packing.maxSeptets(140, 0));
      assertEquals(153, Gsm7Packing.maxSeptets(134, 1));
      assertEquals(152, Gsm7Packing.maxSeptets(133, 0));
      assertEquals(140, Gsm7Packing.packedLength(160, 0));
   }

   @Test
   void rejectsFillBitsOutsideZeroToSix() {
      assertThrows(IllegalArgumentException.class, () -> Gsm7Packing.encode("a", 7));
      assertThrows(IllegalArgumentException.class, () -> Gsm7Packing.encode("a", -1));
   }

   @Test
   void sevenSpareBitsHoldACarriageReturnThatAReaderWithoutTheCountDrops() {
      byte[] packed = Gsm7Packing.encode("1234567", 0);
      assertEquals(0x0D, (packed[6] & 0xFF) >>> 1, "CR in the spare bits (GSM 03.38 6.1.2.3.1), not zeros read as '@'");
      assertEquals("1234567", Gsm7Packing.decode(packed, 0, packed.length, 0));
      // behind a 6-octet UDH (one fill bit), 8 septets leave 7 spare bits too
      byte[] afterHeader = Gsm7Packing.encode("bbbbbbbc", 1);
      assertEquals(8, afterHeader.length);
      assertEquals("bbbbbbbc", Gsm7Packing.decode(afterHeader, 0, afterHeader.length, 1));
   }

   @Test
   void aReaderWithoutTheCountTakesEverySeptetTheOctetsHold() {
      assertEquals("hellohello", Gsm7Packing.decode(Hex.bytes("e8329bfd4697d9ec37"), 0, 9, 0));
      byte[] eight = Gsm7Packing.encode("12345678", 0); // 7 octets exactly, no padding
      assertEquals("12345678", Gsm7Packing.decode(eight, 0, eight.length, 0));
      byte[] endsInAt = Gsm7Packing.encode("123456@", 0); // an '@' that is text, before the CR padding
      assertEquals("123456@", Gsm7Packing.decode(endsInAt, 0, endsInAt.length, 0));
   }

   // GSM 03.38 6.1.2.3.1: "ABCDEFG" padded with a CR and "ABCDEFG<CR>" filling 7 octets are the same octets,
   // 41e19058341e1b, which a reader without the count takes for the former.

   @Test
   void aTextEndingInCrOnAnOctetBoundaryGetsASecondCrThatTheReaderKeeps() {
      byte[] packed = Gsm7Packing.encode("ABCDEFG\r", 0);
      assertEquals("41e19058341e1b0d", Hex.string(packed), "9 septets: the text's CR, then a second one and 1 spare bit");
      assertEquals("ABCDEFG\r\r", Gsm7Packing.decode(packed, 0, packed.length, 0), "the line break is not lost");
      assertEquals("ABCDEFG", Gsm7Packing.decode(Hex.bytes("41e19058341e1b"), 0, 7, 0), "7 octets: a CR there is padding");
      // behind a 6-octet UDH (one fill bit) 17 septets end on an octet boundary
      byte[] part = Gsm7Packing.pack(Gsm7Alphabet.encode("a".repeat(16) + "\r"), 0, 17, 1, 134);
      assertEquals("c2e170381c0e87c3e170381c0e871b0d", Hex.string(part));
   }

   @Test
   void withoutRoomForTheSecondCrA160SeptetTextGoesIn140Octets() {
      byte[] septets = Gsm7Alphabet.encode("A".repeat(159) + "\r");
      byte[] packed = Gsm7Packing.pack(septets, 0, 160, 0, 140);
      assertEquals(140, packed.length, "still one SMS");
      assertEquals("180c061b", Hex.string(java.util.Arrays.copyOfRange(packed, 136, 140)));
      assertEquals(141, Gsm7Packing.pack(septets, 0, 160, 0).length, "without a limit (message_payload) the CR is doubled");
   }

   @Test
   void aFull153SeptetPartBeforeTheLastKeepsItsFinalCr() {
      byte[] septets = Gsm7Alphabet.encode("a".repeat(152) + "\r");
      byte[] packed = Gsm7Packing.pack(septets, 0, 153, 1, 134); // 1 fill bit + 1071 bits: 134 octets to the last bit
      assertEquals(134, packed.length);
      assertEquals("1c0e871b", Hex.string(java.util.Arrays.copyOfRange(packed, 130, 134)));
      assertEquals("a".repeat(152) + "\r", Gsm7Packing.decode(packed, 0, 134, 1, false), "a line break on the part boundary");
      assertEquals("a".repeat(152), Gsm7Packing.decode(packed, 0, 134, 1, true), "in the last part the CR reads as padding");
   }

   @Test
   void theSplitterKeepsEachPackedPartWithinOneSms() {
      String text = "a".repeat(152) + "\r" + "b".repeat(144) + "\r"; // part 1: 153 septets ending in CR; part 2: 145
      java.util.List<io.smsgw.core.concat.Segment> parts = io.smsgw.core.concat.SmsSplitter.splitPackedGsm7(text,
         io.smsgw.core.concat.ConcatReference.eightBit(7));
      assertEquals(2, parts.size());
      assertEquals(140, parts.get(0).shortMessage().length, "no room for a second CR in a full part");
      byte[] last = parts.get(1).shortMessage();
      assertEquals(6 + 128, last.length, "145 septets end on an octet boundary (1 + 1015 bits): the second CR fits");
      assertEquals("b".repeat(144) + "\r\r", Gsm7Packing.decode(last, 6, last.length - 6, 1));
   }
}
