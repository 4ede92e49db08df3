package io.smsgw.correlation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * A record says whether its part is one of several the gateway cut its MT into (its receipt's DR then says so, and
 * routing gives the submitter one report for the whole message); records stored before that flag existed (format
 * version 1) are still read, as parts of no split of the gateway's.
 */
class GatewaySplitRecordTest {

   private static CorrelationRecord part(boolean gatewaySplit) {
      return new CorrelationRecord("sim", "4711", "0123456789abcdef", "esme1", null, "10086", "8613800138000", null, 0,
            null, null, null, 1_700_000_000_000L, 1_700_100_000_000L, 0x2A, 3, 2, 1, SmsProtocol.SMPP, "3.4", gatewaySplit);
   }

   @Test
   void theFlagSurvivesTheStore() {
      for (boolean split : new boolean[] {true, false}) {
         CorrelationRecord record = part(split);
         CorrelationRecord decoded = RecordCodec.decode(RecordCodec.encodeKey(record), RecordCodec.encodeValue(record));
         assertEquals(record, decoded);
         assertEquals(split, decoded.gatewaySplit());
      }
   }

   /** The same record as the version before the flags byte wrote it. */
   private static byte[] versionOneValue(CorrelationRecord record) {
      byte[] v4 = RecordCodec.encodeValue(record);
      // version 4 = version 1 plus, for a record without them, a null correlationId (1 byte), four TON/NPI bytes and
      // the two smsParts bytes before feeUserType, registeredDelivery and protocol, and a flags byte after them (21
      // bytes before the end)
      int tail = 8 + 8 + 2 + 1 + 1;
      int newFieldsAt = v4.length - tail - 4 - 2 - 4 - 1;
      byte[] v1 = new byte[v4.length - 8];
      System.arraycopy(v4, 0, v1, 0, newFieldsAt);
      System.arraycopy(v4, newFieldsAt + 7, v1, newFieldsAt, 3);
      System.arraycopy(v4, v4.length - tail, v1, newFieldsAt + 3, tail);
      v1[0] = 1;
      return v1;
   }

   @Test
   void aRecordStoredBeforeTheFlagIsReadAsNoSplitOfTheGateways() {
      CorrelationRecord record = part(true);
      byte[] key = RecordCodec.encodeKey(record);
      byte[] v1 = versionOneValue(record);
      CorrelationRecord decoded = RecordCodec.decode(key, v1);
      assertFalse(decoded.gatewaySplit());
      assertEquals(part(false), decoded);
      // its deadline and accepted-parts key are read from the old layout too
      assertEquals(record.expiresAtMillis(), RecordCodec.expiresAt(v1));
      assertArrayEquals(RecordCodec.acceptedKey(record, key), RecordCodec.acceptedKey(key, v1));
      assertTrue(Arrays.equals(RecordCodec.acceptedKey(key, RecordCodec.encodeValue(record)), RecordCodec.acceptedKey(key, v1)));
   }
}
