package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smsgw.core.contract.SmsMessageBuilder;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.junit.jupiter.api.Test;

/**
 * The MT message's buffer is allocated for the whole encoded message, so encoding it for the journal does
 * not grow (reallocate and copy) it, and it is not much larger than needed (the broker counts its size
 * against the paging threshold): the factory's estimate plus the builder's routing room.
 */
class MtMessageSizingTest {

   private static final long NOW = 1_700_000_000_000L;
   private final MtMessageFactory factory = new MtMessageFactory("sms.mt", "smppclient1", true, SmsEncoding.GSM7);

   private static MtMessageFactory.Submission submission(int esmClass, int dataCoding, byte[] data, long validity, Tlvs tlvs) {
      return new MtMessageFactory.Submission("CMT", Address.of(1, 1, "8610086"), Address.of(1, 1, "8613800138000"),
         esmClass, 0, 0, 0, validity, 1, dataCoding, data, tlvs);
   }

   private void assertEncodedWithoutGrowing(MtMessageFactory.Submission s) throws Exception {
      CoreMessage m = factory.create(1L, "0123456789abcdef", s, NOW);
      int allocated = m.getBuffer().capacity();

      int encoded = m.getEncodeSize();

      assertEquals(allocated, m.getBuffer().capacity(), "the buffer grew while encoding " + encoded + " bytes");
      int estimated = allocated - SmsMessageBuilder.ROUTING_ROOM;
      assertTrue(estimated - encoded <= 240, "estimated " + estimated + " for " + encoded + " bytes");
   }

   @Test
   void fullGsmText() throws Exception {
      assertEncodedWithoutGrowing(submission(0, 0, "x".repeat(160).getBytes(), 0, Tlvs.EMPTY));
   }

   @Test
   void emptyTextWithValidity() throws Exception {
      assertEncodedWithoutGrowing(submission(0, 0, new byte[0], NOW + 60_000, Tlvs.EMPTY));
   }

   @Test
   void fullUcs2Text() throws Exception {
      assertEncodedWithoutGrowing(submission(0, 0x08, new byte[140], 0, Tlvs.EMPTY));
   }

   @Test
   void binaryPayload() throws Exception {
      assertEncodedWithoutGrowing(submission(0, 0x04, new byte[140], 0, Tlvs.EMPTY));
   }

   @Test
   void concatenatedSegmentWithUdh() throws Exception {
      byte[] segment = new byte[159];
      System.arraycopy(new byte[] {5, 0, 3, 42, 3, 1}, 0, segment, 0, 6);
      java.util.Arrays.fill(segment, 6, segment.length, (byte) 'a');
      assertEncodedWithoutGrowing(submission(0x40, 0, segment, 0, Tlvs.EMPTY));
   }

   @Test
   void segmentAnnouncedBySarTlvs() throws Exception {
      Tlvs sar = Tlvs.builder().addU16(TlvTag.SAR_MSG_REF_NUM, 7).addU8(TlvTag.SAR_TOTAL_SEGMENTS, 2)
         .addU8(TlvTag.SAR_SEGMENT_SEQNUM, 1).build();
      assertEncodedWithoutGrowing(submission(0, 0, "y".repeat(150).getBytes(), 0, sar));
   }
}
