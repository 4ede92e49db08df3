package io.smsgw.core.concat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smsgw.core.text.Hex;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UserDataHeaderTest {

   @Test
   void parsesAnEightBitConcatenationHeader() throws Exception {
      byte[] shortMessage = Hex.bytes("050003a70201 4f60597d");
      UserDataHeader header = UserDataHeader.parse(shortMessage);
      assertEquals(6, header.length());
      assertEquals(List.of(new InformationElement(0x00, Hex.bytes("a70201"))), header.elements());
      assertEquals(Optional.of(new ConcatPart(ConcatReference.eightBit(0xA7), 2, 1)), header.concatPart());
   }

   /** Only a header that says "1 part" and nothing else leaves the message whole, free to be cut anew. */
   @ParameterizedTest
   @CsvSource({
      "050003a70101, true",          // 8-bit reference, 1 part
      "0608041234 0101, true",       // 16-bit reference, 1 part
      "050003a70201, false",         // part 1 of 2
      "0b050400000000 0003a70101, false", // a port element too
      "050003a70100, false",         // part 0: no valid concatenation
      "0500, false",                 // malformed
   })
   void onePartConcatenationIsOnlyAHeaderOfOneConcatenationElementForOnePart(String header, boolean onePart) {
      assertEquals(onePart, UserDataHeader.isOnePartConcatenation(Hex.bytes(header)));
   }

   @Test
   void parsesASixteenBitConcatenationHeader() throws Exception {
      UserDataHeader header = UserDataHeader.parse(Hex.bytes("06080412340201 41"));
      assertEquals(7, header.length());
      assertEquals(Optional.of(new ConcatPart(ConcatReference.sixteenBit(0x1234), 2, 1)), header.concatPart());
   }

   @Test
   void keepsUnknownElementsInOrderAlongsideTheConcatenationElement() throws Exception {
      // Application port addressing (IEI 0x05, WAP push ports) followed by an 8-bit concatenation IE.
      byte[] data = Hex.bytes("0b 05040b8423f0 0003070302 ff");
      UserDataHeader header = UserDataHeader.parse(data);
      assertEquals(12, header.length());
      assertEquals(2, header.elements().size());
      assertEquals(new InformationElement(0x05, Hex.bytes("0b8423f0")), header.elements().get(0));
      assertEquals(Optional.of(new ConcatPart(ConcatReference.eightBit(7), 3, 2)), header.concatPart());
      assertEquals(Optional.of(header.elements().get(0)), header.find(0x05));
      assertArrayEquals(Hex.bytes("0b 05040b8423f0 0003070302"), header.toBytes());
   }

   @Test
   void aHeaderWithoutConcatenationElementHasNoConcatPart() throws Exception {
      // The national language single shift header from node-smpp's test vector.
      UserDataHeader header = UserDataHeader.parse(Hex.bytes("03240103 74e3"));
      assertEquals(4, header.length());
      assertEquals(List.of(new InformationElement(0x24, Hex.bytes("03"))), header.elements());
      assertEquals(Optional.empty(), header.concatPart());
   }

   @Test
   void anEmptyHeaderIsOneOctet() throws Exception {
      UserDataHeader header = UserDataHeader.parse(Hex.bytes("00 41"));
      assertEquals(1, header.length());
      assertTrue(header.elements().isEmpty());
   }

   @Test
   void parsesAtAnOffsetWithinALargerBuffer() throws Exception {
      byte[] pdu = Hex.bytes("aabbcc 050003a70202 4142");
      UserDataHeader header = UserDataHeader.parse(pdu, 3, 8);
      assertEquals(Optional.of(new ConcatPart(ConcatReference.eightBit(0xA7), 2, 2)), header.concatPart());
   }

   @ParameterizedTest
   @CsvSource({
      "'', MISSING_HEADER_LENGTH",
      "050003a702, HEADER_BEYOND_DATA",
      "ff, HEADER_BEYOND_DATA",
      "0500, HEADER_BEYOND_DATA",
      "03000341 4242, ELEMENT_BEYOND_HEADER",
      "0100 4141, ELEMENT_BEYOND_HEADER",
      "0400050102 ffffff, ELEMENT_BEYOND_HEADER",
      "06000301020105 41, ELEMENT_BEYOND_HEADER"
   })
   void rejectsMalformedHeadersWithAReason(String hex, MalformedUdhException.Reason reason) {
      MalformedUdhException failure = assertThrows(MalformedUdhException.class,
                                                   () -> UserDataHeader.parse(Hex.bytes(hex)));
      assertEquals(reason, failure.reason());
   }

   @Test
   void headerLengthIsCheckedAgainstTheGivenRangeNotTheWholeArray() {
      byte[] pdu = Hex.bytes("050003a70201 ffff");
      assertThrows(MalformedUdhException.class, () -> UserDataHeader.parse(pdu, 0, 5));
   }

   @Test
   void randomInputEitherParsesOrIsReportedAsMalformed() {
      Random random = new Random(42);
      for (int round = 0; round < 20_000; round++) {
         byte[] data = new byte[random.nextInt(12)];
         random.nextBytes(data);
         if (data.length > 0 && random.nextBoolean()) {
            data[0] = (byte) random.nextInt(data.length);
         }
         try {
            UserDataHeader header = UserDataHeader.parse(data);
            assertTrue(header.length() <= data.length);
            assertArrayEquals(java.util.Arrays.copyOf(data, header.length()), header.toBytes());
         } catch (MalformedUdhException expected) {
            assertTrue(expected.getMessage() != null);
         }
      }
   }

   @ParameterizedTest
   @CsvSource({
      "050003a70203",   // number above total
      "050003a70200",   // number 0
      "050003a70001",   // total 0
      "0400020102",     // 8-bit element with the wrong length
      "0508030102 03"   // 16-bit element with the wrong length
   })
   void invalidConcatenationElementsAreKeptButIgnored(String hex) throws Exception {
      UserDataHeader header = UserDataHeader.parse(Hex.bytes(hex));
      assertEquals(1, header.elements().size());
      assertEquals(Optional.empty(), header.concatPart());
   }

   @Test
   void theLastValidConcatenationElementCounts() throws Exception {
      UserDataHeader header = UserDataHeader.parse(Hex.bytes("0a 0003010201 0003020302"));
      assertEquals(Optional.of(new ConcatPart(ConcatReference.eightBit(2), 3, 2)), header.concatPart());
   }

   @Test
   void concatPartsBuildTheStandardHeaders() {
      assertEquals("050003a70201", Hex.string(new ConcatPart(ConcatReference.eightBit(0xA7), 2, 1).toUserDataHeader()));
      assertEquals("06080412340201", Hex.string(new ConcatPart(ConcatReference.sixteenBit(0x1234), 2, 1).toUserDataHeader()));
   }

   @Test
   void builtHeadersParseBack() throws Exception {
      UserDataHeader built = UserDataHeader.of(List.of(new InformationElement(0x05, Hex.bytes("0b8423f0")),
                                                       new ConcatPart(ConcatReference.sixteenBit(513), 4, 4).toInformationElement()));
      assertEquals(built, UserDataHeader.parse(built.toBytes()));
      assertEquals(Optional.of(new ConcatPart(ConcatReference.sixteenBit(513), 4, 4)), built.concatPart());
   }

   @Test
   void rejectsOutOfRangeValuesWhenBuilding() {
      assertThrows(IllegalArgumentException.class, () -> ConcatReference.eightBit(256));
      assertThrows(IllegalArgumentException.class, () -> ConcatReference.sixteenBit(65536));
      assertThrows(IllegalArgumentException.class, () -> new ConcatPart(ConcatReference.eightBit(1), 2, 3));
      assertThrows(IllegalArgumentException.class, () -> new ConcatPart(ConcatReference.eightBit(1), 256, 1));
      assertThrows(IllegalArgumentException.class, () -> new InformationElement(256, new byte[0]));
   }

   @Test
   void informationElementDataCannotBeChangedFromOutside() {
      byte[] data = Hex.bytes("a70201");
      InformationElement element = new InformationElement(0, data);
      data[0] = 0;
      element.data()[1] = 0;
      assertArrayEquals(Hex.bytes("a70201"), element.data());
   }
}
