package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 * Text codings at the CMPP acceptor: an SMSC's 7-bit MO part reaches the SP in a Msg_Fmt that holds it whole within
 * the specification's limits (over 140 octets only for an SP that takes it), a whole message is cut anew, binary
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
      sendMoSegment(QUEUE, text, UDH, 2);
   }

   /** An MO the SMSC link stored from a 7-bit deliver_sm with {@code udh} (part 1 of {@code total}) for {@code queue}. */
   private void sendMoSegment(String queue, String text, byte[] udh, int total) throws Exception {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(queue))) {
         Message mo = session.createTextMessage(text);
         mo.setStringProperty("smsKind", "MO");
         mo.setStringProperty("smsProtocol", "SMPP");
         mo.setStringProperty("smsId", "0123456789abcdef");
         mo.setStringProperty("smsSource", "13800138011");
         mo.setStringProperty("smsDestination", "1065712345");
         mo.setIntProperty("smsDataCoding", 0);
         mo.setIntProperty("smsEsmClass", 0x40);
         mo.setIntProperty("smsSegmentRef", udh[3] & 0xFF);
         mo.setIntProperty("smsSegmentTotal", total);
         mo.setIntProperty("smsSegmentNumber", 1);
         ((ActiveMQMessage) mo).getCoreMessage().putBytesProperty(SimpleString.of("smsUdh"), udh);
         producer.send(mo);
      }
   }

   private Deliver answered(Deliver deliver) throws Exception {
      sp.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
      return deliver;
   }

   /**
    * 153 characters behind the SMSC's UDH, part 1 of 2: 159 octets would be ASCII, but é is not; 312 as UCS2, 160 as
    * GBK, over the 140 octets the specification allows Msg_Fmt 8 and 15, which SP clients refuse or cut. The part
    * cannot be cut again (its sibling numbers it), so it is dead-lettered rather than sent over the limit.
    */
   @Test
   void aFullGsmPartWithAnAccentIsDeadLetteredRatherThanSentOver140Octets() throws Exception {
      sendMoPart("a".repeat(152) + "é");
      sendMoPart("next");
      Deliver next = answered(assertInstanceOf(Deliver.class, sp.read(), "the next MO delivered"));
      assertEquals("next", new String(next.msgContent(), UDH.length, 4, StandardCharsets.US_ASCII), "not the 160-octet part");
      Wait.until("the part no Msg_Fmt holds within 140 octets dead-lettered", Duration.ofSeconds(10),
                 () -> broker.messageCount(TestBroker.DEAD_LETTERS) == 1 && broker.messageCount(QUEUE) == 0);
   }

   /** An SP whose account has {@code cmpp-deliver-over-140} gets the same part whole, as 160 octets of GBK. */
   @Test
   void aFullGsmPartWithAnAccentReachesAnSpThatTakesOver140OctetsWholeAsGbk() throws Exception {
      String queue = SmsAddresses.accountQueue("901244");
      try (RawCmppClient lenient = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, lenient.connect("901244", "secret44", 0x30).status());
         String part = "a".repeat(152) + "é";
         sendMoSegment(queue, part, UDH, 2);
         Deliver deliver = assertInstanceOf(Deliver.class, lenient.read(), "delivered, not dead-lettered");
         lenient.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
         assertEquals(1, deliver.tpUdhi());
         assertEquals(15, deliver.msgFmt());
         byte[] content = deliver.msgContent();
         assertArrayEquals(UDH, Arrays.copyOf(content, UDH.length), "the SMSC's concatenation header, as it came");
         assertEquals(part, new String(content, UDH.length, content.length - UDH.length, Charset.forName("GBK")));
         Wait.until("acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
         assertEquals(0, broker.messageCount(TestBroker.DEAD_LETTERS));
      }
   }

   /**
    * A message whose header only says it has one part is whole: when no Msg_Fmt holds it within the limits, it is cut
    * like any long MO, into DELIVERs of at most 140 octets under a concatenation of the gateway's own. Sent again (the
    * SP's DELIVER_RESPs lost with its connection), its parts come with the same content and Msg_Ids.
    */
   @Test
   void aOnePartMessageNoMsgFmtHoldsWithin140OctetsIsCutIntoPartsThatAreTheSameWhenSentAgain() throws Exception {
      String text = "a".repeat(152) + "é";
      sendMoSegment(QUEUE, text, new byte[] {0x05, 0x00, 0x03, 0x3C, 0x01, 0x01}, 1);
      List<Deliver> first = readParts(sp);
      sp.close();
      sp = new RawCmppClient(broker.port());
      assertEquals(CmppResult.CONNECT_OK, sp.connect("901234", "secret", 0x30).status());
      List<Deliver> again = readParts(sp);
      StringBuilder joined = new StringBuilder();
      int reference = first.get(0).msgContent()[3] & 0xFF;
      for (int i = 0; i < first.size(); i++) {
         Deliver part = first.get(i);
         byte[] content = part.msgContent();
         assertTrue(content.length <= 140, "part " + (i + 1) + " has " + content.length + " octets");
         assertEquals(1, part.tpUdhi());
         assertArrayEquals(new byte[] {0x05, 0x00, 0x03, (byte) reference, (byte) first.size(), (byte) (i + 1)},
                           Arrays.copyOf(content, 6), "part " + (i + 1) + "'s header");
         joined.append(new String(content, 6, content.length - 6, part.msgFmt() == 8 ? StandardCharsets.UTF_16BE
                                                                                      : StandardCharsets.US_ASCII));
         assertArrayEquals(content, again.get(i).msgContent(), "part " + (i + 1) + " sent again");
         assertEquals(part.msgId(), again.get(i).msgId(), "part " + (i + 1) + "'s Msg_Id sent again");
      }
      assertEquals(text, joined.toString());
      for (Deliver part : again) {
         answered(part);
      }
      Wait.until("acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(QUEUE) == 0);
      assertEquals(0, broker.messageCount(TestBroker.DEAD_LETTERS));
   }

   /** The DELIVERs of one MO, unanswered: the first says how many parts follow. */
   private static List<Deliver> readParts(RawCmppClient client) throws Exception {
      List<Deliver> parts = new ArrayList<>();
      Deliver first = assertInstanceOf(Deliver.class, client.read(), "delivered, not dead-lettered");
      parts.add(first);
      assertEquals(1, first.tpUdhi(), "cut into parts: " + first.msgContent().length + " octets of Msg_Fmt " + first.msgFmt());
      int total = first.msgContent()[4] & 0xFF;
      while (parts.size() < total) {
         parts.add(assertInstanceOf(Deliver.class, client.read()));
      }
      return parts;
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
