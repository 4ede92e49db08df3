package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text codings at the CMPP acceptor: an SMSC's 7-bit MO part reaches the SP in a Msg_Fmt that holds it whole, binary
 * SIM data keeps Msg_Fmt 3, and SUBMIT content its Msg_Fmt does not define is refused rather than stored mangled.
 */
class CmppTextCodingTest {

   private static final byte[] UDH = {0x05, 0x00, 0x03, 0x2B, 0x02, 0x01};
   private static final String QUEUE = SmsAddresses.accountQueue("901234");

   @TempDir
   Path dir;

   private TestBroker broker;
   private Connection jms;
   private RawCmppClient sp;

   @BeforeEach
   void start() throws Exception {
      broker = TestBroker.cmpp(dir, "").configure(TestBroker::withDeadLetterQueue).start();
      jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
      jms.start();
      sp = new RawCmppClient(broker.port());
      assertEquals(CmppResult.CONNECT_OK, sp.connect("901234", "secret", 0x30).status());
   }

   @AfterEach
   void stop() throws Exception {
      sp.close();
      jms.close();
      broker.close();
   }

   /** An MO part as the SMSC link stores a 7-bit deliver_sm with a UDH: decoded text, data_coding 0, the UDH. */
   private void sendMoPart(String text) throws Exception {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(QUEUE))) {
         Message mo = session.createTextMessage(text);
         mo.setStringProperty("smsKind", "MO");
         mo.setStringProperty("smsProtocol", "SMPP");
         mo.setStringProperty("smsSource", "13800138011");
         mo.setStringProperty("smsDestination", "1065712345");
         mo.setIntProperty("smsDataCoding", 0);
         mo.setIntProperty("smsEsmClass", 0x40);
         mo.setIntProperty("smsSegmentRef", 0x2B);
         mo.setIntProperty("smsSegmentTotal", 2);
         mo.setIntProperty("smsSegmentNumber", 1);
         ((ActiveMQMessage) mo).getCoreMessage().putBytesProperty(SimpleString.of("smsUdh"), UDH);
         producer.send(mo);
      }
   }

   private Deliver answered(Deliver deliver) throws Exception {
      sp.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
      return deliver;
   }

   @Test
   void aFullGsmPartWithAnAccentReachesTheSpWholeAsGbk() throws Exception {
      // 153 characters behind the SMSC's UDH: 159 octets would be ASCII, but é is not; 312 as UCS2, 160 as GBK
      String part = "a".repeat(152) + "é";
      sendMoPart(part);
      Deliver deliver = answered(assertInstanceOf(Deliver.class, sp.read(), "delivered, not dead-lettered"));
      assertEquals(1, deliver.tpUdhi());
      assertEquals(15, deliver.msgFmt());
      byte[] content = deliver.msgContent();
      assertArrayEquals(UDH, Arrays.copyOf(content, UDH.length), "the SMSC's concatenation header, as it came");
      assertEquals(part, new String(content, UDH.length, content.length - UDH.length, Charset.forName("GBK")));
      Wait.until("acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(QUEUE) == 0);
      assertEquals(0, broker.messageCount(TestBroker.DEAD_LETTERS));
   }

   @Test
   void aPartThatFitsUcs2WithinTheSpecsLimitGoesAsUcs2() throws Exception {
      String part = "é".repeat(60);
      sendMoPart(part);
      Deliver deliver = answered(assertInstanceOf(Deliver.class, sp.read()));
      assertEquals(8, deliver.msgFmt());
      assertEquals(126, deliver.msgContent().length);
      assertEquals(part, new String(deliver.msgContent(), UDH.length, 120, StandardCharsets.UTF_16BE));
   }

   @Test
   void aPartNoMsgFmtHoldsIsDeadLetteredAndTheConnectionStays() throws Exception {
      // GBK has no £, and 153 characters are 306 octets as UCS2: more than Msg_Length can state
      sendMoPart("£".repeat(153));
      sendMoPart("next");
      Deliver next = answered(assertInstanceOf(Deliver.class, sp.read()));
      assertEquals("next", new String(next.msgContent(), UDH.length, 4, StandardCharsets.US_ASCII));
      Wait.until("the part no DELIVER holds dead-lettered", Duration.ofSeconds(10),
                 () -> broker.messageCount(TestBroker.DEAD_LETTERS) == 1 && broker.messageCount(QUEUE) == 0);
      sp.send(new ActiveTest(sp.nextSequence()));
      assertInstanceOf(ActiveTestResp.class, sp.read(), "the connection is still up");
   }

   @Test
   void simDataKeepsMsgFmt3BothWays() throws Exception {
      byte[] ota = {0x02, 0x70, 0x00, 0x00, 0x10, 0x0D, 0x00};
      sp.send(RawCmppClient.submit(sp.nextSequence(), "901234", "1065712345", "TEST", 3, ota, "13800138000"));
      SubmitResp resp = assertInstanceOf(SubmitResp.class, sp.read());
      assertEquals(CmppResult.OK, resp.result());
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.MT),
              "smsId = '" + CmppMsgId.toHex(resp.msgId()) + "'")) {
         BytesMessage mt = (BytesMessage) consumer.receive(10_000);
         assertNotNull(mt);
         assertEquals(0xF6, mt.getIntProperty("smsDataCoding"), "8-bit data for the SIM (class 2), not plain binary 0x04");
      }
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(QUEUE))) {
         for (int dataCoding : new int[] {0xF6, 0xF5}) {
            BytesMessage mo = session.createBytesMessage();
            mo.writeBytes(ota);
            mo.setStringProperty("smsKind", "MO");
            mo.setStringProperty("smsSource", "13800138011");
            mo.setStringProperty("smsDestination", "1065712345");
            mo.setIntProperty("smsDataCoding", dataCoding);
            producer.send(mo);
         }
      }
      assertEquals(3, answered(assertInstanceOf(Deliver.class, sp.read())).msgFmt(), "0xF6: SIM card write");
      assertEquals(4, answered(assertInstanceOf(Deliver.class, sp.read())).msgFmt(), "0xF5: binary, CMPP has no class 1");
   }

   @Test
   void submitContentItsMsgFmtDoesNotDefineIsRefused() throws Exception {
      sp.send(RawCmppClient.submit(sp.nextSequence(), "901234", "1065712345", "TEST", 0, new byte[] {'A', (byte) 0xB0, 'B'},
                                   "13800138000"));
      assertEquals(CmppResult.STRUCTURE_ERROR, assertInstanceOf(SubmitResp.class, sp.read()).result(), "octet 0xB0 in ASCII");
      sp.send(RawCmppClient.submit(sp.nextSequence(), "901234", "1065712345", "TEST", 8, new byte[] {0x00, 0x41, 0x00, 0x42, 0x4E},
                                   "13800138000"));
      assertEquals(CmppResult.MESSAGE_LENGTH_ERROR, assertInstanceOf(SubmitResp.class, sp.read()).result(), "UCS2 of 5 octets");
      sp.send(RawCmppClient.submit(sp.nextSequence(), "901234", "1065712345", "TEST", 15, new byte[] {'a', (byte) 0xD6},
                                   "13800138000"));
      assertEquals(CmppResult.STRUCTURE_ERROR, assertInstanceOf(SubmitResp.class, sp.read()).result(), "a GB character cut");
      assertEquals(0, broker.messageCount(SmsAddresses.MT), "nothing stored");
      assertFalse(sp.closedByServer(100));
   }
}
