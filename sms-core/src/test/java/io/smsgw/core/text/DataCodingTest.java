package io.smsgw.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DataCodingTest {

   @ParameterizedTest
   @CsvSource({
      "0x00, -1", "0x03, -1", "0x08, -1", "0x04, -1",
      "0x10, 0", "0x11, 1", "0x16, 2", "0x1B, 3", "0x0B, -1", "0x2A, -1", "0x31, 1", "0x53, 3", "0x43, -1",
      "0xC0, -1", "0xD1, -1", "0xE8, -1",
      "0xF0, 0", "0xF1, 1", "0xF5, 1", "0xF6, 2", "0xF7, 3"
   })
   void readsTheMessageClass(String dataCoding, int expected) {
      assertEquals(expected, DataCoding.messageClass(Integer.decode(dataCoding)));
   }

   @ParameterizedTest
   @CsvSource({
      // Its own alphabet: sent as it came, whatever the group.
      "0xF0, GSM7, 0xF0", "0x10, GSM7, 0x10", "0x18, UCS2, 0x18", "0x03, LATIN1, 0x03", "0x02, BINARY, 0x02",
      "0xF5, BINARY, 0xF5", "0xD3, GSM7, 0xD3", "0x00, GSM7, 0x00", "0x30, BINARY, 0x30",
      // Class kept, alphabet changed: the 0xF0 group has no UCS2, so UCS2 with a class goes in the general group.
      "0xF0, UCS2, 0x18", "0xF3, UCS2, 0x1B", "0xF1, BINARY, 0xF5", "0xF6, GSM7, 0xF2",
      "0x10, UCS2, 0x18", "0x1A, GSM7, 0x12", "0x11, BINARY, 0x15", "0x52, UCS2, 0x5A",
      // A compressed text re-encoded is no longer compressed.
      "0x38, GSM7, 0x10",
      // Message waiting: store in GSM7 <-> store in UCS2; discard has no UCS2 code.
      "0xD2, UCS2, 0xE2", "0xE9, GSM7, 0xD9", "0xC1, UCS2, 0x08",
      // Nothing to keep: the plain SMPP code.
      "0x00, UCS2, 0x08", "0x01, GSM7, 0x00", "0x08, GSM7, 0x00", "0x03, UCS2, 0x08", "0xF0, LATIN1, 0x03"
   })
   void changesOnlyTheAlphabet(String dataCoding, SmsEncoding encoding, String expected) {
      assertEquals(Integer.decode(expected), DataCoding.withAlphabet(Integer.decode(dataCoding), encoding));
   }

   @ParameterizedTest
   @CsvSource({"0, 0x01", "8, 0x08", "15, 0x08", "4, 0x04", "3, 0xF6", "1, 0x04", "28, 0x04", "24, 0x18", "16, 0x10", "240, 0xF0", "246, 0xF6"})
   void mapsMsgFmtToTheContractsDataCoding(int msgFmt, String expected) {
      assertEquals(Integer.decode(expected), DataCoding.fromCmppMsgFmt(msgFmt));
   }

   @Test
   void takesTheMsgFmtValuesCmppDefinesAndDataCodingsWithAClass() {
      for (int msgFmt : new int[] {0, 3, 4, 8, 15, 0x10, 0x14, 0x18, 0x1B, 0xF0, 0xF7}) {
         assertTrue(DataCoding.isCmppMsgFmt(msgFmt), "Msg_Fmt " + msgFmt);
      }
      for (int msgFmt : new int[] {1, 2, 5, 9, 0x1C, 0x1F, 0x20, 0x30, 0xC0, 0xE0, 0xF8, 0xFF}) {
         assertFalse(DataCoding.isCmppMsgFmt(msgFmt), "Msg_Fmt " + msgFmt);
      }
   }

   @ParameterizedTest
   @CsvSource({"0xF6, 3", "0x16, 3", "0xF5, 4", "0x04, 4", "0x02, 4", "0xF2, 4"})
   void binaryForTheSimGoesAsSimCardWrite(String dataCoding, int expected) {
      assertEquals(expected, DataCoding.cmppBinaryMsgFmt(Integer.decode(dataCoding)));
   }

   @ParameterizedTest
   @CsvSource({"0xF0", "0x00"})
   void gbkHasNoSmppDataCoding(String dataCoding) {
      assertThrows(IllegalArgumentException.class, () -> DataCoding.withAlphabet(Integer.decode(dataCoding), SmsEncoding.GBK));
   }
}
