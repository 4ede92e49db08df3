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

   private static byte[] body(CoreMessage message) {
      org.apache.activemq.artemis.api.core.ActiveMQBuffer buffer = message.getReadOnlyBodyBuffer();
      byte[] bytes = new byte[buffer.readableBytes()];
      buffer.readBytes(bytes);
      return bytes;
   }
}
