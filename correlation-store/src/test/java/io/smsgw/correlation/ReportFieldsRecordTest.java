package io.smsgw.correlation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * A record keeps what the MT's reports need to give back to its submitter: the MT's JMS correlation id, whether its
 * service came as smsServiceType or smsServiceId, and the TON/NPI of both addresses (each possibly absent). Records an
 * earlier version stored (formats 1 and 2, written here byte by byte as that version did) still decode after an
 * upgrade, without any of those.
 */
class ReportFieldsRecordTest {

   private static CorrelationRecord withReportFields(String correlationId, boolean serviceType, int sourceTon, int sourceNpi,
                                                     int destinationTon, int destinationNpi) {
      return new CorrelationRecord("sim", "4711", "0123456789abcdef", "app1", null, "ALERTS", "447700900123", "WAP", 0,
            null, null, null, 1_700_000_000_000L, 1_700_100_000_000L, 0x2A, 3, 2, 1, SmsProtocol.APP, "", true,
            correlationId, serviceType, sourceTon, sourceNpi, destinationTon, destinationNpi);
   }

   private static CorrelationRecord roundTrip(CorrelationRecord record) {
      return RecordCodec.decode(RecordCodec.encodeKey(record), RecordCodec.encodeValue(record));
   }

   @Test
   void theReportFieldsSurviveTheStore() {
      CorrelationRecord record = withReportFields("order-42/é", true, 5, 0, 1, 1);
      CorrelationRecord decoded = roundTrip(record);
      assertEquals(record, decoded);
      assertEquals("order-42/é", decoded.correlationId());
      assertTrue(decoded.serviceType());
      assertEquals(5, decoded.sourceTon());
      assertEquals(0, decoded.sourceNpi());
      assertEquals(1, decoded.destinationTon());
      assertEquals(1, decoded.destinationNpi());
   }

   @Test
   void anAbsentTonOrNpiStaysAbsentAndTheExtremesSurvive() {
      int absent = CorrelationRecord.ABSENT;
      for (CorrelationRecord record : new CorrelationRecord[] {
            withReportFields(null, false, absent, absent, absent, absent),
            withReportFields("", false, 255, absent, 0, absent),
            withReportFields("x", true, absent, 255, absent, 0)}) {
         assertEquals(record, roundTrip(record));
      }
      CorrelationRecord none = roundTrip(withReportFields(null, false, absent, absent, absent, absent));
      assertNull(none.correlationId());
      assertFalse(none.serviceType());
      assertEquals(absent, none.sourceTon());
      assertEquals(absent, none.destinationNpi());
   }

   @Test
   void aTonOrNpiOutsideAByteIsRefused() {
      assertThrows(IllegalArgumentException.class, () -> withReportFields(null, false, 256, 0, 0, 0));
      assertThrows(IllegalArgumentException.class, () -> withReportFields(null, false, 0, -2, 0, 0));
      assertThrows(IllegalArgumentException.class,
            () -> withReportFields("c".repeat(CorrelationRecord.MAX_FIELD_LENGTH + 1), false, 0, 0, 0, 0));
   }

   @Test
   void aVersionTwoRecordDecodesAfterTheUpgrade() {
      CorrelationRecord record = withReportFields("ignored", true, 5, 0, 1, 1);
      byte[] key = RecordCodec.encodeKey(record);
      byte[] v2 = oldValue(2, record);
      CorrelationRecord decoded = RecordCodec.decode(key, v2);
      // what format 2 kept, and none of what it did not
      assertEquals(new CorrelationRecord("sim", "4711", "0123456789abcdef", "app1", null, "ALERTS", "447700900123", "WAP",
            0, null, null, null, 1_700_000_000_000L, 1_700_100_000_000L, 0x2A, 3, 2, 1, SmsProtocol.APP, "", true), decoded);
      assertNull(decoded.correlationId());
      assertFalse(decoded.serviceType());
      assertEquals(CorrelationRecord.ABSENT, decoded.sourceTon());
      assertEquals(CorrelationRecord.ABSENT, decoded.destinationTon());
      // the writer's reads of the deadline and the accepted-parts key work on the old layout too
      assertEquals(record.expiresAtMillis(), RecordCodec.expiresAt(v2));
      assertArrayEquals(RecordCodec.acceptedKey(record, key), RecordCodec.acceptedKey(key, v2));
   }

   @Test
   void aVersionOneRecordDecodesAfterTheUpgrade() {
      CorrelationRecord record = withReportFields("ignored", true, 5, 0, 1, 1);
      byte[] key = RecordCodec.encodeKey(record);
      byte[] v1 = oldValue(1, record);
      CorrelationRecord decoded = RecordCodec.decode(key, v1);
      assertEquals(new CorrelationRecord("sim", "4711", "0123456789abcdef", "app1", null, "ALERTS", "447700900123", "WAP",
            0, null, null, null, 1_700_000_000_000L, 1_700_100_000_000L, 0x2A, 3, 2, 1, SmsProtocol.APP, ""), decoded);
      assertEquals(record.expiresAtMillis(), RecordCodec.expiresAt(v1));
      assertArrayEquals(RecordCodec.acceptedKey(record, key), RecordCodec.acceptedKey(key, v1));
   }

   @Test
   void aTruncatedNewRecordIsReportedAsCorrupt() {
      CorrelationRecord record = withReportFields("order-42", true, 5, 0, 1, 1);
      byte[] key = RecordCodec.encodeKey(record);
      byte[] value = RecordCodec.encodeValue(record);
      for (int length = 0; length < value.length; length++) {
         byte[] truncated = Arrays.copyOf(value, length);
         assertThrows(CorrelationStoreException.class, () -> RecordCodec.decode(key, truncated), "length " + length);
      }
   }

   /**
    * The value as formats 1 and 2 wrote it, byte by byte: version, ten strings, feeUserType, registeredDelivery,
    * protocol, (format 2) flags with bit 0 the gateway split, submit time, deadline, segment reference, total, number.
    */
   private static byte[] oldValue(int version, CorrelationRecord r) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(version);
      for (String s : new String[] {r.smsId(), r.account(), r.originGateway(), r.source(), r.destination(), r.serviceId(),
            r.feeType(), r.feeCode(), r.feeTerminal(), r.protocolVersion()}) {
         if (s == null) {
            out.write(0);
         } else {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            assertTrue(utf8.length + 1 < 0x80, "a one-byte length");
            out.write(utf8.length + 1);
            out.writeBytes(utf8);
         }
      }
      out.write(r.feeUserType());
      out.write(r.registeredDelivery());
      out.write(r.protocol().code());
      if (version >= 2) {
         out.write(r.gatewaySplit() ? 1 : 0);
      }
      for (long l : new long[] {r.submitTimeMillis(), r.expiresAtMillis()}) {
         for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (l >>> shift));
         }
      }
      out.write(r.segmentRef() >>> 8);
      out.write(r.segmentRef());
      out.write(r.segmentTotal());
      out.write(r.segmentNumber());
      return out.toByteArray();
   }
}
