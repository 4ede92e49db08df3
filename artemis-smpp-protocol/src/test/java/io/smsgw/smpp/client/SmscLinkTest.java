package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStoreConfig;
import io.smsgw.correlation.RocksDbCorrelationStore;
import io.smsgw.correlation.SmsProtocol;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.OptionalParameter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SMSC link against an SMPP 3.4 SMSC built from jSMPP's server side: MT out with the right fields,
 * receipts (TLVs) back as DR messages with the MT's smsId, MO in; across a gateway restart, an SMSC that goes
 * away and comes back, and an SMSC that throttles.
 */
class SmscLinkTest {

   @TempDir
   Path dir;

   @BeforeEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
      System.clearProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY);
   }

   @AfterEach
   void restoreConfig() {
      System.clearProperty("smsgw.config");
      System.clearProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY);
   }

   private static SmscLinkControlMBean control(TestBroker broker) {
      return (SmscLinkControlMBean) broker.server().getManagementService().getUntypedControl("smsc-link.sim");
   }

   private void configureLink(int smscPort, String extra) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 2s, response-timeout = 3s, reconnect-min = 100ms, reconnect-max = 400ms %s }
         }
         """.formatted(smscPort, extra));
      System.setProperty("smsgw.config", file.toString());
   }

   private static void sendMt(TestBroker broker, String smsId, String destination, String text) throws JMSException {
      sendMt(broker, smsId, destination, session -> session.createTextMessage(text));
   }

   /** An MT whose body (and any further properties) {@code body} makes. */
   private static void sendMt(TestBroker broker, String smsId, String destination, MessageMaker body) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.smscLinkQueue("sim")))) {
         Message mt = body.make(session);
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "smppclient1");
         mt.setStringProperty("smsProtocol", "SMPP");
         mt.setStringProperty("smsSource", "8610086");
         mt.setStringProperty("smsDestination", destination);
         mt.setIntProperty("smsRegisteredDelivery", 1);
         producer.send(mt);
      }
   }

   private interface MessageMaker {
      Message make(Session session) throws JMSException;
   }

   private static TextMessage receive(TestBroker broker, String queue, String selector) throws JMSException {
      return receive(broker, queue, selector, 10_000);
   }

   private static TextMessage receive(TestBroker broker, String queue, String selector, long timeoutMillis) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer consumer = session.createConsumer(session.createQueue(queue), selector);
         return (TextMessage) consumer.receive(timeoutMillis);
      }
   }

   @Test
   void mtGoesOutAndTheReceiptAndAnMoComeBack() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000a1", "8613800138000", "Hello SMSC");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "submit_sm at the SMSC");
            assertEquals("8613800138000", submit.destination());
            assertEquals("8610086", submit.source());
            assertEquals("Hello SMSC", new String(submit.shortMessage(), StandardCharsets.US_ASCII));
            Wait.until("MT acknowledged once the correlation is durable", Duration.ofSeconds(10),
                       () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);

            smsc.sendReceipt(submit, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "DR on sms.dr");
            assertEquals("DR", dr.getStringProperty("smsKind"));
            assertEquals("00000000000000a1", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
            assertEquals("smppclient1", dr.getStringProperty("smsAccount"));
            assertEquals(submit.messageId(), dr.getStringProperty("smsSmscMessageId"));
            assertEquals("sim", dr.getStringProperty("smsLink"));
            assertEquals("8613800138000", dr.getStringProperty("smsSource"));

            smsc.sendMo("8613800138000", "1065712345", "Hi back");
            TextMessage mo = receive(broker, SmsAddresses.MO, null);
            assertNotNull(mo, "MO on sms.mo");
            assertEquals("Hi back", mo.getText());
            assertEquals("1065712345", mo.getStringProperty("smsDestination"));
            assertEquals("sim", mo.getStringProperty("smsLink"));
         }
      }
   }

   @Test
   void aReceiptAfterAGatewayRestartStillCorrelates() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         JsmppSmsc.Received submit;
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000b2", "8613800138001", "Across a restart");
            submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
         }
         int bindsBefore = smsc.binds.get();
         try (TestBroker restarted = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound again", Duration.ofSeconds(10), () -> smsc.binds.get() > bindsBefore && smsc.hasBoundSession());
            smsc.sendReceipt(submit, DeliveryReceiptState.UNDELIV, MessageState.UNDELIVERABLE);
            TextMessage dr = receive(restarted, SmsAddresses.DR, null);
            assertNotNull(dr);
            assertEquals("00000000000000b2", dr.getStringProperty("smsId"));
            assertEquals("UNDELIV", dr.getStringProperty("smsStatus"));
         }
      }
   }

   @Test
   void messagesWaitWhileTheSmscIsDownAndGoOutOnceWhenItIsBack() throws Exception {
      int port = JsmppSmsc.freePort();
      configureLink(port, "");
      try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
         for (int i = 0; i < 5; i++) {
            sendMt(broker, "0000000000000c0" + i, "861380013800" + i, "waiting " + i);
         }
         Wait.until("5 waiting on the link queue", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 5);
         try (JsmppSmsc smsc = new JsmppSmsc(port)) {
            Set<String> texts = new HashSet<>();
            for (int i = 0; i < 5; i++) {
               JsmppSmsc.Received r = smsc.submits.poll(15, TimeUnit.SECONDS);
               assertNotNull(r, "submit " + i);
               texts.add(new String(r.shortMessage(), StandardCharsets.US_ASCII));
            }
            assertEquals(5, texts.size());
            Wait.until("all acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            assertNull(smsc.submits.poll(300, TimeUnit.MILLISECONDS), "nothing sent twice");
         }
         // The SMSC goes away and a new one comes up on the same port: the link binds again and carries on.
         try (JsmppSmsc again = new JsmppSmsc(port)) {
            Wait.until("link rebound", Duration.ofSeconds(15), again::hasBoundSession);
            sendMt(broker, "0000000000000c10", "8613800138010", "after the outage");
            JsmppSmsc.Received r = again.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(r);
            assertEquals("after the outage", new String(r.shortMessage(), StandardCharsets.US_ASCII));
         }
      }
   }

   @Test
   void aBurstLargerThanTheWindowGoesOutOnceAndIsAllAcknowledged() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            int count = 40;   // ten windows of 4: each batch of acknowledgements must free its slots
            for (int i = 0; i < count; i++) {
               sendMt(broker, String.format("00000000000e%04d", i), "86138001380" + (10 + i), "burst " + i);
            }
            Set<String> texts = new HashSet<>();
            for (int i = 0; i < count; i++) {
               JsmppSmsc.Received r = smsc.submits.poll(15, TimeUnit.SECONDS);
               assertNotNull(r, "submit " + i);
               texts.add(new String(r.shortMessage(), StandardCharsets.US_ASCII));
            }
            assertEquals(count, texts.size());
            Wait.until("all acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            assertNull(smsc.submits.poll(300, TimeUnit.MILLISECONDS), "nothing sent twice");
         }
      }
   }

   @Test
   void throttledSubmitsAreRetriedUntilAllArrive() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.throttleNext.set(4);
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            for (int i = 0; i < 3; i++) {
               sendMt(broker, "0000000000000d0" + i, "861380013802" + i, "throttled " + i);
            }
            Set<String> texts = new HashSet<>();
            for (int i = 0; i < 3; i++) {
               JsmppSmsc.Received r = smsc.submits.poll(15, TimeUnit.SECONDS);
               assertNotNull(r, "submit " + i);
               texts.add(new String(r.shortMessage(), StandardCharsets.US_ASCII));
            }
            assertEquals(Set.of("throttled 0", "throttled 1", "throttled 2"), texts);
            Wait.until("all acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
         }
      }
   }

   @Test
   void maxSubmitRateCountsEverySubmitSmOfALongMessage() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, ", max-submit-rate = 2");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000d1", "8613800138080", "long ".repeat(80)); // 400 characters: three parts
            sendMt(broker, "00000000000000d2", "8613800138081", "short one");
            sendMt(broker, "00000000000000d3", "8613800138082", "short two");
            List<Long> arrivals = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
               JsmppSmsc.Received r = smsc.submits.poll(15, TimeUnit.SECONDS);
               assertNotNull(r, "submit " + i);
               arrivals.add(r.receivedNanos());
            }
            Collections.sort(arrivals);
            // A burst of one second's worth (2), then one every 500 ms: never 4 within 900 ms (a margin for jitter).
            for (int i = 0; i + 3 < arrivals.size(); i++) {
               long span = arrivals.get(i + 3) - arrivals.get(i);
               assertTrue(span >= TimeUnit.MILLISECONDS.toNanos(900),
                          "4 submit_sm within " + TimeUnit.NANOSECONDS.toMillis(span) + " ms at 2 per second");
            }
            Wait.until("all acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
         }
      }
   }

   @Test
   void smpp33LinkWithTextReceiptsInDecimalCorrelates() throws Exception {
      int port = JsmppSmsc.freePort();
      try (CloudhopperSmsc smsc = new CloudhopperSmsc(port)) {
         configureLink(port, ", version = \"3.3\", bind = transmitter-receiver, receipt-id-format = decimal-in-receipt");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("transmitter and receiver bound", Duration.ofSeconds(10),
                       () -> smsc.hasBound(com.cloudhopper.smpp.SmppBindType.TRANSMITTER) && smsc.hasBound(com.cloudhopper.smpp.SmppBindType.RECEIVER));
            sendMt(broker, "00000000000000e1", "8613800138030", "Hello 3.3 SMSC");
            CloudhopperSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            assertEquals("Hello 3.3 SMSC", new String(submit.shortMessage(), StandardCharsets.US_ASCII));
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            smsc.sendReceipt(submit, com.cloudhopper.smpp.SmppConstants.STATE_DELIVERED);
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "DR from a text-only receipt whose id is the decimal form of the hex submit_sm_resp id");
            assertEquals("00000000000000e1", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
         }
      }
   }

   @Test
   void smpp34ReceiptWithTheResponseIdInItsTlvCorrelatesOnADecimalInReceiptLink() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, ", receipt-id-format = decimal-in-receipt");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000e2", "8613800138031", "TLV and text ids");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            // The simulator's ids are hex made of digits only ("5001"): read as decimal they would name another MT.
            String decimal = Long.toString(Long.parseLong(submit.messageId(), 16));
            smsc.sendReceipt(submit, decimal, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "DR: the TLV holds the submit_sm_resp id, the text its decimal form");
            assertEquals("00000000000000e2", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
            assertEquals(0, broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS), "nothing parked");
         }
      }
   }

   @Test
   void longUnicodeTextIsSplitIntoTrackedUcs2Segments() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            String text = "短信网关测试".repeat(15); // 90 characters: two UCS2 segments
            sendMt(broker, "00000000000000f1", "8613800138040", text);
            JsmppSmsc.Received a = smsc.submits.poll(10, TimeUnit.SECONDS);
            JsmppSmsc.Received b = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(a);
            assertNotNull(b);
            // the SMSC may see the parts in either order: put them in part order
            JsmppSmsc.Received first = a.shortMessage()[5] == 1 ? a : b;
            JsmppSmsc.Received second = first == a ? b : a;
            assertEquals(8, first.dataCoding(), "UCS2");
            assertEquals(0x40, first.esmClass() & 0x40, "UDH indicator");
            assertEquals(2, first.shortMessage()[4], "two parts");
            assertEquals(1, first.shortMessage()[5]);
            assertEquals(2, second.shortMessage()[5]);
            String joined = new String(first.shortMessage(), 6, first.shortMessage().length - 6, StandardCharsets.UTF_16BE)
               + new String(second.shortMessage(), 6, second.shortMessage().length - 6, StandardCharsets.UTF_16BE);
            assertEquals(text, joined);
            Wait.until("acknowledged after both parts", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            smsc.sendReceipt(second, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertEquals("00000000000000f1", dr.getStringProperty("smsId"));
            assertEquals(2, dr.getIntProperty("smsSegmentNumber"));
            assertEquals(2, dr.getIntProperty("smsSegmentTotal"));
         }
      }
   }

   @Test
   void aLongBinaryMtReportsTheReferenceItsUdhCarries() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000b7", "8613800138071", session -> {
               BytesMessage mt = session.createBytesMessage();
               mt.writeBytes(new byte[200]); // more than one 140-octet segment
               mt.setIntProperty("smsDataCoding", 4);
               return mt;
            });
            JsmppSmsc.Received a = smsc.submits.poll(10, TimeUnit.SECONDS);
            JsmppSmsc.Received b = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(a);
            assertNotNull(b);
            JsmppSmsc.Received first = a.shortMessage()[5] == 1 ? a : b;
            assertEquals(0x40, first.esmClass() & 0x40, "UDH indicator");
            int udhReference = first.shortMessage()[3] & 0xFF;
            Wait.until("acknowledged after both parts", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            smsc.sendReceipt(first, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr);
            assertEquals(1, dr.getIntProperty("smsSegmentNumber"));
            assertEquals(udhReference, dr.getIntProperty("smsSegmentRef"), "the reference the handset saw");
         }
      }
   }

   /** A segment of a long message an ESME sent with SAR TLVs: the segment properties, no smsUdh. */
   private static MessageMaker sarSegment(String text) {
      return sarSegment(text, 7);
   }

   private static MessageMaker sarSegment(String text, int reference) {
      return session -> {
         TextMessage mt = session.createTextMessage(text);
         mt.setIntProperty("smsSegmentRef", reference);
         mt.setIntProperty("smsSegmentTotal", 2);
         mt.setIntProperty("smsSegmentNumber", 1);
         return mt;
      };
   }

   @Test
   void aSegmentKnownByItsPropertiesGoesOutWithSarTlvsOnA34LinkThatSendsLongMessagesSo() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, ", long-messages = sar");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000b8", "8613800138072", sarSegment("first half "));
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            assertEquals("first half ", new String(submit.shortMessage(), StandardCharsets.US_ASCII));
            assertEquals(7, submit.tlv(OptionalParameter.Tag.SAR_MSG_REF_NUM));
            assertEquals(2, submit.tlv(OptionalParameter.Tag.SAR_TOTAL_SEGMENTS));
            assertEquals(1, submit.tlv(OptionalParameter.Tag.SAR_SEGMENT_SEQNUM));
         }
      }
   }

   @Test
   void aSegmentKnownByItsPropertiesGoesOutWithAConcatenationUdhOnA33Link() throws Exception {
      int port = JsmppSmsc.freePort();
      try (CloudhopperSmsc smsc = new CloudhopperSmsc(port)) {
         configureLink(port, ", version = \"3.3\", bind = transmitter-receiver");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("transmitter bound", Duration.ofSeconds(10), () -> smsc.hasBound(com.cloudhopper.smpp.SmppBindType.TRANSMITTER));
            sendMt(broker, "00000000000000b9", "8613800138073", sarSegment("first half "));
            CloudhopperSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            assertEquals(0x40, submit.esmClass() & 0x40, "UDH indicator");
            byte[] expected = concat(new byte[] {0x05, 0x00, 0x03, 0x07, 0x02, 0x01}, "first half ".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(expected, submit.shortMessage());
         }
      }
   }

   @Test
   void aSegmentKnownByItsPropertiesGoesOutWithAConcatenationUdhOnA34LinkThatSendsLongMessagesAsUdh() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, ""); // long-messages = udh, the default: some SMSCs ignore SAR TLVs
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000bb", "8613800138075", sarSegment("first half ", 0x1234));
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            assertEquals(0x40, submit.esmClass() & 0x40, "UDH indicator");
            byte[] expected = concat(new byte[] {0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01}, "first half ".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(expected, submit.shortMessage(), "a 16-bit reference keeps its 16-bit header when it fits");
         }
      }
   }

   @Test
   void aFullSegmentWithALargeSarReferenceOnA33LinkGetsTheShorterHeader() throws Exception {
      int port = JsmppSmsc.freePort();
      try (CloudhopperSmsc smsc = new CloudhopperSmsc(port)) {
         configureLink(port, ", version = \"3.3\", bind = transmitter-receiver");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("transmitter bound", Duration.ofSeconds(10), () -> smsc.hasBound(com.cloudhopper.smpp.SmppBindType.TRANSMITTER));
            // 153 septets fill an SMS with the 6-octet header (IE 0x00); the 7-octet 16-bit header leaves room for 152.
            String full = "x".repeat(153);
            sendMt(broker, "00000000000000bc", "8613800138076", sarSegment(full, 300));
            CloudhopperSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "sent, not refused");
            byte[] expected = concat(new byte[] {0x05, 0x00, 0x03, (byte) (300 & 0xFF), 0x02, 0x01}, full.getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(expected, submit.shortMessage());
         }
      }
   }

   @Test
   void aSegmentTooLongForItsConcatenationUdhOnA33LinkIsRejectedWithAReport() throws Exception {
      int port = JsmppSmsc.freePort();
      try (CloudhopperSmsc smsc = new CloudhopperSmsc(port)) {
         configureLink(port, ", version = \"3.3\", bind = transmitter-receiver");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("transmitter bound", Duration.ofSeconds(10), () -> smsc.hasBound(com.cloudhopper.smpp.SmppBindType.TRANSMITTER));
            // 160 septets fill an SMS without a UDH; with the 6-octet header only 153 fit.
            sendMt(broker, "00000000000000ba", "8613800138074", sarSegment("x".repeat(160)));
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "REJECTD report");
            assertEquals("00000000000000ba", dr.getStringProperty("smsId"));
            assertEquals("REJECTD", dr.getStringProperty("smsStatus"));
            assertEquals("001", dr.getStringProperty("smsErrorCode"), "ESME_RINVMSGLEN");
            assertEquals(1, dr.getIntProperty("smsSegmentNumber"));
            Wait.until("acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            assertNull(smsc.submits.poll(300, TimeUnit.MILLISECONDS), "nothing cut short reached the SMSC");
         }
      }
   }

   private static byte[] concat(byte[] a, byte[] b) {
      byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
   }

   @Test
   void aRefusedSubmitBecomesARejectedReportAndIsNotRetried() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.refuseWith.set(0x45);
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000f2", "8613800138041", "refused");
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "REJECTD report");
            assertEquals("00000000000000f2", dr.getStringProperty("smsId"));
            assertEquals("REJECTD", dr.getStringProperty("smsStatus"));
            assertEquals("069", dr.getStringProperty("smsErrorCode"), "ESME_RSUBMITFAIL (0x45) in decimal");
            Wait.until("acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            SmscLinkControlMBean control = (SmscLinkControlMBean) broker.server().getManagementService().getUntypedControl("smsc-link.sim");
            assertEquals("BOUND", control.getState());
            assertEquals(1, control.getRefused());
            assertEquals(0, control.getWindowInUse());
         }
      }
   }

   @Test
   void anMtTheCodecCannotSendBecomesARejectedReportAndTheLinkCarriesOn() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            // 23 digits (a CMPP 3.0 Dest_terminal_Id may have 32): more than SMPP's destination_addr holds.
            sendMt(broker, "00000000000000a7", "86138001380001234567890", "too long an address");
            sendMt(broker, "00000000000000a8", "8613800138070", "after the unsendable one");
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "REJECTD report for the unsendable MT");
            assertEquals("00000000000000a7", dr.getStringProperty("smsId"));
            assertEquals("REJECTD", dr.getStringProperty("smsStatus"));
            assertEquals("011", dr.getStringProperty("smsErrorCode"), "ESME_RINVDSTADR (0x0B) in decimal");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "the next MT goes out");
            assertEquals("8613800138070", submit.destination());
            Wait.until("both acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS), "nothing sent twice");
            assertEquals(1, smsc.binds.get(), "the link stayed bound: no reconnect");
            SmscLinkControlMBean control = control(broker);
            assertEquals("BOUND", control.getState());
            assertEquals(0, control.getWindowInUse());
         }
      }
   }

   @Test
   void anExpiredReportThatCannotBeStoredAtFirstArrivesOnceItCan() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         // sms.dr refuses sends while it holds a message: the address-full FAIL policy with a one-byte limit.
         try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg
                 .addAddressSetting(SmsAddresses.DR, new AddressSettings().setMaxSizeBytes(1L)
                    .setAddressFullMessagePolicy(AddressFullMessagePolicy.FAIL))
                 .addQueueConfiguration(QueueConfiguration.of(SmsAddresses.DR).setRoutingType(RoutingType.ANYCAST))).start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
                 Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
               session.createProducer(session.createQueue(SmsAddresses.DR)).send(session.createTextMessage("filler"));
            }
            // Validity and the hour of grace both over: the record expires as soon as it is stored.
            long validity = System.currentTimeMillis() - TimeUnit.HOURS.toMillis(2);
            sendMt(broker, "00000000000000e1", "8613800138090", session -> {
               TextMessage mt = session.createTextMessage("never delivered");
               mt.setLongProperty("smsValidityTime", validity);
               return mt;
            });
            assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "submit_sm at the SMSC");
            Wait.until("the EXPIRED report refused by the full address", Duration.ofSeconds(10),
                       () -> control(broker).getExpiredReportsFailed() > 0);

            assertEquals("filler", receive(broker, SmsAddresses.DR, null).getText());
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "the EXPIRED report, made again once it can be stored");
            assertEquals("00000000000000e1", dr.getStringProperty("smsId"));
            assertEquals("EXPIRED", dr.getStringProperty("smsStatus"));
            assertNull(receive(broker, SmsAddresses.DR, null, 1_500), "stored once, not once per try");
         }
      }
   }

   @Test
   void anMtOfALinkTakenOutOfTheConfigurationStillGetsItsExpiredReport() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, ""); // only "sim": link "old" was taken out of the configuration
         // What link "old" left in the correlation store: an MT the SMSC accepted, whose validity and grace are over.
         long validity = System.currentTimeMillis() - TimeUnit.HOURS.toMillis(2);
         try (RocksDbCorrelationStore store = RocksDbCorrelationStore.open(
                 CorrelationStoreConfig.builder(dir.resolve(SmscLinkService.STORE_DIRECTORY)).build())) {
            store.put(new CorrelationRecord("old", "5f3a", "00000000000000e2", "smppclient1", null, "8610086",
                                            "8613800138091", null, 0, null, null, null, validity - 60_000, validity,
                                            0, 0, 0, 1, SmsProtocol.SMPP, "3.4")).toCompletableFuture().get(10, TimeUnit.SECONDS);
         }
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "the EXPIRED report for the SP, though its link is gone");
            assertEquals("00000000000000e2", dr.getStringProperty("smsId"));
            assertEquals("EXPIRED", dr.getStringProperty("smsStatus"));
            assertEquals("smppclient1", dr.getStringProperty("smsAccount"));
            assertEquals("8613800138091", dr.getStringProperty("smsSource"), "from the recipient");
            assertEquals("old", dr.getStringProperty("smsLink"), "the link the MT went out on");
         }
      }
   }

   @Test
   void receiptsThatMatchNothingAreParkedNotDropped() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            smsc.sendReceipt(new JsmppSmsc.Received("deadbeef", "8613800138000", "8610086", 0, new byte[0], (byte) 0),
                             DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            TextMessage parked = receive(broker, LinkMessages.UNMATCHED_RECEIPTS, null);
            assertNotNull(parked);
            assertEquals("deadbeef", parked.getStringProperty("smsSmscMessageId"));
         }
      }
   }

   @Test
   void aReceiptParkedBeforeItsRecordExistedIsMatchedOnALaterTry() throws Exception {
      System.setProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY, "300,1000");
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.receiptsBeforeResponse.set(1);
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000c3", "8613800138050", "receipt first");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);

            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "DR once the parked receipt matched its record");
            assertEquals("00000000000000c3", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
            assertEquals(submit.messageId(), dr.getStringProperty("smsSmscMessageId"));
            assertEquals("smppclient1", dr.getStringProperty("smsAccount"));
            Wait.until("parked copy deleted", Duration.ofSeconds(10),
                       () -> broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS) == 0);
            SmscLinkControlMBean control = control(broker);
            assertEquals(1, control.getReceiptsUnmatched(), "parked first: the record did not exist yet");
            assertEquals(0, control.getReceiptsMatched());
            assertEquals(1, control.getReceiptsRematched());
            assertEquals(0, broker.messageCount(SmsAddresses.DR), "one DR only");
            assertEquals(0, broker.messageCount(SmsAddresses.smscLinkQueue("sim")), "MT acknowledged");
         }
      }
   }

   @Test
   void aReceiptThatNeverMatchesStaysParkedAfterItsTries() throws Exception {
      System.setProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY, "100,200,300");
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            smsc.sendReceipt(new JsmppSmsc.Received("c0ffee", "8613800138051", "8610086", 0, new byte[0], (byte) 0),
                             DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            SmscLinkControlMBean control = control(broker);
            Wait.until("tries exhausted", Duration.ofSeconds(10), () -> control.getParkedReceiptsExhausted() == 1);
            assertEquals(0, control.getReceiptsRematched());
            assertEquals(1, broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS), "still parked for an operator");
            TextMessage parked = receive(broker, LinkMessages.UNMATCHED_RECEIPTS, null);
            assertNotNull(parked);
            assertEquals("c0ffee", parked.getStringProperty("smsSmscMessageId"));
            assertEquals(0, broker.messageCount(SmsAddresses.DR));
         }
      }
   }

   @Test
   void triesOfParkedReceiptsResumeAfterARestart() throws Exception {
      System.setProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY, "3600000");
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.receiptsBeforeResponse.set(1);
         configureLink(port, "");
         JsmppSmsc.Received submit;
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000d4", "8613800138052", "parked across a restart");
            submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            Wait.until("MT acknowledged, receipt parked", Duration.ofSeconds(10),
                       () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0
                          && broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS) == 1);
            assertEquals(0, broker.messageCount(SmsAddresses.DR), "first try is an hour away");
         }
         System.setProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY, "200");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "the parked receipt found at start matched");
            assertEquals("00000000000000d4", dr.getStringProperty("smsId"));
            assertEquals(submit.messageId(), dr.getStringProperty("smsSmscMessageId"));
            Wait.until("parked copy deleted", Duration.ofSeconds(10),
                       () -> broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS) == 0);
            assertEquals(1, control(broker).getReceiptsRematched());
         }
      }
   }

   /** A TLS SMSC with a self-signed certificate that the link trusts through its tls-trust-store. */
   @Test
   void aTlsLinkTrustsItsConfiguredCertificates() throws Exception {
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      Path serverStore = dir.resolve("smsc.p12");
      Path certificate = dir.resolve("smsc.cer");
      Path trustStore = dir.resolve("trust.p12");
      run(keytool, "-genkeypair", "-alias", "smsc", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
          "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
          "-keystore", serverStore.toString(), "-storepass", "changeit", "-keypass", "changeit");
      run(keytool, "-exportcert", "-alias", "smsc", "-keystore", serverStore.toString(), "-storepass", "changeit",
          "-file", certificate.toString());
      run(keytool, "-importcert", "-noprompt", "-alias", "smsc", "-file", certificate.toString(), "-storetype", "PKCS12",
          "-keystore", trustStore.toString(), "-storepass", "trustpass");
      java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
      try (var in = Files.newInputStream(serverStore)) {
         keys.load(in, "changeit".toCharArray());
      }
      javax.net.ssl.KeyManagerFactory keyManagers = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, "changeit".toCharArray());
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(keyManagers.getKeyManagers(), null, null);

      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port, tls)) {
         configureLink(port, ", tls = true, tls-trust-store = \"" + trustStore + "\", tls-trust-store-password = trustpass");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("TLS link bound", Duration.ofSeconds(15), smsc::hasBoundSession);
            sendMt(broker, "00000000000000c9", "8613800138060", "Over TLS");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "submit_sm over TLS");
            assertEquals("Over TLS", new String(submit.shortMessage(), StandardCharsets.US_ASCII));
         }
      }
   }

   private static void run(String... command) throws Exception {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
         throw new AssertionError(String.join(" ", command) + " failed: " + output);
      }
   }
}
