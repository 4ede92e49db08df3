package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
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
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.DivertConfiguration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageState;
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
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What data_coding 0 means, end to end: a jSMPP ESME submits to the SMPP acceptor, a divert hands the MT to the SMSC
 * link as routing would, and a jSMPP SMSC shows the octets of each submit_sm; MO from that SMSC reach the ESME the same
 * way back. The link's {@code default-alphabet} decides how it writes and reads data_coding 0 (packed GSM, Latin-1), an
 * account's {@code smpp-default-alphabet} how the acceptor does for that account's sessions.
 */
class DefaultAlphabetTest {

   private static final byte[] UDH = {0x05, 0x00, 0x03, 0x2B, 0x02, 0x01};
   private static final HexFormat HEX = HexFormat.of();

   @TempDir
   Path dir;

   private JsmppSmsc smsc;
   private TestBroker broker;

   /** A broker whose link {@code sim} has {@code linkSettings}, with account smppclient1 and the extra accounts. */
   private void start(String linkSettings, String moreAccounts) throws Exception {
      int port = JsmppSmsc.freePort();
      smsc = new JsmppSmsc(port);
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           smppclient1 { password = "password", protocols = [SMPP] }
           %s
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 2s, response-timeout = 3s, reconnect-min = 100ms, reconnect-max = 400ms
                 %s }
         }
         """.formatted(moreAccounts, port, linkSettings));
      System.setProperty("smsgw.config", file.toString());
      broker = TestBroker.smpp(dir, "").configure(DefaultAlphabetTest::routeLikeTheRoutingPlugin).start();
      Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
   }

   /** Every MT to the link, every MO to smppclient1: what routing does for these numbers. */
   private static void routeLikeTheRoutingPlugin(Configuration cfg) {
      cfg.addDivertConfiguration(new DivertConfiguration().setName("mt-to-link").setAddress(SmsAddresses.MT)
         .setForwardingAddress(SmsAddresses.smscLinkQueue("sim")).setExclusive(true));
      cfg.addDivertConfiguration(new DivertConfiguration().setName("mo-to-account").setAddress(SmsAddresses.MO)
         .setForwardingAddress(SmsAddresses.accountQueue("smppclient1")).setExclusive(true));
   }

   @AfterEach
   void stop() throws Exception {
      if (broker != null) {
         broker.close();
      }
      if (smsc != null) {
         smsc.close();
      }
      System.clearProperty("smsgw.config");
   }

   private SMPPSession esme(String systemId, BlockingQueue<DeliverSm> inbox) throws Exception {
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
      session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(BindType.BIND_TRX, systemId, "password", "",
         TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
      return session;
   }

   private static String submit(SMPPSession esme, int dataCoding, byte[] shortMessage) throws Exception {
      return esme.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138000",
         new ESMClass(MessageMode.DEFAULT, MessageType.DEFAULT, GSMSpecificFeature.DEFAULT),
         (byte) 0, (byte) 1, null, null, new RegisteredDelivery(1), (byte) 0, DataCodings.newInstance((byte) dataCoding), (byte) 0,
         shortMessage).getMessageId();
   }

   private JsmppSmsc.Received sent() throws InterruptedException {
      JsmppSmsc.Received sent = smsc.submits.poll(10, TimeUnit.SECONDS);
      assertNotNull(sent, "submit_sm at the SMSC");
      return sent;
   }

   /** Two parts with a UDH by their part number: the link may have several submits in flight, in any order. */
   private static JsmppSmsc.Received[] inOrder(JsmppSmsc.Received a, JsmppSmsc.Received b) {
      return a.shortMessage()[5] == 1 ? new JsmppSmsc.Received[] {a, b} : new JsmppSmsc.Received[] {b, a};
   }

   private static byte[] concat(byte[] a, byte[] b) {
      byte[] out = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
   }

   private static byte[] latin1(String text) {
      return text.getBytes(StandardCharsets.ISO_8859_1);
   }

   // ---------------------------------------------------------------- gsm7-packed link

   @Test
   void aPackedLinkSendsGsmTextAsPackedSeptetsWithDataCoding0() throws Exception {
      start("default-alphabet = gsm7-packed", "");
      SMPPSession esme = esme("smppclient1", new LinkedBlockingQueue<>());
      try {
         submit(esme, 0x00, Gsm7Alphabet.encode("hellohello"));
         JsmppSmsc.Received sent = sent();
         assertEquals(0x00, sent.dataCoding() & 0xFF);
         assertEquals("e8329bfd4697d9ec37", HEX.formatHex(sent.shortMessage()), "10 septets in 9 octets");
      } finally {
         esme.unbindAndClose();
      }
   }

   @Test
   void aPackedLinkSplitsAfter153SeptetsWithTheFillBitBehindTheUdh() throws Exception {
      start("default-alphabet = gsm7-packed", "");
      String text = "a".repeat(153) + "bbbbbbbc"; // 161 septets: two parts
      SMPPSession esme = esme("smppclient1", new LinkedBlockingQueue<>());
      try {
         submit(esme, 0x00, Gsm7Alphabet.encode(text));
         JsmppSmsc.Received[] parts = inOrder(sent(), sent());
         JsmppSmsc.Received first = parts[0];
         JsmppSmsc.Received second = parts[1];
         for (JsmppSmsc.Received part : new JsmppSmsc.Received[] {first, second}) {
            assertEquals(0x00, part.dataCoding() & 0xFF);
            assertEquals(0x40, part.esmClass() & 0x40, "UDHI");
         }
         byte[] one = first.shortMessage();
         assertEquals(140, one.length, "6 octets of UDH and 153 septets packed into 134");
         assertArrayEquals(new byte[] {0x05, 0x00, 0x03}, Arrays.copyOf(one, 3), "concatenation IE, 8-bit reference");
         assertEquals(2, one[4]);
         assertEquals(1, one[5]);
         assertEquals(0xC2, one[6] & 0xFF, "one fill bit: 'a' (0x61) shifted left once");
         assertEquals("a".repeat(153), io.smsgw.core.text.Gsm7Packing.decode(one, 6, 134, 153, 1));
         byte[] two = second.shortMessage();
         assertEquals(one[3], two[3], "same reference");
         assertEquals(2, two[5]);
         assertEquals(6 + 8, two.length, "8 septets after one fill bit: 57 bits in 8 octets");
         assertEquals(0x0D, (two[two.length - 1] & 0xFF) >>> 1, "the 7 spare bits hold CR, not an '@'");
         assertEquals("bbbbbbbc", io.smsgw.core.text.Gsm7Packing.decode(two, 6, 8, 8, 1));
      } finally {
         esme.unbindAndClose();
      }
   }

   @Test
   void aPackedLinkWithSarTlvsPacksEachPartWithoutFillBits() throws Exception {
      start("default-alphabet = gsm7-packed, long-messages = sar", "");
      String text = "a".repeat(153) + "hellohello";
      SMPPSession esme = esme("smppclient1", new LinkedBlockingQueue<>());
      try {
         submit(esme, 0x00, Gsm7Alphabet.encode(text));
         JsmppSmsc.Received a = sent();
         JsmppSmsc.Received b = sent();
         // the link may have several submits in flight: the SMSC sees the parts in any order
         boolean aFirst = a.tlv(org.jsmpp.bean.OptionalParameter.Tag.SAR_SEGMENT_SEQNUM) == 1;
         JsmppSmsc.Received first = aFirst ? a : b;
         JsmppSmsc.Received second = aFirst ? b : a;
         assertEquals(0, first.esmClass() & 0x40, "no UDH: SAR TLVs");
         assertEquals(2, first.tlv(org.jsmpp.bean.OptionalParameter.Tag.SAR_TOTAL_SEGMENTS));
         assertEquals(134, first.shortMessage().length, "153 septets packed, room left for the UDH the SMSC adds");
         assertEquals("a".repeat(153), io.smsgw.core.text.Gsm7Packing.decode(first.shortMessage(), 0, 134, 153, 0));
         assertEquals("e8329bfd4697d9ec37", HEX.formatHex(second.shortMessage()));
      } finally {
         esme.unbindAndClose();
      }
   }

   @Test
   void oneSegmentWithItsOwnUdhGoesPackedBehindIt() throws Exception {
      start("default-alphabet = gsm7-packed", "");
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
         // a CMPP SP's part, as the CMPP acceptor stores it: text, its UDH in smsUdh
         Message mt = session.createTextMessage("part one");
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", "00000000000000d2");
         mt.setStringProperty("smsAccount", "901234");
         mt.setStringProperty("smsProtocol", "CMPP");
         mt.setStringProperty("smsSource", "1065712345");
         mt.setStringProperty("smsDestination", "8613800138000");
         mt.setIntProperty("smsDataCoding", 0x01);
         mt.setIntProperty("smsSegmentRef", 0x2B);
         mt.setIntProperty("smsSegmentTotal", 2);
         mt.setIntProperty("smsSegmentNumber", 1);
         ((org.apache.activemq.artemis.jms.client.ActiveMQMessage) mt).getCoreMessage()
            .putBytesProperty(org.apache.activemq.artemis.api.core.SimpleString.of("smsUdh"), UDH);
         producer.send(mt);
      }
      JsmppSmsc.Received sent = sent();
      assertEquals(0x00, sent.dataCoding() & 0xFF);
      assertEquals(0x40, sent.esmClass() & 0x40);
      assertArrayEquals(concat(UDH, io.smsgw.core.text.Gsm7Packing.encode("part one", 1)), sent.shortMessage());
      assertEquals(0xE0, sent.shortMessage()[6] & 0xFF, "'p' (0x70) behind one fill bit");
   }

   @Test
   void aPackedMoFromTheSmscReachesTheEsmeAsItsText() throws Exception {
      start("default-alphabet = gsm7-packed", "");
      BlockingQueue<DeliverSm> inbox = new LinkedBlockingQueue<>();
      SMPPSession esme = esme("smppclient1", inbox);
      try {
         smsc.sendMo("8613800138000", "1065712345", 0x00, HEX.parseHex("e8329bfd4697d9ec37"), false);
         DeliverSm mo = inbox.poll(10, TimeUnit.SECONDS);
         assertNotNull(mo, "deliver_sm at the ESME");
         assertEquals(0x00, mo.getDataCoding() & 0xFF);
         assertArrayEquals(Gsm7Alphabet.encode("hellohello"), mo.getShortMessage(), "the acceptor's GSM 7-bit, one septet per octet");

         // a part with a UDH: the septets start after one fill bit
         byte[] packed = io.smsgw.core.text.Gsm7Packing.encode("part one", 1);
         smsc.sendMo("8613800138000", "1065712345", 0x00, concat(UDH, packed), true);
         DeliverSm part = inbox.poll(10, TimeUnit.SECONDS);
         assertNotNull(part, "deliver_sm at the ESME");
         assertArrayEquals(concat(UDH, Gsm7Alphabet.encode("part one")), part.getShortMessage());
      } finally {
         esme.unbindAndClose();
      }
   }

   /**
    * GSM 03.38 6.1.2.3.1: a CR that ends the packed octets to the last bit reads like the CR padding 7 spare bits, so
    * the link adds a second one to an MT ending so, and keeps such a CR in an MO part before the last.
    */
   @Test
   void aLineBreakEndingThePackedOctetsIsNotLostEitherWay() throws Exception {
      start("default-alphabet = gsm7-packed", "");
      BlockingQueue<DeliverSm> inbox = new LinkedBlockingQueue<>();
      SMPPSession esme = esme("smppclient1", inbox);
      try {
         submit(esme, 0x00, Gsm7Alphabet.encode("ABCDEFG\r"));
         assertEquals("41e19058341e1b0d", HEX.formatHex(sent().shortMessage()), "8 septets ending in CR, then a second CR");

         // part 1 of 2: 153 septets behind the UDH's fill bit, a line break as the last
         String first = "a".repeat(152) + "\r";
         byte[] packed = io.smsgw.core.text.Gsm7Packing.pack(Gsm7Alphabet.encode(first), 0, 153, 1, 134);
         smsc.sendMo("8613800138000", "1065712345", 0x00, concat(UDH, packed), true);
         DeliverSm part = inbox.poll(10, TimeUnit.SECONDS);
         assertNotNull(part, "deliver_sm at the ESME");
         assertArrayEquals(concat(UDH, Gsm7Alphabet.encode(first)), part.getShortMessage(), "the CR of part 1 kept");
      } finally {
         esme.unbindAndClose();
      }
   }

   @Test
   void receiptsOnAPackedLinkAreReadAsText() throws Exception {
      start("default-alphabet = gsm7-packed", "");
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.DR));
         MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT));
         Message mt = session.createTextMessage("hello");
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", "00000000000000d1");
         mt.setStringProperty("smsAccount", "smppclient1");
         mt.setStringProperty("smsProtocol", "SMPP");
         mt.setStringProperty("smsSource", "8610086");
         mt.setStringProperty("smsDestination", "8613800138000");
         producer.send(mt);
         JsmppSmsc.Received sent = sent();
         assertEquals("e8329bfd06", HEX.formatHex(sent.shortMessage()));
         smsc.sendReceipt(sent, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
         TextMessage dr = (TextMessage) reports.receive(10_000);
         assertNotNull(dr, "DR on sms.dr");
         assertEquals("00000000000000d1", dr.getStringProperty("smsId"), "the receipt matched its MT");
         assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
      }
   }

   // ---------------------------------------------------------------- latin1 link

   @Test
   void aLatin1LinkSendsLatin1TextAsLatin1OctetsWithDataCoding0() throws Exception {
      start("default-alphabet = latin1", "");
      SMPPSession esme = esme("smppclient1", new LinkedBlockingQueue<>());
      try {
         String text = "Grüße, à bientôt"; // â, ô: not GSM 7-bit, so UCS2 on a gsm7 link
         submit(esme, 0x03, latin1(text));
         JsmppSmsc.Received sent = sent();
         assertEquals(0x00, sent.dataCoding() & 0xFF);
         assertArrayEquals(latin1(text), sent.shortMessage());

         String full = "ô" + "x".repeat(139);
         submit(esme, 0x03, latin1(full));
         JsmppSmsc.Received one = sent();
         assertEquals(0x00, one.dataCoding() & 0xFF);
         assertArrayEquals(latin1(full), one.shortMessage(), "140 Latin-1 characters are one SMS");
         assertNull(smsc.submits.poll(300, TimeUnit.MILLISECONDS), "no second part");
      } finally {
         esme.unbindAndClose();
      }
   }

   @Test
   void aLatin1LinkSplitsLongTextInto134OctetParts() throws Exception {
      start("default-alphabet = latin1", "");
      SMPPSession esme = esme("smppclient1", new LinkedBlockingQueue<>());
      try {
         String text = "ô" + "x".repeat(140);
         submit(esme, 0x03, latin1(text));
         JsmppSmsc.Received[] parts = inOrder(sent(), sent());
         JsmppSmsc.Received first = parts[0];
         JsmppSmsc.Received second = parts[1];
         assertEquals(0x00, first.dataCoding() & 0xFF);
         assertEquals(0x00, second.dataCoding() & 0xFF);
         assertEquals(6 + 134, first.shortMessage().length);
         assertArrayEquals(latin1(text.substring(0, 134)), Arrays.copyOfRange(first.shortMessage(), 6, 140));
         assertArrayEquals(latin1(text.substring(134)), Arrays.copyOfRange(second.shortMessage(), 6, second.shortMessage().length));
      } finally {
         esme.unbindAndClose();
      }
   }

   @Test
   void aLatin1MoFromTheSmscIsReadAsLatin1() throws Exception {
      start("default-alphabet = latin1", "");
      BlockingQueue<DeliverSm> inbox = new LinkedBlockingQueue<>();
      SMPPSession esme = esme("smppclient1", inbox);
      try {
         smsc.sendMo("8613800138000", "1065712345", 0x00, latin1("Grüße â"), false);
         DeliverSm mo = inbox.poll(10, TimeUnit.SECONDS);
         assertNotNull(mo, "deliver_sm at the ESME");
         assertEquals(0x03, mo.getDataCoding() & 0xFF, "â is no GSM character: Latin-1, as it came, for a GSM 7-bit ESME");
         assertArrayEquals(latin1("Grüße â"), mo.getShortMessage());
      } finally {
         esme.unbindAndClose();
      }
   }

   // ---------------------------------------------------------------- the acceptor, per account

   /** An MO as routing leaves it on an account's queue, with data_coding 0 as from a link. */
   private void moToAccount(String account, String text) throws Exception {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue(account)))) {
         Message mo = session.createTextMessage(text);
         mo.setStringProperty("smsKind", "MO");
         mo.setStringProperty("smsId", "00000000000000e1");
         mo.setStringProperty("smsProtocol", "SMPP");
         mo.setStringProperty("smsSource", "8613800138000");
         mo.setStringProperty("smsDestination", "1065712345");
         mo.setIntProperty("smsDataCoding", 0);
         producer.send(mo);
      }
   }

   @Test
   void anAccountsOwnDefaultAlphabetChangesOnlyItsSessions() throws Exception {
      start("", "latin { password = \"password\", protocols = [SMPP], smpp-default-alphabet = latin1 }");
      BlockingQueue<DeliverSm> gsmInbox = new LinkedBlockingQueue<>();
      BlockingQueue<DeliverSm> latinInbox = new LinkedBlockingQueue<>();
      SMPPSession gsm = esme("smppclient1", gsmInbox);
      SMPPSession latin = esme("latin", latinInbox);
      try {
         moToAccount("smppclient1", "Grüße à");
         moToAccount("latin", "Grüße à");
         DeliverSm toGsm = gsmInbox.poll(10, TimeUnit.SECONDS);
         DeliverSm toLatin = latinInbox.poll(10, TimeUnit.SECONDS);
         assertNotNull(toGsm, "deliver_sm at smppclient1");
         assertNotNull(toLatin, "deliver_sm at latin");
         assertEquals(0x00, toGsm.getDataCoding() & 0xFF);
         assertArrayEquals(Gsm7Alphabet.encode("Grüße à"), toGsm.getShortMessage(), "the acceptor's default: GSM 7-bit");
         assertEquals(0x00, toLatin.getDataCoding() & 0xFF);
         assertArrayEquals(latin1("Grüße à"), toLatin.getShortMessage(), "the account's own: Latin-1");

         // the same octets with data_coding 0: Latin-1 text from one, undefined GSM octets from the other
         submit(latin, 0x00, latin1("café"));
         assertEquals("café", Gsm7Alphabet.decode(sent().shortMessage(), 0, 4), "read as Latin-1, sent on as GSM 7-bit");
         NegativeResponseException refused = assertThrows(NegativeResponseException.class, () -> submit(gsm, 0x00, latin1("café")));
         assertEquals(0x401, refused.getCommandStatus(), "0xE9 is no GSM 7-bit octet");
      } finally {
         gsm.unbindAndClose();
         latin.unbindAndClose();
      }
   }
}
