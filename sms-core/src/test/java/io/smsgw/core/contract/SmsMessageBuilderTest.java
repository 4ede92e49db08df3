package io.smsgw.core.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.junit.jupiter.api.Test;

class SmsMessageBuilderTest {

   @Test
   void builtMessagesReadBackThroughTheReader() {
      CoreMessage built = SmsMessageBuilder.create(1, SimpleString.of(SmsAddresses.MT), SmsKind.MT)
         .id("bd36d78003e90001")
         .string(SmsProperties.ACCOUNT, "901234")
         .source("1065712345", (byte) 0, (byte) 0)
         .destination("13800138000", (byte) 1, (byte) 1)
         .fee(0, "02", "000010", "")
         .segment(0xA7, 2, 1)
         .udh(new byte[] {5, 0, 3, (byte) 0xA7, 2, 1, 99}, 6)
         .validityTime(4_000_000_000_000L)
         .text("你好")
         .build();
      assertTrue(built.isDurable());
      assertEquals(RoutingType.ANYCAST, built.getRoutingType());
      assertEquals(4_000_000_000_000L, built.getExpiration());

      SmsMessageReader reader = new SmsMessageReader(built);
      assertEquals(SmsKind.MT, reader.kind());
      assertEquals("bd36d78003e90001", reader.string(SmsProperties.ID));
      assertEquals("13800138000", reader.string(SmsProperties.DESTINATION));
      assertEquals(1, reader.integer(SmsProperties.DESTINATION_TON, 0));
      assertEquals("02", reader.string(SmsProperties.FEE_TYPE));
      assertNull(reader.string(SmsProperties.FEE_TERMINAL));
      assertEquals(2, reader.integer(SmsProperties.SEGMENT_TOTAL, 0));
      assertArrayEquals(new byte[] {5, 0, 3, (byte) 0xA7, 2, 1}, reader.udh());
      assertEquals("你好", reader.text());
      assertEquals("你好", reader.text(""));
   }

   @Test
   void readerIsLenientAboutHowApplicationsTypeProperties() {
      CoreMessage fromApp = new CoreMessage(2, 64);
      fromApp.putStringProperty(SmsProperties.KIND, SimpleString.of("dr"));
      fromApp.putStringProperty(SmsProperties.SUBMIT_TIME, SimpleString.of("1700000000000"));
      fromApp.putShortProperty(SmsProperties.DATA_CODING, (short) 8);
      fromApp.putStringProperty(SmsProperties.SEGMENT_TOTAL, SimpleString.of("many"));
      SmsMessageReader reader = new SmsMessageReader(fromApp);
      assertEquals(SmsKind.DR, reader.kind());
      assertEquals(1_700_000_000_000L, reader.longValue(SmsProperties.SUBMIT_TIME, 0));
      assertEquals(8, reader.integer(SmsProperties.DATA_CODING, 0));
      assertEquals(-1, reader.integer(SmsProperties.PRIORITY, -1));
      assertThrows(IllegalArgumentException.class, () -> reader.integer(SmsProperties.SEGMENT_TOTAL, 0));
      assertNull(reader.text(), "no text body");
      assertEquals("", reader.text(""), "no text body, the caller's default");
      assertEquals(SmsKind.MO, new SmsMessageReader(new CoreMessage(3, 16)).kind(), "unset kind defaults to MO");
   }

   @Test
   void aTextBodyIsEncodedExactlyAsArtemisEncodesAString() {
      for (String text : new String[] {"", "Hello", "你好, Grüße", "emoji \uD83D\uDE00 pair", "x".repeat(160)}) {
         CoreMessage built = SmsMessageBuilder.create(1, SimpleString.of(SmsAddresses.MT), SmsKind.MT).text(text).build();
         CoreMessage artemis = new CoreMessage(2, 512);
         artemis.setType(org.apache.activemq.artemis.api.core.Message.TEXT_TYPE);
         artemis.getBodyBuffer().writeNullableSimpleString(SimpleString.of(text));
         assertArrayEquals(body(artemis), body(built), text);
         assertEquals(text, new SmsMessageReader(built).text());
      }
      CoreMessage nullText = SmsMessageBuilder.create(1, SimpleString.of(SmsAddresses.MT), SmsKind.MT).text(null).build();
      assertNull(new SmsMessageReader(nullText).text());
   }

   @Test
   void aTextLongerThanTheSizedBufferGrowsIt() {
      String text = "长短信".repeat(100);
      CoreMessage built = SmsMessageBuilder.createSized(1, SimpleString.of(SmsAddresses.MT), SmsKind.MT, 16)
         .text(text).build();
      assertEquals(text, new SmsMessageReader(built).text());
   }

   @Test
   void utf16LittleEndianGoesAlikeIntoGrowingHeapSlicedAndDirectBuffers() {
      String text = "Grüße 你好 \uD83D\uDE00";
      byte[] expected = SimpleString.of(text).getData();
      ByteBuf slice = Unpooled.wrappedBuffer(new byte[80]).slice(7, 60);
      slice.writerIndex(3);
      for (ByteBuf out : new ByteBuf[] {Unpooled.buffer(4), slice, Unpooled.directBuffer(4)}) {
         int start = out.writerIndex();
         SmsMessageBuilder.writeUtf16Le(out, text);
         byte[] written = new byte[out.writerIndex() - start];
         out.getBytes(start, written);
         assertArrayEquals(expected, written, out.getClass().getSimpleName());
         out.release();
      }
   }

   @Test
   void routingAnIngressMessageFillsItsBufferInsteadOfReallocatingIt() {
      CoreMessage mt = SmsMessageBuilder.create(1, SimpleString.of(SmsAddresses.MT), SmsKind.MT)
         .id("bd36d78003e90001")
         .string(SmsProperties.ACCOUNT, "901234")
         .destination("13800138000", (byte) 1, (byte) 1)
         .text("x".repeat(160))
         .build();
      byte[] allocated = mt.getBuffer().array();
      // What routing an MT to a link does: its queue as address, the link's name as a property.
      mt.setAddress(SmsAddresses.smscLinkQueue("carrier-east-01"));
      mt.putStringProperty(SmsProperties.LINK, SimpleString.of("carrier-east-01"));
      int encoded = mt.getEncodeSize();
      assertTrue(allocated == mt.getBuffer().array(), "the routed MT was encoded into the buffer it was built with");
      assertEquals("x".repeat(160), new SmsMessageReader(mt).text());

      CoreMessage other = SmsMessageBuilder.create(2, SimpleString.of("app.queue"), SmsKind.MO).text("x".repeat(160)).build();
      assertEquals(other.getEncodeSize(), other.getBuffer().capacity(), "no room for an address routing does not rewrite");
      assertTrue(encoded <= allocated.length);
   }

   @Test
   void aCopyForRoutingEncodesAsArtemisCopyAndTakesRoutedPropertiesInPlace() {
      CoreMessage textReport = SmsMessageBuilder.create(7, SimpleString.of(SmsAddresses.DR), SmsKind.DR)
         .id("bd36d78003e90001")
         .string(SmsProperties.STATUS, "DELIVRD")
         .duplicateId("dr:bd36d78003e90001:13800138000:1")
         .validityTime(4_000_000_000_000L)
         .text("id:bd36d78003e90001 stat:DELIVRD 你好")
         .build();
      CoreMessage bytesReport = SmsMessageBuilder.create(8, SimpleString.of(SmsAddresses.DR), SmsKind.DR)
         .bytes(new byte[] {1, 2, 3, 4, 5}, 1, 3)
         .build();
      CoreMessage noBody = SmsMessageBuilder.create(9, SimpleString.of(SmsAddresses.DR), SmsKind.DR).build();
      for (CoreMessage report : new CoreMessage[] {textReport, bytesReport, noBody}) {
         report.setAddress("sms.sp.901234"); // routed before the copy is taken, as the report is
         CoreMessage artemisCopy = (CoreMessage) report.copy();
         CoreMessage copy = (CoreMessage) SmsMessageBuilder.copyForRouting(report);
         assertArrayEquals(encoded(artemisCopy), encoded(copy), "type " + report.getType());
         assertEquals(report.getMessageID(), copy.getMessageID());
         assertEquals(report.getExpiration(), copy.getExpiration());
         assertArrayEquals(body(report), body(copy));

         byte[] allocated = copy.getBuffer().array();
         copy.setAddress(SmsAddresses.BILLING);
         copy.putBooleanProperty(SimpleString.of("smsBillable"), true);
         copy.putLongProperty(SimpleString.of("smsRecordTime"), 1_700_000_000_000L);
         copy.getEncodeSize();
         assertTrue(allocated == copy.getBuffer().array(), "the billing properties fit the copy's room");
         assertEquals("sms.sp.901234", report.getAddress(), "the copy is independent of the report");
         assertNull(report.getObjectProperty(SimpleString.of("smsBillable")));
      }
      assertEquals("id:bd36d78003e90001 stat:DELIVRD 你好", new SmsMessageReader(textReport).text());
   }

   private static byte[] encoded(CoreMessage message) {
      int size = message.getEncodeSize();
      byte[] bytes = new byte[size];
      message.getBuffer().getBytes(0, bytes);
      return bytes;
   }

   private static byte[] body(CoreMessage message) {
      org.apache.activemq.artemis.api.core.ActiveMQBuffer buffer = message.getReadOnlyBodyBuffer();
      byte[] bytes = new byte[buffer.readableBytes()];
      buffer.readBytes(bytes);
      return bytes;
   }
}
