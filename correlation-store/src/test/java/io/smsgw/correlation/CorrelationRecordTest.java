package io.smsgw.correlation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CorrelationRecordTest {

   private static CorrelationRecord withIds(String linkId, String smscMessageId) {
      return new CorrelationRecord(linkId, smscMessageId, "s", "a", null, "src", "dst", null, 0, null, null, null,
            0, 0, 0, 1, 1, 1, SmsProtocol.SMPP, "3.4");
   }

   private static CorrelationRecord withSegments(int ref, int total, int number) {
      return new CorrelationRecord("l", "1", "s", "a", null, "src", "dst", null, 0, null, null, null,
            0, 0, ref, total, number, 1, SmsProtocol.SMPP, "3.4");
   }

   @Test
   void keyFieldsMustBePresentAndBounded() {
      assertThrows(NullPointerException.class, () -> withIds(null, "1"));
      assertThrows(NullPointerException.class, () -> withIds("l", null));
      assertThrows(IllegalArgumentException.class, () -> withIds("", "1"));
      assertThrows(IllegalArgumentException.class, () -> withIds("l", "x".repeat(CorrelationRecord.MAX_ID_LENGTH + 1)));
      assertDoesNotThrow(() -> withIds("l", "x".repeat(CorrelationRecord.MAX_ID_LENGTH)));
   }

   @Test
   void requiredFieldsMustBePresent() {
      assertThrows(NullPointerException.class, () -> new CorrelationRecord("l", "1", null, "a", null, "src", "dst",
            null, 0, null, null, null, 0, 0, 0, 1, 1, 1, SmsProtocol.SMPP, "3.4"));
      assertThrows(NullPointerException.class, () -> new CorrelationRecord("l", "1", "s", "a", null, "src", "dst",
            null, 0, null, null, null, 0, 0, 0, 1, 1, 1, null, "3.4"));
   }

   @Test
   void otherFieldsAreBounded() {
      String tooLong = "x".repeat(CorrelationRecord.MAX_FIELD_LENGTH + 1);
      assertThrows(IllegalArgumentException.class, () -> new CorrelationRecord("l", "1", "s", "a", null, "src",
            tooLong, null, 0, null, null, null, 0, 0, 0, 1, 1, 1, SmsProtocol.SMPP, "3.4"));
      assertThrows(IllegalArgumentException.class, () -> new CorrelationRecord("l", "1", "s", "a", null, "src",
            "dst", null, 256, null, null, null, 0, 0, 0, 1, 1, 1, SmsProtocol.SMPP, "3.4"));
   }

   @Test
   void segmentNumbersAreRangeChecked() {
      assertDoesNotThrow(() -> withSegments(65535, 255, 255));
      assertThrows(IllegalArgumentException.class, () -> withSegments(65536, 1, 1));
      assertThrows(IllegalArgumentException.class, () -> withSegments(0, 256, 1));
      assertThrows(IllegalArgumentException.class, () -> withSegments(0, 1, -1));
   }
}
