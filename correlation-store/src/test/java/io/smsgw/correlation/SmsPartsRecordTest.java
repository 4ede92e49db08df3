package io.smsgw.correlation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * A record of a long text a link sent whole as message_payload keeps how many SMS it is (format 5), so the report and
 * billing record made from it after a restart say so too; a record of one SMS is written as format 3, as before.
 */
class SmsPartsRecordTest {

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
   void aRecordOfOneSmsIsStillWrittenAsVersionThreeAndACountedOneAsVersionFive() {
      CorrelationRecord one = withSmsParts(0);
      byte[] v3 = RecordCodec.encodeValue(one);
      assertEquals(3, v3[0], "readable by a gateway from before the count");
      assertEquals(0, RecordCodec.decode(RecordCodec.encodeKey(one), v3).smsParts());
      assertEquals(5, RecordCodec.encodeValue(withSmsParts(3))[0]);
   }

   @Test
   void aCountedRecordOfALinkInASharedGroupKeepsBothItsLinkAndItsCount() {
      CorrelationRecord r = withSmsParts(3);
      CorrelationRecord grouped = new CorrelationRecord("cmcc2", r.smscMessageId(), r.smsId(), r.account(), r.originGateway(),
            r.source(), r.destination(), r.serviceId(), r.feeUserType(), r.feeType(), r.feeCode(), r.feeTerminal(),
            r.submitTimeMillis(), r.expiresAtMillis(), r.segmentRef(), r.segmentTotal(), r.segmentNumber(),
            r.registeredDelivery(), r.protocol(), r.protocolVersion(), r.gatewaySplit(), r.correlationId(), r.serviceType(),
            r.sourceTon(), r.sourceNpi(), r.destinationTon(), r.destinationNpi(), "cmcc1", 3);
      byte[] value = RecordCodec.encodeValue(grouped);
      CorrelationRecord decoded = RecordCodec.decode(RecordCodec.encodeKey(grouped), value);
      assertEquals(grouped, decoded);
      assertEquals("cmcc2", decoded.linkId());
      assertEquals("cmcc1", decoded.correlationGroup());
      assertEquals(3, decoded.smsParts());
      assertEquals(1_700_100_000_000L, RecordCodec.expiresAt(value));
   }
}
