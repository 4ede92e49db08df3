package io.smsgw.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.junit.jupiter.api.Test;

/**
 * A message made by {@link SmsMessageBuilder#create} gets its buffer when the body is written, at exactly the
 * size it encodes to, plus {@link SmsMessageBuilder#ROUTING_ROOM} for an ingress address that routing will
 * rewrite: encoding it for the journal neither grows (reallocates and copies) the buffer nor leaves it larger
 * than that (the broker counts buffer size against the paging threshold).
 */
class SmsMessageSizingTest {

   private static final SimpleString MT = SimpleString.of(SmsAddresses.MT);

   private static SmsMessageBuilder mtProperties(SmsMessageBuilder b) {
      return b.id("bd36d78003e90001")
         .string(SmsProperties.ACCOUNT, "901234")
         .string(SmsProperties.PROTOCOL, "CMPP")
         .source("1065712345", (byte) 0, (byte) 0)
         .destination("13800138000", (byte) 0, (byte) 0)
         .string(SmsProperties.SERVICE_ID, "BENCH")
         .fee(1, "02", "000010", "")
         .submitTime(1_700_000_000_000L)
         .validityTime(4_000_000_000_000L);
   }

   private static void assertEncodedExactly(CoreMessage m) {
      int allocated = m.getBuffer().capacity();

      int encoded = m.getEncodeSize();

      assertEquals(allocated, m.getBuffer().capacity(), "the buffer grew while encoding " + encoded + " bytes");
      assertEquals(allocated, encoded + SmsMessageBuilder.ROUTING_ROOM, "allocated " + allocated + " for " + encoded + " bytes");
   }

   @Test
   void textBody() {
      assertEncodedExactly(mtProperties(SmsMessageBuilder.create(1, MT, SmsKind.MT)).text("x".repeat(159)).build());
   }

   @Test
   void chineseTextWithSegmentAndUdh() {
      CoreMessage m = mtProperties(SmsMessageBuilder.create(1, MT, SmsKind.MT))
         .segment(0xA7, 3, 2).udh(new byte[] {5, 0, 3, (byte) 0xA7, 3, 2}, 6).text("长短信基准测试".repeat(9)).build();
      assertEncodedExactly(m);
   }

   @Test
   void binaryBody() {
      assertEncodedExactly(mtProperties(SmsMessageBuilder.create(1, MT, SmsKind.MT)).bytes(new byte[140], 0, 140).build());
   }

   @Test
   void reportWithEmptyText() {
      CoreMessage dr = SmsMessageBuilder.create(2, SimpleString.of(SmsAddresses.DR), SmsKind.DR).id("bd36d78003e90001")
         .string(SmsProperties.STATUS, "DELIVRD").string(SmsProperties.ERROR_CODE, "000").doneTime(1_700_000_000_000L)
         .text("").build();
      assertEncodedExactly(dr);
   }

   @Test
   void noBodyAtAll() {
      CoreMessage m = mtProperties(SmsMessageBuilder.create(3, MT, SmsKind.MT)).build();
      assertEncodedExactly(m);
      assertNull(new SmsMessageReader(m).text());
   }

   @Test
   void aMessageForAnAddressRoutingDoesNotRewriteGetsNoRoom() {
      CoreMessage m = mtProperties(SmsMessageBuilder.create(5, SimpleString.of("sms.dr.unmatched"), SmsKind.DR)).text("x").build();
      int allocated = m.getBuffer().capacity();
      assertEquals(allocated, m.getEncodeSize());
      assertEquals(allocated, m.getBuffer().capacity());
   }

   @Test
   void aSizedMessageGetsTheRoomOnTopOfItsSize() {
      CoreMessage m = SmsMessageBuilder.createSized(6, MT, SmsKind.MT, 900).text("x").build();
      assertEquals(900 + SmsMessageBuilder.ROUTING_ROOM, m.getBuffer().capacity());
   }

   @Test
   void aPropertyAddedAfterTheBodyStillEncodes() {
      CoreMessage m = SmsMessageBuilder.create(4, MT, SmsKind.MT).text("hello").build();
      m.putStringProperty(SmsProperties.LINK, SimpleString.of("cmcc1"));

      assertTrue(m.getEncodeSize() > 0);
      assertEquals("hello", new SmsMessageReader(m).text());
      assertEquals("cmcc1", new SmsMessageReader(m).string(SmsProperties.LINK));
   }
}
