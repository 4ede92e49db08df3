package io.smsgw.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmsEncodingTest {

   @ParameterizedTest
   @CsvSource({
      "0x00, GSM7", "0x01, ASCII", "0x02, BINARY", "0x03, LATIN1", "0x04, BINARY", "0x08, UCS2",
      // JIS, Cyrillic, Hebrew, pictogram, reserved: not decodable as text here, octets kept.
      "0x05, BINARY", "0x06, BINARY", "0x07, BINARY", "0x09, BINARY", "0x0F, BINARY", "0xBF, BINARY",
      // GSM 03.38 message waiting groups.
      "0xC0, GSM7", "0xDF, GSM7", "0xE0, UCS2", "0xEF, UCS2",
      // Message class group: bit 2 set = 8-bit data, clear = default alphabet.
      "0xF0, GSM7", "0xF1, GSM7", "0xF3, GSM7", "0xF4, BINARY", "0xF5, BINARY", "0xF7, BINARY",
      "0xF8, GSM7", "0xFC, BINARY", "0xFF, BINARY",
      // General group with a message class: bits 3-2 are the alphabet (a flash text is still text).
      "0x10, GSM7", "0x11, GSM7", "0x13, GSM7", "0x14, BINARY", "0x16, BINARY", "0x18, UCS2", "0x1A, UCS2",
      "0x1C, BINARY",
      // Compressed (bit 5): octets kept. Automatic-deletion group: as the general group.
      "0x20, BINARY", "0x30, BINARY", "0x3A, BINARY", "0x40, GSM7", "0x48, UCS2", "0x52, GSM7", "0x5A, UCS2",
      "0x64, BINARY", "0x80, BINARY"
   })
   void mapsSmppDataCoding(String dataCoding, SmsEncoding expected) {
      assertEquals(expected, SmsEncoding.fromSmppDataCoding(Integer.decode(dataCoding)));
   }

   @Test
   void dataCodingReadAsASignedByteMapsLikeItsUnsignedValue() {
      assertEquals(SmsEncoding.BINARY, SmsEncoding.fromSmppDataCoding((byte) 0xF4));
      assertEquals(SmsEncoding.GSM7, SmsEncoding.fromSmppDataCoding((byte) 0xF0));
   }

   @ParameterizedTest
   @CsvSource({"0, ASCII", "3, BINARY", "4, BINARY", "8, UCS2", "15, GBK", "-1, BINARY", "1, BINARY", "0x1C, BINARY",
      // A GSM data coding with a message class, as flash SMS come from SMSGate: its alphabet, the default one as ASCII.
      "0x10, ASCII", "0x13, ASCII", "0x14, BINARY", "0x18, UCS2", "0x19, UCS2", "0xF0, ASCII", "0xF3, ASCII", "0xF4, BINARY",
      "0xF6, BINARY"})
   void mapsCmppMsgFmt(String msgFmt, SmsEncoding expected) {
      assertEquals(expected, SmsEncoding.fromCmppMsgFmt(Integer.decode(msgFmt)));
   }

   @Test
   void eachEncodingSaysWhichCodeToSendItWith() {
      assertEquals(0x00, SmsEncoding.GSM7.smppDataCoding());
      assertEquals(0x01, SmsEncoding.ASCII.smppDataCoding());
      assertEquals(0x03, SmsEncoding.LATIN1.smppDataCoding());
      assertEquals(0x08, SmsEncoding.UCS2.smppDataCoding());
      assertEquals(0x04, SmsEncoding.BINARY.smppDataCoding());
      assertEquals(SmsEncoding.NO_CODE, SmsEncoding.GBK.smppDataCoding());
      assertEquals(0, SmsEncoding.ASCII.cmppMsgFmt());
      assertEquals(8, SmsEncoding.UCS2.cmppMsgFmt());
      assertEquals(15, SmsEncoding.GBK.cmppMsgFmt());
      assertEquals(4, SmsEncoding.BINARY.cmppMsgFmt());
      assertEquals(SmsEncoding.NO_CODE, SmsEncoding.GSM7.cmppMsgFmt());
   }

   @Test
   void everyEncodingWithACodeMapsBackToItself() {
      for (SmsEncoding encoding : SmsEncoding.values()) {
         if (encoding.smppDataCoding() != SmsEncoding.NO_CODE) {
            assertEquals(encoding, SmsEncoding.fromSmppDataCoding(encoding.smppDataCoding()));
         }
         if (encoding.cmppMsgFmt() != SmsEncoding.NO_CODE) {
            assertEquals(encoding, SmsEncoding.fromCmppMsgFmt(encoding.cmppMsgFmt()));
         }
      }
   }
}
