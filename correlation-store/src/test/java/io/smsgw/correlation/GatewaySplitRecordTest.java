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
      byte[] v2 = RecordCodec.encodeValue(record);
      // version 2 = version 1 plus one flags byte after feeUserType, registeredDelivery and protocol (22 bytes before the end)
      int flagsAt = v2.length - 1 - (8 + 8 + 2 + 1 + 1);
      byte[] v1 = new byte[v2.length - 1];
      System.arraycopy(v2, 0, v1, 0, flagsAt);
      System.arraycopy(v2, flagsAt + 1, v1, flagsAt, v2.length - flagsAt - 1);
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
