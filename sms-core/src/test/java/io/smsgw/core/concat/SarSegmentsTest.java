package io.smsgw.core.concat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SarSegmentsTest {

   /**
    * The parts of one SAR message are converted one at a time; a handset joins them only if every part's header has the
    * same IE and reference, so a full part and a short one must agree.
    */
   @ParameterizedTest
   @CsvSource({
      // encoding, characters of the full part, characters of the last part, SAR reference
      "GSM7, 153, 40, 4660", // 0x1234: the 7-octet IE 0x08 would fit the short part only
      "UCS2, 67, 10, 4660",
      "BINARY, 134, 20, 65535",
      "GSM7, 153, 40, 7",
   })
   void everyPartOfAMessageGetsTheSameHeaderWhateverItsLength(SmsEncoding encoding, int full, int last, int reference) {
      byte[] first = SarSegments.withUdh(reference, 2, 1, SmsText.encode("x".repeat(full), encoding == SmsEncoding.BINARY
         ? SmsEncoding.ASCII : encoding), encoding);
      byte[] second = SarSegments.withUdh(reference, 2, 2, SmsText.encode("y".repeat(last), encoding == SmsEncoding.BINARY
         ? SmsEncoding.ASCII : encoding), encoding);
      assertNotNull(first, "a full part fits with its header");
      assertNotNull(second);
      byte[] expected = {0x05, 0x00, 0x03, (byte) reference, 0x02};
      assertArrayEquals(expected, Arrays.copyOf(first, 5), "part 1: IE 0x00, the reference's low 8 bits, 2 parts");
      assertArrayEquals(expected, Arrays.copyOf(second, 5), "part 2: the header part 1 has");
      assertEquals(1, first[5]);
      assertEquals(2, second[5]);
   }

   @ParameterizedTest
   @CsvSource({"GSM7, 154", "UCS2, 68"})
   void aPartTooLongForTheHeaderIsNotConverted(SmsEncoding encoding, int characters) {
      assertNull(SarSegments.withUdh(0x1234, 2, 1, SmsText.encode("x".repeat(characters), encoding), encoding));
   }
}
