package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.GenericNack;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMPP 3.3 has no optional parameters: what an ESME bound as 3.3 sends after the mandatory body (the NUL some old
 * clients put after short_message without counting it in sm_length, or bytes that would read as TLVs in 3.4) is
 * ignored, and such a session is never answered with a TLV status (0xC0-0xC4), which 3.3 does not define. A 3.4
 * session's trailing bytes are still read as TLVs, and refused when they are none.
 */
class Smpp33TrailingBytesTest {

   private static final Address SOURCE = new Address((byte) 1, (byte) 1, "8610086");
   private static final Address HANDSET = new Address((byte) 1, (byte) 1, "8613800138000");

   @TempDir
   static Path dataDir;
   static TestBroker broker;
   static Connection jms;

   @BeforeAll
   static void start() throws Exception {
      broker = TestBroker.smpp(dataDir, "").start();
      jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
      jms.start();
   }

   @AfterAll
   static void stop() throws Exception {
      jms.close();
      broker.close();
   }

   private static RawSmppClient bound(int version) throws Exception {
      RawSmppClient client = new RawSmppClient(broker.port());
      client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", version, 0, 0, ""));
      assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
      return client;
   }

   /** Reads from sms.mt the message with this smsId (other tests' messages are left alone). */
   private static TextMessage receiveMt(String smsId) throws JMSException {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.MT), "smsId = '" + smsId + "'")) {
         return (TextMessage) consumer.receive(10_000);
      }
   }

   private static ShortMessagePdu.Builder submit(int sequence, String text) {
      return ShortMessagePdu.builder().sequenceNumber(sequence).sourceAddr(SOURCE).destinationAddr(HANDSET)
         .shortMessage(text.getBytes(StandardCharsets.US_ASCII));
   }

   /** The wire form of {@code pdu} followed by {@code trailing}, counted in command_length (sm_length unchanged). */
   private static byte[] withTrailing(SmppPdu pdu, byte... trailing) {
      ByteBuf out = Unpooled.buffer();
      try {
         SmppCodec.encode(pdu, out);
         out.writeBytes(trailing);
         out.setInt(0, out.readableBytes());
         return ByteBufUtil.getBytes(out);
      } finally {
         out.release();
      }
   }

   /** A TLV's wire form: tag, length, value. */
   private static byte[] tlv(short tag, byte... value) {
      return ByteBuffer.allocate(4 + value.length).putShort(tag).putShort((short) value.length).put(value).array();
   }

   @Test
   void aSubmitSmWithAStrayNulAfterShortMessageFromA33SessionIsStored() throws Exception {
      try (RawSmppClient client = bound(0x33)) {
         client.sendBytes(withTrailing(submit(2, "stray NUL after me").buildSubmitSm(), (byte) 0));
         SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read(), "the submit's own answer, no generic_nack");
         assertEquals(SmppStatus.ESME_ROK, resp.commandStatus());
         TextMessage mt = receiveMt(resp.messageId());
         assertNotNull(mt, "the MT is on sms.mt");
         assertEquals("stray NUL after me", mt.getText(), "the stray byte is not part of the text");
         assertEquals("3.3", mt.getStringProperty("smsProtocolVersion"));
      }
   }

   @Test
   void bytesThatWouldBeTlvsIn34AreIgnoredFromA33SessionSoNoTlvStatusIsSent() throws Exception {
      try (RawSmppClient client = bound(0x33)) {
         // In 3.4 a message_payload beside a short_message is ESME_RINVPARLEN (0xC2), inconsistent SAR TLVs are
         // ESME_RINVOPTPARAMVAL (0xC4) and a truncated TLV is ESME_RINVOPTPARSTREAM (0xC0): 3.3 has none of them.
         byte[] payload = tlv(TlvTag.MESSAGE_PAYLOAD, "in the payload".getBytes(StandardCharsets.US_ASCII));
         client.sendBytes(withTrailing(submit(2, "beside a payload").buildSubmitSm(), payload));
         SubmitSmResp first = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, first.commandStatus(), "not ESME_RINVPARLEN");
         assertEquals("beside a payload", receiveMt(first.messageId()).getText());

         byte[] sar = ByteBuffer.allocate(16).put(tlv(TlvTag.SAR_MSG_REF_NUM, (byte) 0, (byte) 7))
            .put(tlv(TlvTag.SAR_TOTAL_SEGMENTS, (byte) 2)).put(tlv(TlvTag.SAR_SEGMENT_SEQNUM, (byte) 3)).array();
         client.sendBytes(withTrailing(submit(3, "part 3 of 2").buildSubmitSm(), sar));
         SubmitSmResp second = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, second.commandStatus(), "not ESME_RINVOPTPARAMVAL");
         TextMessage mt = receiveMt(second.messageId());
         assertEquals("part 3 of 2", mt.getText());
         assertNull(mt.getObjectProperty("smsSegmentTotal"), "no segment from TLVs 3.3 does not have");

         client.sendBytes(withTrailing(submit(4, "two stray bytes").buildSubmitSm(), (byte) 0, (byte) 0x0D));
         SubmitSmResp third = assertInstanceOf(SubmitSmResp.class, client.read(), "not generic_nack ESME_RINVOPTPARSTREAM");
         assertEquals(SmppStatus.ESME_ROK, third.commandStatus());
         assertEquals("two stray bytes", receiveMt(third.messageId()).getText());
      }
   }

   @Test
   void a34SessionStillHasItsTrailingBytesReadAsTlvs() throws Exception {
      try (RawSmppClient client = bound(0x34)) {
         client.sendBytes(withTrailing(submit(2, "stray NUL after me").buildSubmitSm(), (byte) 0));
         GenericNack nack = assertInstanceOf(GenericNack.class, client.read());
         assertEquals(2, nack.sequenceNumber());
         assertEquals(SmppStatus.ESME_RINVOPTPARSTREAM, nack.commandStatus());

         client.send(submit(3, "beside a payload")
                        .tlvs(Tlvs.builder().add(TlvTag.MESSAGE_PAYLOAD, "in the payload".getBytes(StandardCharsets.US_ASCII)).build())
                        .buildSubmitSm());
         assertEquals(SmppStatus.ESME_RINVPARLEN, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
      }
   }

   @Test
   void beforeABindTrailingBytesAreNoTlvsEither() throws Exception {
      // The version is not known before the bind: nothing sent before it may carry TLVs, and a peer that may bind as 3.3
      // must not get a TLV status. A submit_sm before the bind is refused for the bind state, stray byte or not.
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         client.sendBytes(withTrailing(submit(1, "too early").buildSubmitSm(), (byte) 0));
         SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read(), "no generic_nack ESME_RINVOPTPARSTREAM");
         assertEquals(SmppStatus.ESME_RINVBNDSTS, resp.commandStatus());
      }
   }
}
