package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.text.Gsm7Alphabet;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.DivertConfiguration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.bean.InterfaceVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text codings end to end: a jSMPP ESME submits to the SMPP acceptor, a divert hands the MT to the SMSC link as routing
 * would, and a jSMPP SMSC sees the submit_sm; MO from that SMSC reach the ESME the same way back. The message class of
 * a data_coding survives, a segment goes in a coding that holds it in one SMS or ends with a report, and text octets its
 * data_coding does not define are refused at submit.
 */
class TextCodingEndToEndTest {

   private static final byte[] UDH = {0x05, 0x00, 0x03, 0x2B, 0x02, 0x01};

   @TempDir
   Path dir;

   private JsmppSmsc smsc;
   private TestBroker broker;
   private final BlockingQueue<DeliverSm> inbox = new LinkedBlockingQueue<>();

   @BeforeEach
   void start() throws Exception {
      int port = JsmppSmsc.freePort();
      smsc = new JsmppSmsc(port);
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 2s, response-timeout = 3s, reconnect-min = 100ms, reconnect-max = 400ms }
         }
         """.formatted(port));
      System.setProperty("smsgw.config", file.toString());
      broker = TestBroker.smpp(dir, "").configure(TextCodingEndToEndTest::routeLikeTheRoutingPlugin).start();
      Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
   }

   /** Every MT to the link, every MO to the account: what routing does for these numbers. */
   private static void routeLikeTheRoutingPlugin(Configuration cfg) {
      cfg.addDivertConfiguration(new DivertConfiguration().setName("mt-to-link").setAddress(SmsAddresses.MT)
         .setForwardingAddress(SmsAddresses.smscLinkQueue("sim")).setExclusive(true));
      cfg.addDivertConfiguration(new DivertConfiguration().setName("mo-to-account").setAddress(SmsAddresses.MO)
         .setForwardingAddress(SmsAddresses.accountQueue("smppclient1")).setExclusive(true));
   }

   @AfterEach
   void stop() throws Exception {
      broker.close();
      smsc.close();
      System.clearProperty("smsgw.config");
   }

   private SMPPSession esme() throws Exception {
      SMPPSession session = new SMPPSession();
      session.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
      session.setMessageReceiverListener(new MessageReceiverListener() {
         @Override
         public void onAcceptDeliverSm(DeliverSm deliverSm) {
            inbox.add(deliverSm);
         }

         @Override
         public void onAcceptAlertNotification(AlertNotification alertNotification) {
         }

         @Override
         public DataSmResult onAcceptDataSm(DataSm dataSm, org.jsmpp.session.Session source) throws ProcessRequestException {
            throw new ProcessRequestException("not used", 0x03);
         }
      });
      session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(BindType.BIND_TRX, "smppclient1", "password", "",
         TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
      return session;
   }

   private static String submit(SMPPSession esme, int dataCoding, byte[] shortMessage, boolean udhi) throws Exception {
      return esme.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138000",
         new ESMClass(MessageMode.DEFAULT, MessageType.DEFAULT, udhi ? GSMSpecificFeature.UDHI : GSMSpecificFeature.DEFAULT),
         (byte) 0, (byte) 1, null, null, new RegisteredDelivery(1), (byte) 0, DataCodings.newInstance((byte) dataCoding), (byte) 0,
         shortMessage).getMessageId();
   }

   private static byte[] concat(byte[] a, byte[] b) {
      byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
   }

   @Test
   void aFlashMtReachesTheSmscAsFlash() throws Exception {
      SMPPSession esme = esme();
      try {
         submit(esme, 0xF0, Gsm7Alphabet.encode("Your code is 1234"), false);
         JsmppSmsc.Received sent = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(sent, "submit_sm at the SMSC");
         assertEquals(0xF0, sent.dataCoding() & 0xFF, "class 0 kept: the handset shows it at once");
         assertEquals("Your code is 1234", Gsm7Alphabet.decode(sent.shortMessage(), 0, sent.shortMessage().length));
      } finally {
         esme.unbindAndClose();
      }
   }

   @Test
   void aGsmTextWithAMessageClassThatFitsOneSmsIsOneSms() throws Exception {
      // 150 septets with class 0 in the general group: one SMS, not 134 + 16 octets of "binary" (which also tore the €)
      String text = "a".repeat(133) + "€" + "b".repeat(15);
      assertEquals(150, Gsm7Alphabet.septetCount(text));
      SMPPSession esme = esme();
      try {
         submit(esme, 0x10, Gsm7Alphabet.encode(text), false);
         JsmppSmsc.Received sent = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(sent, "submit_sm at the SMSC");
         assertEquals(0x10, sent.dataCoding() & 0xFF);
         assertEquals(0, sent.esmClass() & 0x40, "no concatenation header");
         assertEquals(text, Gsm7Alphabet.decode(sent.shortMessage(), 0, sent.shortMessage().length));
         assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS), "no second part");
      } finally {
         esme.unbindAndClose();
      }
   }

   @Test
   void aLatin1SegmentThatNeitherGsmNorUcs2HoldsGoesAsLatin1() throws Exception {
      byte[] part = ("a".repeat(133) + "ê").getBytes(StandardCharsets.ISO_8859_1); // 134 octets; 268 as UCS2
      SMPPSession esme = esme();
      try {
         submit(esme, 0x03, concat(UDH, part), true);
         JsmppSmsc.Received sent = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(sent, "submit_sm at the SMSC, not a REJECTD report");
         assertEquals(0x03, sent.dataCoding() & 0xFF);
         assertArrayEquals(concat(UDH, part), sent.shortMessage());
      } finally {
         esme.unbindAndClose();
      }
   }

   /** An MT as the CMPP acceptor stores a SUBMIT's part with a UDH: Unicode text, the data coding it maps Msg_Fmt to. */
   private void sendCmppSegment(String smsId, String text, int dataCoding) throws Exception {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
         Message mt = session.createTextMessage(text);
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "901234");
         mt.setStringProperty("smsProtocol", "CMPP");
         mt.setStringProperty("smsSource", "1065712345");
         mt.setStringProperty("smsDestination", "8613800138000");
         mt.setIntProperty("smsDataCoding", dataCoding);
         mt.setIntProperty("smsSegmentRef", 0x2B);
         mt.setIntProperty("smsSegmentTotal", 2);
         mt.setIntProperty("smsSegmentNumber", 1);
         ((ActiveMQMessage) mt).getCoreMessage().putBytesProperty(SimpleString.of("smsUdh"), UDH);
         producer.send(mt);
      }
   }

   private TextMessage report(String smsId) throws Exception {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.DR), "smsId = '" + smsId + "'");
         return (TextMessage) consumer.receive(10_000);
      }
   }

   @Test
   void aGbkSegmentNoSmppCodingHoldsEndsWithAReportNotAnOversizedSubmit() throws Exception {
      // a CMPP SP's Msg_Fmt 15 part: 134 octets as GBK, 234 as UCS2 (the only SMPP coding for Chinese)
      String text = "a".repeat(100) + "中".repeat(17);
      assertEquals(134, text.getBytes(Charset.forName("GBK")).length);
      sendCmppSegment("00000000000000c1", text, 0x08);
      TextMessage dr = report("00000000000000c1");
      assertNotNull(dr, "a report for the SP");
      assertEquals("REJECTD", dr.getStringProperty("smsStatus"));
      assertEquals("108", dr.getStringProperty("smsErrorCode"));
      assertNull(smsc.submits.poll(200, TimeUnit.MILLISECONDS), "nothing sent over one SMS");
   }

   @Test
   void anAsciiSegmentOfManyGsmExtensionCharactersKeepsItsAsciiCoding() throws Exception {
      // a CMPP SP's Msg_Fmt 0 part of 134 characters: 154 septets as GSM 7-bit (one SMS behind the UDH holds 153)
      String text = "{}".repeat(10) + "x".repeat(114);
      sendCmppSegment("00000000000000c2", text, 0x01);
      JsmppSmsc.Received sent = smsc.submits.poll(10, TimeUnit.SECONDS);
      assertNotNull(sent, "submit_sm at the SMSC");
      assertEquals(0x01, sent.dataCoding() & 0xFF, "IA5 as it came");
      assertArrayEquals(concat(UDH, text.getBytes(StandardCharsets.US_ASCII)), sent.shortMessage());
   }

   @Test
   void textOctetsTheDataCodingDoesNotDefineAreRefusedAtSubmit() throws Exception {
      SMPPSession esme = esme();
      try {
         NegativeResponseException ia5 = assertThrows(NegativeResponseException.class,
            () -> submit(esme, 0x01, new byte[] {'A', (byte) 0xB0, 'B'}, false));
         assertEquals(0x401, ia5.getCommandStatus(), "IA5 defines nothing above 0x7F");
         NegativeResponseException ucs2 = assertThrows(NegativeResponseException.class,
            () -> submit(esme, 0x08, new byte[] {0x00, 0x41, 0x00, 0x42, 0x4E}, false));
         assertEquals(0x01, ucs2.getCommandStatus(), "ESME_RINVMSGLEN: UCS2 of an odd length");
         submit(esme, 0x08, new byte[] {0x00, 0x41, 0x00, 0x42}, false);
         JsmppSmsc.Received sent = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(sent);
         assertEquals("AB", new String(sent.shortMessage(), StandardCharsets.US_ASCII), "only the valid one went on");
      } finally {
         esme.unbindAndClose();
      }
   }

   @Test
   void aFlashMoReachesTheEsmeAsFlash() throws Exception {
      SMPPSession esme = esme();
      try {
         smsc.sendMo("8613800138000", "1065712345", 0xF0, Gsm7Alphabet.encode("flash back"), false);
         DeliverSm mo = inbox.poll(10, TimeUnit.SECONDS);
         assertNotNull(mo, "deliver_sm at the ESME");
         assertEquals(0xF0, mo.getDataCoding() & 0xFF, "class 0 kept");
         assertEquals("flash back", Gsm7Alphabet.decode(mo.getShortMessage(), 0, mo.getShortMessage().length));
      } finally {
         esme.unbindAndClose();
      }
   }
}
