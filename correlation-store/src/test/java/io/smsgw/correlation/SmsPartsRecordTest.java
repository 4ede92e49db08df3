package io.smsgw.correlation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * A record of a long text a link sent whole as message_payload keeps how many SMS it is (format 4), so the report and
 * billing record made from it after a restart say so too; a format 3 record stored before the upgrade reads as one SMS.
 */
class SmsPartsRecordTest {

   /** Bytes from the value's end to the smsParts short: flags-side tail (4), two longs, segmentRef, total, number. */
   private static final int AFTER_SMS_PARTS = 4 + 8 + 8 + 2 + 1 + 1;

   private static CorrelationRecord withSmsParts(int smsParts) {
      return new CorrelationRecord("payload", "4711", "0123456789abcdef", "app1", null, "10086", "8613800138000", null, 0,
            null, null, null, 1_700_000_000_000L, 1_700_100_000_000L, 0, 0, 0, 1, SmsProtocol.APP, "", false,
            "order-42", false, 1, 1, CorrelationRecord.ABSENT, CorrelationRecord.ABSENT, smsParts);
   }

   @Test
   void theSmsCountSurvivesTheStoreAndTheWritersShortcutsStillFindTheirBytes() {
      for (int smsParts : new int[] {0, 3, 255, 256, 65535}) {
         CorrelationRecord record = withSmsParts(smsParts);
         byte[] value = RecordCodec.encodeValue(record);
         assertEquals(record, RecordCodec.decode(RecordCodec.encodeKey(record), value));
         assertEquals(1_700_100_000_000L, RecordCodec.expiresAt(value));
         byte[] recordKey = RecordCodec.encodeKey(record);
         assertArrayEquals(RecordCodec.acceptedKey(record, recordKey), RecordCodec.acceptedKey(recordKey, value));
      }
   }

   @Test
   void anSmsCountOutsideTwoBytesIsRefused() {
      assertThrows(IllegalArgumentException.class, () -> withSmsParts(-1));
      assertThrows(IllegalArgumentException.class, () -> withSmsParts(65536));
   }

   @Test
   void aVersionThreeRecordDecodesAsOneSms() {
      CorrelationRecord record = withSmsParts(0);
      byte[] v4 = RecordCodec.encodeValue(record);
      // format 3 is format 4 without the two smsParts bytes
      byte[] v3 = new byte[v4.length - 2];
      int cut = v4.length - AFTER_SMS_PARTS - 2;
      System.arraycopy(v4, 0, v3, 0, cut);
      System.arraycopy(v4, cut + 2, v3, cut, AFTER_SMS_PARTS);
      v3[0] = 3;
      CorrelationRecord decoded = RecordCodec.decode(RecordCodec.encodeKey(record), v3);
      assertEquals(record, decoded);
      assertEquals(0, decoded.smsParts());
      assertEquals(1_700_100_000_000L, RecordCodec.expiresAt(v3));
   }
}
