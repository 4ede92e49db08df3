package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.DiskFullSwitch;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.TestCertificate;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.concat.SplitReference;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStoreConfig;
import io.smsgw.correlation.RocksDbCorrelationStore;
import io.smsgw.correlation.SmsProtocol;
import io.smsgw.smpp.codec.SmppStatus;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import javax.management.ObjectName;
import org.apache.activemq.artemis.api.core.ActiveMQInternalErrorException;
import org.apache.activemq.artemis.core.remoting.FailureListener;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
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

   /** Where parked receipts that can no longer match are moved, for an operator. */
   private static final String SET_ASIDE = "sms.dr.unmatched.exhausted";

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

   /** Changes an MT after the usual properties are set (say, a property an application got wrong). */
   private interface MessageChange {
      void apply(Message mt) throws JMSException;
   }

   /** A text MT with the usual properties, then {@code change} applied. */
   private static void sendMt(TestBroker broker, String smsId, String destination, String text, MessageChange change)
         throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.smscLinkQueue("sim")))) {
         Message mt = session.createTextMessage(text);
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "smppclient1");
         mt.setStringProperty("smsProtocol", "SMPP");
         mt.setStringProperty("smsSource", "8610086");
         mt.setStringProperty("smsDestination", destination);
         mt.setIntProperty("smsRegisteredDelivery", 1);
         mt.setStringProperty("smsFeeType", "02");
         change.apply(mt);
         producer.send(mt);
      }
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
   void anMoWithAnIncompleteSarSetIsDeliveredWholeAndAWholeSetKeepsItsParts() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);

            // sar_msg_ref_num without sar_total_segments and sar_segment_seqnum: no part any SP could reassemble
            smsc.sendMo("8613800138000", "1065712345", "reference only",
                        new OptionalParameter.Sar_msg_ref_num((short) 9));
            TextMessage orphan = receive(broker, SmsAddresses.MO, null);
            assertNotNull(orphan, "MO on sms.mo");
            assertEquals("reference only", orphan.getText());
            assertFalse(orphan.propertyExists("smsSegmentTotal"), "not marked as a part of a long message");

            // part 3 of 2
            smsc.sendMo("8613800138000", "1065712345", "past the total",
                        new OptionalParameter.Sar_msg_ref_num((short) 9), new OptionalParameter.Sar_total_segments((byte) 2),
                        new OptionalParameter.Sar_segment_seqnum((byte) 3));
            TextMessage past = receive(broker, SmsAddresses.MO, null);
            assertNotNull(past, "MO on sms.mo");
            assertEquals("past the total", past.getText());
            assertFalse(past.propertyExists("smsSegmentTotal"), "not marked as a part of a long message");

            smsc.sendMo("8613800138000", "1065712345", "second of two",
                        new OptionalParameter.Sar_msg_ref_num((short) 9), new OptionalParameter.Sar_total_segments((byte) 2),
                        new OptionalParameter.Sar_segment_seqnum((byte) 2));
            TextMessage part = receive(broker, SmsAddresses.MO, null);
            assertNotNull(part, "MO on sms.mo");
            assertEquals(9, part.getIntProperty("smsSegmentRef"));
            assertEquals(2, part.getIntProperty("smsSegmentTotal"));
            assertEquals(2, part.getIntProperty("smsSegmentNumber"));
         }
      }
   }

   @Test
   void anIntermediateNotificationWithAStateOfItsOwnDoesNotEndTheMt() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000c7", "8613800138077", "Buffered first");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);

            // "PENDING" is no state SMPP defines (it would read as UNKNOWN, a final state), and "DELIVRD" in an
            // intermediate notification contradicts its type: neither may end the MT.
            smsc.sendIntermediateNotification(submit, "PENDING");
            TextMessage buffered = receive(broker, SmsAddresses.DR, null);
            assertNotNull(buffered, "DR of the notification");
            assertEquals("ENROUTE", buffered.getStringProperty("smsStatus"));
            smsc.sendIntermediateNotification(submit, "DELIVRD");
            assertEquals("ENROUTE", receive(broker, SmsAddresses.DR, null).getStringProperty("smsStatus"));

            smsc.sendReceipt(submit, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "the final receipt still matches its MT");
            assertEquals("00000000000000c7", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
            assertEquals(0, broker.messageCount("sms.dr.unmatched"), "nothing parked");
         }
      }
   }

   /**
    * The link asks the SMSC for intermediate notifications (registered_delivery 0x11) only for an MT an SMPP 3.4 ESME
    * submitted with bit 0x10 and that never crossed gateways, since only those are sent on; a final receipt (0x01) for
    * every other MT, as before. Many SMSCs send intermediate notifications only when asked.
    */
   @Test
   void aThreeFourLinkAsksForIntermediateNotificationsOnlyForAThreeFourEsmesMtThatAskedForThem() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000f1", "8613800138091", "asked", mt -> {
               mt.setStringProperty("smsProtocolVersion", "3.4");
               mt.setIntProperty("smsRegisteredDelivery", 0x11);
            });
            sendMt(broker, "00000000000000f2", "8613800138092", "final only", mt -> mt.setStringProperty("smsProtocolVersion", "3.4"));
            sendMt(broker, "000000f3", "8613800138093", "3.3 ESME", mt -> {
               mt.setStringProperty("smsProtocolVersion", "3.3");
               mt.setIntProperty("smsRegisteredDelivery", 0x11);
            });
            sendMt(broker, "00000000000000f4", "8613800138094", "CMPP SP", mt -> {
               mt.setStringProperty("smsProtocol", "CMPP");
               mt.setIntProperty("smsRegisteredDelivery", 0x11);
            });
            sendMt(broker, "00000000000000f5", "8613800138095", "from a peer", mt -> {
               mt.setStringProperty("smsOriginGateway", "002002");
               mt.setIntProperty("smsRegisteredDelivery", 0x11);
            });
            Map<String, Integer> asked = new HashMap<>();
            for (int i = 0; i < 5; i++) {
               JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(submit, "submit_sm " + (i + 1) + " of 5");
               asked.put(submit.destination(), submit.registeredDelivery());
            }
            assertEquals(Map.of("8613800138091", 0x11, "8613800138092", 0x01, "8613800138093", 0x01, "8613800138094", 0x01,
                                "8613800138095", 0x01), asked);
         }
      }
   }

   /** SMPP 3.3 defines registered_delivery 0 and 1 only: a 3.3 link asks for the final receipt whatever the MT asked. */
   @Test
   void aThreeThreeLinkAsksOnlyForTheFinalReceipt() throws Exception {
      int port = JsmppSmsc.freePort();
      try (CloudhopperSmsc smsc = new CloudhopperSmsc(port)) {
         configureLink(port, ", version = \"3.3\", bind = transmitter-receiver");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("transmitter and receiver bound", Duration.ofSeconds(10),
                       () -> smsc.hasBound(com.cloudhopper.smpp.SmppBindType.TRANSMITTER) && smsc.hasBound(com.cloudhopper.smpp.SmppBindType.RECEIVER));
            sendMt(broker, "00000000000000f6", "8613800138096", "asked", mt -> {
               mt.setStringProperty("smsProtocolVersion", "3.4");
               mt.setIntProperty("smsRegisteredDelivery", 0x11);
            });
            CloudhopperSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            assertEquals(0x01, submit.registeredDelivery());
         }
      }
   }

   /**
    * Some SMSCs send receipts with esm_class 0, like an MO: one known by its receipted_message_id TLV, one only by its
    * Appendix B text. Each ends its MT with a DR (what billing and the SP's report come from) and none reaches sms.mo; an
    * MO whose text only looks a little like a receipt stays an MO.
    */
   @Test
   void aReceiptSentWithEsmClassZeroIsKnownByItsTlvOrItsTextAndAnMoMentioningAnIdStaysAnMo() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000d1", "8613800138011", "Receipt by TLV");
            JsmppSmsc.Received byTlv = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(byTlv);
            sendMt(broker, "00000000000000d2", "8613800138012", "Receipt by text");
            JsmppSmsc.Received byText = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(byText);
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);

            // a text no receipt parser reads: only the TLVs say what it is
            smsc.sendReceiptAsDefaultMessage(byTlv, "Message delivered",
               new OptionalParameter.Receipted_message_id(byTlv.messageId()),
               new OptionalParameter.Message_state(MessageState.DELIVERED.value()));
            TextMessage tlvDr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(tlvDr, "DR of the receipt known by its TLV");
            assertEquals("00000000000000d1", tlvDr.getStringProperty("smsId"));
            assertEquals("DELIVRD", tlvDr.getStringProperty("smsStatus"));

            smsc.sendReceiptAsDefaultMessage(byText, "id:" + byText.messageId()
               + " sub:001 dlvrd:000 submit date:2611280000 done date:2611280005 stat:UNDELIV err:011 text:Receipt by text");
            TextMessage textDr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(textDr, "DR of the receipt known by its text");
            assertEquals("00000000000000d2", textDr.getStringProperty("smsId"));
            assertEquals("UNDELIV", textDr.getStringProperty("smsStatus"));

            // MO that a handset could write: no done date, no state word, or not starting with a receipt field
            List<String> mo = List.of("id:5 stat:ok", "id:" + byText.messageId() + " stat:DELIVRD", "my id:77 done date:2611280005 stat:DELIVRD");
            for (String text : mo) {
               smsc.sendMo("8613800138012", "1065712345", text);
            }
            for (String text : mo) {
               TextMessage received = receive(broker, SmsAddresses.MO, null);
               assertNotNull(received, "MO on sms.mo: " + text);
               assertEquals(text, received.getText());
            }
            assertEquals(2, control(broker).getReceiptsMatched());
            assertEquals(0, control(broker).getReceiptsUnmatched(), "nothing parked");
            assertEquals(3, control(broker).getMoReceived());
            assertNull(receive(broker, SmsAddresses.MO, null, 500), "no receipt became an MO");
         }
      }
   }

   /** A receipt text with esm_class 0 naming the MT's SMSC id, stat and done date, as any handset can write it. */
   private static String receiptText(String id, String stat) {
      return "id:" + id + " sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:" + stat + " err:000";
   }

   /**
    * A subscriber who sends a receipt text naming someone else's MT to the service number (an MO, esm_class 0) does not
    * end that MT: the text is an MO, and the real receipt later still reports DELIVRD once.
    */
   @Test
   void aReceiptTextFromANumberOtherThanTheRecipientIsAnMoAndTheRealReceiptStillEndsTheMt() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000f1", "8613800138021", "Your code is 1234");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);

            List<String> forged = List.of(receiptText(submit.messageId(), "UNDELIV"), receiptText(submit.messageId(), "DELIVRD"));
            for (String text : forged) {
               smsc.sendMo("8613900139000", "8610086", text); // another handset, to the MT's own source number
            }
            for (String text : forged) {
               TextMessage mo = receive(broker, SmsAddresses.MO, null);
               assertNotNull(mo, "the receipt text of another number is an MO: " + text);
               assertEquals(text, mo.getText());
               assertEquals("8613900139000", mo.getStringProperty("smsSource"));
            }
            SmscLinkControlMBean control = control(broker);
            assertEquals(0, control.getReceiptsMatched());
            // counted once stored, which a consumer may see first
            Wait.until("both counted", Duration.ofSeconds(10), () -> control.getReceiptsNotFromRecipient() == 2);
            assertEquals(0, broker.messageCount(SmsAddresses.DR), "no report for the MT");

            smsc.sendReceipt(submit, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "the real receipt still finds the MT's record");
            assertEquals("00000000000000f1", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
            assertEquals(1, control.getReceiptsMatched());
            assertEquals(0, control.getReceiptsUnmatched(), "nothing parked");
            assertNull(receive(broker, SmsAddresses.DR, null, 300), "one report");
         }
      }
   }

   /**
    * A receipt text from another number that cannot be stored at first (a full disk) is answered with a temporary error
    * and sent again by the SMSC: the link's counts show one MO, not one per try. Before, each try was counted.
    */
   @Test
   void aReceiptTextFromAnotherNumberSentAgainAfterATemporaryErrorIsCountedOnce() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         // No disk monitor: only the test says when the disk is full.
         try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.setMaxDiskUsage(-1)).start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000f0", "8613800138020", "Your code is 5678");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            String forged = receiptText(submit.messageId(), "DELIVRD");

            DiskFullSwitch.set(broker.server(), true);
            NegativeResponseException refused = assertThrows(NegativeResponseException.class,
               () -> smsc.sendMo("8613900139000", "8610086", forged));
            assertEquals(0x64, refused.getCommandStatus(), "ESME_RX_T_APPN: the SMSC sends it again later");
            DiskFullSwitch.set(broker.server(), false);
            smsc.sendMo("8613900139000", "8610086", forged);
            TextMessage mo = receive(broker, SmsAddresses.MO, null);
            assertNotNull(mo, "stored as the MO it is when sent again");
            assertEquals(forged, mo.getText());

            SmscLinkControlMBean control = control(broker);
            // counted once stored, which a consumer may see first
            Wait.until("counted", Duration.ofSeconds(10), () -> control.getMoReceived() > 0);
            assertEquals(1, control.getReceiptsNotFromRecipient(), "one receipt-like MO, however often it was tried");
            assertEquals(1, control.getMoReceived());
         }
      }
   }

   /**
    * The recipient's own receipt with esm_class 0 is still a receipt when the SMSC writes the numbers in another form
    * than the MT had them: national with TON 2 for an MT to +86..., the service number without 86.
    */
   @Test
   void aReceiptTextFromTheRecipientInAnotherNumberFormIsStillAReceipt() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000f2", "+8613800138022", "one");
            JsmppSmsc.Received first = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(first);
            sendMt(broker, "00000000000000f3", "008613800138023", "two");
            JsmppSmsc.Received second = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(second);
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);

            smsc.sendDefaultMessage(TypeOfNumber.NATIONAL, "13800138022", TypeOfNumber.NATIONAL, "10086",
                                    receiptText(first.messageId(), "DELIVRD"));
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "DR of the receipt from the national form of the recipient");
            assertEquals("00000000000000f2", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));

            smsc.sendDefaultMessage(TypeOfNumber.INTERNATIONAL, "8613800138023", TypeOfNumber.UNKNOWN, "+8610086",
                                    receiptText(second.messageId(), "UNDELIV"));
            dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "DR of the receipt from the international form of the recipient");
            assertEquals("00000000000000f3", dr.getStringProperty("smsId"));
            assertEquals("UNDELIV", dr.getStringProperty("smsStatus"));

            SmscLinkControlMBean control = control(broker);
            assertEquals(2, control.getReceiptsMatched());
            assertEquals(0, control.getReceiptsNotFromRecipient());
            assertEquals(0, control.getMoReceived());
         }
      }
   }

   /**
    * A receipt text from another number that arrives before its MT's record exists is parked like any receipt; once the
    * record is there, the later try sees whose MT it is and delivers it as the MO it is instead of a report, and it
    * leaves the parking queue. The recipient's own receipt with esm_class 0 then ends the MT.
    */
   @Test
   void aParkedReceiptTextFromAnotherNumberBecomesAnMoOnceItsRecordIsFound() throws Exception {
      System.setProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY, "300,1000,3000,6000");
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
         smsc.holdResponses = answer;
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000f4", "8613800138024", "held");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            String forged = receiptText(submit.messageId(), "DELIVRD");
            smsc.sendMo("8613900139000", "8610086", forged);
            SmscLinkControlMBean control = control(broker);
            Wait.until("parked: no record yet", Duration.ofSeconds(10), () -> control.getReceiptsUnmatched() == 1);
            answer.countDown();
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);

            TextMessage mo = receive(broker, SmsAddresses.MO, null);
            assertNotNull(mo, "the parked receipt text of another number is an MO once its record shows whose MT it names");
            assertEquals(forged, mo.getText());
            assertEquals("8613900139000", mo.getStringProperty("smsSource"));
            Wait.until("parked copy deleted", Duration.ofSeconds(10),
                       () -> broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS) == 0);
            assertEquals(0, broker.messageCount(SET_ASIDE), "not set aside as a receipt");
            assertEquals(0, broker.messageCount(SmsAddresses.DR), "no report for the MT");
            Wait.until("counted", Duration.ofSeconds(10), () -> control.getReceiptsNotFromRecipient() == 1);

            smsc.sendReceiptAsDefaultMessage(submit, receiptText(submit.messageId(), "DELIVRD"));
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "the recipient's receipt ends the MT");
            assertEquals("00000000000000f4", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
         }
      }
   }

   /** With receipts-by-content = false only esm_class says what is a receipt, as before: the text one is an MO. */
   @Test
   void aLinkThatReadsReceiptsOnlyByEsmClassTakesAReceiptTextWithEsmClassZeroAsAnMo() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, ", receipts-by-content = false");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000d3", "8613800138013", "Esm class only");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            String text = "id:" + submit.messageId() + " sub:001 dlvrd:001 submit date:2611280000 done date:2611280005 stat:DELIVRD err:000 text:";
            smsc.sendReceiptAsDefaultMessage(submit, text);
            TextMessage received = receive(broker, SmsAddresses.MO, null);
            assertNotNull(received, "MO on sms.mo");
            assertEquals(text, received.getText());
            assertEquals(0, control(broker).getReceiptsMatched());
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

   /**
    * A throttling answer pauses the link's new submit_sm, not only the throttled part: an MT that comes in right after it
    * reaches the SMSC only after the pause, behind the throttled part's own retry (whose backoff, 200 ms here, is
    * shorter than the pause), while an MO still goes through; then sending resumes by itself, and the MT held back
    * past response-timeout (3 s) made no rebind, since it was never sent. Without the pause the new MT went out at once,
    * before the retry.
    */
   @Test
   void aThrottlingAnswerPausesNewSubmitsWhileMoStillArrivesAndSendingResumesByItself() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.throttleNext.set(1);
         configureLink(port, ", throttle-pause = 4s");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            SmscLinkControlMBean control = control(broker);
            sendMt(broker, "00000000000000f1", "8613800138091", "throttled first");
            // Counted on the link's event loop in the same task that pauses it.
            Wait.until("the throttling answer handled", Duration.ofSeconds(10), () -> control.getThrottled() == 1);
            sendMt(broker, "00000000000000f2", "8613800138092", "comes in during the pause");

            smsc.sendMo("8613800138093", "1065712345", "MO during the pause");
            TextMessage mo = receive(broker, SmsAddresses.MO, null);
            assertNotNull(mo, "an MO goes through while the link pauses its submit_sm");
            assertEquals("MO during the pause", mo.getText());
            assertEquals(List.of("8613800138091"), new ArrayList<>(smsc.arrivals),
                         "nothing went out after the throttling answer while the MO came in");

            // In the order the link wrote them (sequence numbers): the SMSC's threads may see two sent together swapped.
            List<JsmppSmsc.Arrival> arrived = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
               JsmppSmsc.Arrival arrival = smsc.sequencedArrivals.poll(15, TimeUnit.SECONDS);
               assertNotNull(arrival, "submit_sm " + i);
               arrived.add(arrival);
            }
            arrived.sort(java.util.Comparator.comparingInt(JsmppSmsc.Arrival::sequenceNumber));
            assertEquals(List.of("8613800138091", "8613800138091", "8613800138092"),
                         arrived.stream().map(JsmppSmsc.Arrival::destination).toList(),
                         "the throttled part's retry first, the MT that came in during the pause after it");
            Wait.until("both acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            assertEquals(1, smsc.binds.get(), "the MT held back by the pause had no response timeout");
            assertEquals(2, smsc.submits.size(), "each accepted once");
         }
      }
   }

   /**
    * The part waiting for the window slot a throttled part frees does not take it at once: with window = 1 the second
    * part of a long MT waits behind the first, which is throttled, and goes only after the pause, behind the first
    * part's own retry. Before, the freed slot sent it straight into the same throttling.
    */
   @Test
   void theSlotAThrottledPartFreesWaitsForThePause() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.throttleNext.set(1);
         configureLink(port, ", window = 1, throttle-pause = 2s");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "00000000000000f3", "8613800138094", "two parts ".repeat(20)); // 200 characters
            List<Integer> parts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
               String destination = smsc.arrivals.poll(15, TimeUnit.SECONDS);
               assertNotNull(destination, "submit_sm " + i);
            }
            for (int i = 0; i < 2; i++) {
               JsmppSmsc.Received accepted = smsc.submits.poll(15, TimeUnit.SECONDS);
               assertNotNull(accepted, "accepted part " + i);
               parts.add(accepted.shortMessage()[5] & 0xFF); // the concatenation UDH's part number
            }
            assertEquals(List.of(1, 2), parts, "the throttled first part went again before the second went at all");
            Wait.until("acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            assertEquals(3, control(broker).getSubmitted(), "the first part twice, the second once");
         }
      }
   }

   @Test
   void throttlingPausesDoubleUpToTheirLimit() {
      assertEquals(200, SmscLink.nextThrottlePause(100, 100));
      assertEquals(3_200, SmscLink.nextThrottlePause(1_600, 100));
      assertEquals(3_200, SmscLink.nextThrottlePause(3_200, 100), "32 times the first at most");
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
   void anAlertNotificationFromTheSmscIsNotAnswered() throws Exception {
      int port = JsmppSmsc.freePort();
      try (CloudhopperSmsc smsc = new CloudhopperSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> smsc.hasBound(com.cloudhopper.smpp.SmppBindType.TRANSCEIVER));
            smsc.sendAlertNotificationThenMo("8613800138000", "1065712345", "after the alert");
            TextMessage mo = receive(broker, SmsAddresses.MO, null);
            assertNotNull(mo, "the MO after the alert went on");
            assertEquals("after the alert", mo.getText());
            // SMPP 3.4 4.12.1: alert_notification has no response; a generic_nack would answer a PDU the SMSC never
            // expects an answer to.
            assertFalse(smsc.received.contains(com.cloudhopper.smpp.SmppConstants.CMD_ID_GENERIC_NACK),
                        "generic_nack sent for the alert_notification: " + smsc.received);
            assertTrue(smsc.hasBound(com.cloudhopper.smpp.SmppBindType.TRANSCEIVER), "link still bound");
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
      return sarSegment(text, reference, 1);
   }

   /** Part {@code number} of 2. */
   private static MessageMaker sarSegment(String text, int reference, int number) {
      return session -> {
         TextMessage mt = session.createTextMessage(text);
         mt.setIntProperty("smsSegmentRef", reference);
         mt.setIntProperty("smsSegmentTotal", 2);
         mt.setIntProperty("smsSegmentNumber", number);
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
            byte[] expected = concat(new byte[] {0x05, 0x00, 0x03, 0x34, 0x02, 0x01}, "first half ".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(expected, submit.shortMessage(), "IE 0x00 with the reference's low 8 bits, as a full part of it gets");
         }
      }
   }

   @Test
   void theFullAndTheShortPartOfASarMessageGoOutWithTheSameConcatenationHeader() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, ""); // long-messages = udh
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            // What an ESME sends with SAR TLVs and reference 0x1234: a full part of 153 GSM characters, then the rest.
            sendMt(broker, "00000000000000a1", "8613800138077", sarSegment("x".repeat(153), 0x1234, 1));
            sendMt(broker, "00000000000000a2", "8613800138077", sarSegment("y".repeat(40), 0x1234, 2));
            JsmppSmsc.Received a = smsc.submits.poll(10, TimeUnit.SECONDS);
            JsmppSmsc.Received b = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(a);
            assertNotNull(b);
            JsmppSmsc.Received first = a.shortMessage()[a.shortMessage().length - 1] == 'x' ? a : b;
            JsmppSmsc.Received second = first == a ? b : a;
            assertEquals(0x40, first.esmClass() & 0x40, "UDH indicator");
            assertEquals(0x40, second.esmClass() & 0x40, "UDH indicator");
            byte[] header = java.util.Arrays.copyOf(first.shortMessage(), 5);
            assertArrayEquals(new byte[] {0x05, 0x00, 0x03, 0x34, 0x02}, header, "part 1: IE 0x00, the only one a full part has room for");
            assertArrayEquals(header, java.util.Arrays.copyOf(second.shortMessage(), 5),
                              "part 2 has part 1's IE and reference: the handset joins them");
            assertEquals(1, first.shortMessage()[5]);
            assertEquals(2, second.shortMessage()[5]);
            assertEquals(159, first.shortMessage().length, "153 septets behind the 6-octet header");
         }
      }
   }

   @Test
   void anMtTheBrokerDeliversAgainGoesOutUnderTheReferenceOfItsFirstParts() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            SmscLinkControlMBean control = control(broker);
            String queue = SmsAddresses.smscLinkQueue("sim");
            java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
            smsc.holdResponses = hold;
            String text = "redelivered ".repeat(20); // 240 characters: two parts
            sendMt(broker, "00000000000000a3", "8613800138078", text);
            List<JsmppSmsc.Received> firstAttempt = List.of(smsc.submits.poll(10, TimeUnit.SECONDS), smsc.submits.poll(10, TimeUnit.SECONDS));
            assertNotNull(firstAttempt.get(0), "part at the SMSC, its answer held back");
            assertNotNull(firstAttempt.get(1), "part at the SMSC, its answer held back");

            // The broker takes the message back from the link (an operator closes the consumer; a failed commit or a
            // restart does the same) and delivers it again: the link builds its parts a second time.
            ServerSession session = linkSession(broker);
            ServerConsumer consumer = session.getServerConsumers().iterator().next();
            assertTrue(broker.server().getActiveMQServerControl().closeConsumerWithID(session.getName(),
                                                                                      Long.toString(consumer.sequentialID())));
            Wait.until("a new consumer", Duration.ofSeconds(10), () -> control.getConsumerReopened() == 1);
            hold.countDown();
            smsc.holdResponses = null;
            List<JsmppSmsc.Received> again = List.of(smsc.submits.poll(10, TimeUnit.SECONDS), smsc.submits.poll(10, TimeUnit.SECONDS));
            assertNotNull(again.get(0), "the message goes out again");
            assertNotNull(again.get(1), "the message goes out again");
            Wait.until("the MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);

            Set<String> headers = new HashSet<>();
            for (JsmppSmsc.Received part : List.of(firstAttempt.get(0), firstAttempt.get(1), again.get(0), again.get(1))) {
               assertEquals("8613800138078", part.destination());
               assertEquals(0x40, part.esmClass() & 0x40, "UDH indicator");
               headers.add(java.util.HexFormat.of().formatHex(part.shortMessage(), 0, 5));
            }
            assertEquals(1, headers.size(), "every part of both attempts has the same IE and reference, or the handset keeps "
               + "the first attempt's parts as a message that never completes: " + headers);
         }
      }
   }

   @Test
   void aTextOfTwoFullPartsGoesAsTwoSarPartsNotThree() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, ", long-messages = sar");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            String gsm = "a".repeat(153) + "b".repeat(153); // 306 GSM characters: two SMS behind a 6-octet header
            String ucs2 = "短".repeat(67) + "信".repeat(67); // 134 UCS2 characters
            sendMt(broker, "00000000000000a4", "8613800138079", gsm);
            sendMt(broker, "00000000000000a5", "8613800138079", ucs2);
            List<JsmppSmsc.Received> parts = new ArrayList<>();
            JsmppSmsc.Received part;
            while ((part = smsc.submits.poll(parts.size() < 4 ? 10_000 : 500, TimeUnit.MILLISECONDS)) != null) {
               parts.add(part);
            }
            assertEquals(4, parts.size(), "two parts each, as the handset (and billing) counts them");
            Set<String> texts = new HashSet<>();
            java.util.Map<Integer, Set<Integer>> referencesByCoding = new java.util.HashMap<>();
            for (JsmppSmsc.Received p : parts) {
               assertEquals(0, p.esmClass() & 0x40, "no UDH: SAR TLVs");
               assertEquals(2, p.tlv(OptionalParameter.Tag.SAR_TOTAL_SEGMENTS));
               int reference = p.tlv(OptionalParameter.Tag.SAR_MSG_REF_NUM);
               assertTrue(reference >= 0 && reference <= 0xFF, "a reference the SMSC can put in IE 0x00: " + reference);
               referencesByCoding.computeIfAbsent(p.dataCoding(), c -> new HashSet<>()).add(reference);
               texts.add(new String(p.shortMessage(), p.dataCoding() == 8 ? StandardCharsets.UTF_16BE : StandardCharsets.US_ASCII));
            }
            assertEquals(Set.of("a".repeat(153), "b".repeat(153), "短".repeat(67), "信".repeat(67)), texts);
            referencesByCoding.values().forEach(references -> assertEquals(1, references.size(), "one reference per message"));
            Wait.until("both acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
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

   /**
    * The SMSC accepts the submit_sm but gives no message_id: the handset probably gets the message, but no receipt
    * can be matched to it, so the SP hears UNKNOWN (107), not REJECTD.
    */
   @Test
   void aSubmitAcceptedWithoutAMessageIdIsReportedUnknownNotRejected() throws Exception {
      int port = JsmppSmsc.freePort();
      try (CloudhopperSmsc smsc = new CloudhopperSmsc(port)) {
         smsc.emptyMessageIds.set(true);
         configureLink(port, ", version = \"3.3\", bind = transmitter-receiver");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("transmitter bound", Duration.ofSeconds(10), () -> smsc.hasBound(com.cloudhopper.smpp.SmppBindType.TRANSMITTER));
            sendMt(broker, "00000000000000f4", "8613800138043", "accepted without an id");
            CloudhopperSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "the SMSC took it");
            assertEquals("", submit.hexId());
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "a final report");
            assertEquals("00000000000000f4", dr.getStringProperty("smsId"));
            assertEquals("UNKNOWN", dr.getStringProperty("smsStatus"), "accepted by the SMSC, so not REJECTD");
            assertEquals("107", dr.getStringProperty("smsErrorCode"), "accepted without a message id");
            Wait.until("acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            SmscLinkControlMBean control = control(broker);
            assertEquals(1, control.getAccepted());
            assertEquals(0, control.getRefused());
            assertEquals(0, control.getWindowInUse());
            assertNull(smsc.submits.poll(300, TimeUnit.MILLISECONDS), "not sent again");
         }
      }
   }

   /**
    * An SMSC that throttles everything: each MT ends with an EXPIRED report once its validity has passed, and the
    * window slots it held are free again, so a later MT goes out once the SMSC takes messages again.
    */
   @Test
   void aThrottledMtEndsExpiredAtItsValidityAndFreesItsWindowSlot() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.throttleNext.set(Integer.MAX_VALUE);
         configureLink(port, ""); // window = 4
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            long validity = System.currentTimeMillis() + 1_500;
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 4; i++) { // the whole window
               String smsId = "00000000000000a" + i;
               expected.add(smsId);
               sendMt(broker, smsId, "861380013806" + i, session -> {
                  TextMessage mt = session.createTextMessage("throttled until it expires");
                  mt.setLongProperty("smsValidityTime", validity);
                  return mt;
               });
            }
            Set<String> reported = new HashSet<>();
            for (int i = 0; i < 4; i++) {
               TextMessage dr = receive(broker, SmsAddresses.DR, null);
               assertNotNull(dr, "EXPIRED report " + i);
               assertEquals("EXPIRED", dr.getStringProperty("smsStatus"));
               assertEquals("000", dr.getStringProperty("smsErrorCode"));
               assertTrue(dr.getLongProperty("smsDoneTime") >= validity, "not before its validity ended");
               reported.add(dr.getStringProperty("smsId"));
            }
            assertEquals(expected, reported);
            Wait.until("all four acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            SmscLinkControlMBean control = control(broker);
            assertEquals(0, control.getWindowInUse());
            assertTrue(control.getThrottled() >= 4);

            smsc.throttleNext.set(0);
            sendMt(broker, "00000000000000a9", "8613800138069", "after the throttling");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "a later MT goes out: the window is free");
            assertEquals("after the throttling", new String(submit.shortMessage(), StandardCharsets.US_ASCII));
            assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS), "the expired ones are not sent any more");
         }
      }
   }

   /** The link's broker session as the console lists it ({@code smsc-link-<link>-<uuid>}), once there is exactly one. */
   private static ServerSession linkSession(TestBroker broker) throws Exception {
      Wait.until("one session of the link", Duration.ofSeconds(10), () -> simSessions(broker).size() == 1);
      return simSessions(broker).get(0);
   }

   private static List<ServerSession> simSessions(TestBroker broker) {
      return broker.server().getSessions().stream().filter(s -> s.getName().startsWith("smsc-link-sim-")).toList();
   }

   @Test
   void aLinkWhoseSessionAnOperatorClosedTakesMessagesAgainAndFreesItsWindow() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.throttleNext.set(Integer.MAX_VALUE); // the MT stays in the window, retried, while the session is closed
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            SmscLinkControlMBean control = control(broker);
            String queue = SmsAddresses.smscLinkQueue("sim");
            sendMt(broker, "00000000000000b1", "8613800138071", "in flight when the session is closed");
            Wait.until("the MT in the window", Duration.ofSeconds(10), () -> control.getWindowInUse() == 1 && control.getThrottled() >= 1);

            // What an operator does from the console's Sessions tab.
            ServerSession session = linkSession(broker);
            assertTrue(broker.server().getActiveMQServerControl().closeSessionWithID(session.getConnectionID().toString(), session.getName()));
            smsc.throttleNext.set(0);

            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "the MT reaches the SMSC after the close");
            assertEquals("8613800138071", submit.destination());
            Wait.until("the MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
            Wait.until("the window free again", Duration.ofSeconds(10), () -> control.getWindowInUse() == 0);
            assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS),
                       "sent once: the part taken from the closed consumer is not retried beside the copy sent again");

            sendMt(broker, "00000000000000b2", "8613800138072", "after the close");
            JsmppSmsc.Received next = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(next, "later MT go out");
            assertEquals("8613800138072", next.destination());
            Wait.until("the later MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
            Wait.until("the window free", Duration.ofSeconds(10), () -> control.getWindowInUse() == 0);
            assertEquals("BOUND", control.getState());
            assertEquals(1, control.getConsumerReopened());
            assertEquals(1, broker.consumerCount(queue), "one consumer on the link's queue");
            assertEquals(1, smsc.binds.get(), "the SMSC connection was not touched");
         }
      }
   }

   @Test
   void anMoWhileTheDiskIsFullGetsATemporaryErrorAndTheLinkKeepsTakingMt() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         // No disk monitor: only the test says when the disk is full.
         try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.setMaxDiskUsage(-1)).start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            SmscLinkControlMBean control = control(broker);
            String queue = SmsAddresses.smscLinkQueue("sim");

            DiskFullSwitch.set(broker.server(), true);
            NegativeResponseException refused = assertThrows(NegativeResponseException.class,
               () -> smsc.sendMo("8613800138000", "1065712345", "while the disk is full"));
            assertEquals(0x64, refused.getCommandStatus(), "ESME_RX_T_APPN: the SMSC sends it again later");
            DiskFullSwitch.set(broker.server(), false);

            sendMt(broker, "00000000000000b6", "8613800138076", "after the disk-full spell");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "the link still takes MT from its queue");
            assertEquals("8613800138076", submit.destination());
            Wait.until("the MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
            smsc.sendMo("8613800138000", "1065712345", "sent again by the SMSC");
            TextMessage mo = receive(broker, SmsAddresses.MO, null);
            assertNotNull(mo, "the MO sent again is stored");
            assertEquals("sent again by the SMSC", mo.getText());
            assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS), "the MT went once");
            assertEquals(1, broker.consumerCount(queue), "one consumer on the link's queue");
            assertEquals(0, control.getConsumerReopened(), "the link's broker session was never closed");
            assertEquals(1, smsc.binds.get(), "the SMSC connection was not touched");
         }
      }
   }

   @Test
   void aLinkWhoseBrokerSessionFailedTakesMessagesAgainAndSendsEachOnce() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.throttleNext.set(Integer.MAX_VALUE); // the MT stays in the link, retried, while its session is killed
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.setMaxDiskUsage(-1)).start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            SmscLinkControlMBean control = control(broker);
            String queue = SmsAddresses.smscLinkQueue("sim");
            sendMt(broker, "00000000000000b4", "8613800138074", "in the link when its session is killed");
            Wait.until("the MT in the window", Duration.ofSeconds(10), () -> control.getWindowInUse() == 1 && control.getThrottled() >= 1);

            // The broker fails the link's session as it fails a client's whose connection failed (what a send on a
            // full disk did before the connection reported flow control, decision 131): the session is closed.
            ServerSession session = linkSession(broker);
            ((FailureListener) session).connectionFailed(new ActiveMQInternalErrorException("failed by the test"), false);
            Wait.until("the killed session gone", Duration.ofSeconds(10), () -> !simSessions(broker).contains(session));
            smsc.throttleNext.set(0);

            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "the MT reaches the SMSC after the session was killed");
            assertEquals("8613800138074", submit.destination());
            Wait.until("the MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
            Wait.until("the window free again", Duration.ofSeconds(10), () -> control.getWindowInUse() == 0);
            assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS),
                       "sent once: the part the link held is dropped, the copy from the queue goes");

            sendMt(broker, "00000000000000b5", "8613800138075", "after the new session");
            JsmppSmsc.Received next = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(next, "later MT go out");
            assertEquals("8613800138075", next.destination());
            Wait.until("the later MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
            assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS), "nothing sent twice");
            assertEquals("BOUND", control.getState());
            assertEquals(1, control.getConsumerReopened());
            assertEquals(1, broker.consumerCount(queue), "one consumer on the link's queue");
            assertEquals(1, simSessions(broker).size(), "one session of the link");
            assertEquals(1, smsc.binds.get(), "the SMSC connection was not touched");
         }
      }
   }

   @Test
   void aPartAcceptedAfterAnOperatorClosedTheConsumerKeepsItsReceiptAndTheMessageGoesOutAgain() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            SmscLinkControlMBean control = control(broker);
            String queue = SmsAddresses.smscLinkQueue("sim");
            java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
            smsc.holdResponses = hold;
            sendMt(broker, "00000000000000b3", "8613800138073", "answered after the close");
            JsmppSmsc.Received first = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(first, "submit_sm at the SMSC, its answer held back");

            // What an operator does from the console's Consumers tab.
            ServerSession session = linkSession(broker);
            ServerConsumer consumer = session.getServerConsumers().iterator().next();
            assertTrue(broker.server().getActiveMQServerControl().closeConsumerWithID(session.getName(),
                                                                                      Long.toString(consumer.sequentialID())));
            Wait.until("a new consumer", Duration.ofSeconds(10), () -> control.getConsumerReopened() == 1);
            hold.countDown();
            smsc.holdResponses = null;

            JsmppSmsc.Received again = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(again, "the message went back to the queue with the closed consumer and goes out again");
            assertEquals("8613800138073", again.destination());
            Wait.until("the MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
            Wait.until("the window free again", Duration.ofSeconds(10), () -> control.getWindowInUse() == 0);
            assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS), "no third copy");

            smsc.sendReceipt(first, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            TextMessage dr = receive(broker, SmsAddresses.DR, "smsSmscMessageId = '" + first.messageId() + "'");
            assertNotNull(dr, "the receipt of the copy accepted after the close still matches its MT");
            assertEquals("00000000000000b3", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
            assertEquals(1, broker.consumerCount(queue), "one consumer on the link's queue");
            assertEquals(1, simSessions(broker).size(), "the session of the closed consumer is closed");
         }
      }
   }

   /**
    * An SMSC that accepts every bind and drops the connection at once: the link's backoff is not reset by a bind that
    * did not last, so it keeps doubling (reconnect-min 50 ms up to 800 ms) instead of binding every reconnect-min. Six
    * waits after the first bind are at least half of 50+100+200+400+800+800 ms with the jitter (1,175 ms); binding
    * every reconnect-min they would be about 6 x 50 ms.
    */
   @Test
   void anSmscThatDropsEveryBindAtOnceIsReboundWithAGrowingBackoff() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.dropAfterBind = true;
         configureLink(port, ", reconnect-min = 50ms, reconnect-max = 800ms");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("first bind", Duration.ofSeconds(10), () -> smsc.binds.get() >= 1);
            long first = System.nanoTime();
            Wait.until("seventh bind", Duration.ofSeconds(30), () -> smsc.binds.get() >= 7);
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - first);
            assertTrue(elapsedMillis >= 1_000, "6 rebinds took " + elapsedMillis + " ms: the backoff did not grow");
         }
      }
   }

   /** Links that lost their SMSC together spread their reconnects over half a step rather than all at once. */
   @Test
   void reconnectWaitsAreSpreadOverTheSecondHalfOfTheBackoffStep() {
      java.util.Random random = new java.util.Random(42);
      java.util.Set<Long> waits = new java.util.HashSet<>();
      for (int i = 0; i < 1000; i++) {
         long wait = SmscLink.jittered(1000, random.nextLong());
         assertTrue(wait >= 500 && wait <= 1000, "wait " + wait + " outside 500..1000 ms");
         waits.add(wait);
      }
      assertTrue(waits.size() > 100, "1000 links would wait " + waits.size() + " different times");
      assertEquals(1, SmscLink.jittered(1, random.nextLong()), "a 1 ms step stays 1 ms");
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
   void anMtWhosePropertyIsNoNumberGetsARejectedReportAndTheLinkCarriesOn() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            // An application's MT over JMS with numbers written as words or left empty, between two good ones.
            sendMt(broker, "00000000000001a1", "8613800138101", "good before", mt -> { });
            sendMt(broker, "00000000000001a2", "8613800138102", "delivery flag in words",
                   mt -> mt.setStringProperty("smsRegisteredDelivery", "yes"));
            sendMt(broker, "00000000000001a3", "8613800138103", "empty validity",
                   mt -> mt.setStringProperty("smsValidityTime", ""));
            sendMt(broker, "00000000000001a4", "8613800138104", "good after", mt -> { });

            List<String> destinations = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
               JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(submit, "good MT " + i + " reaches the SMSC");
               destinations.add(submit.destination());
            }
            Collections.sort(destinations);
            assertEquals(List.of("8613800138101", "8613800138104"), destinations);

            for (String id : List.of("00000000000001a2", "00000000000001a3")) {
               TextMessage dr = receive(broker, SmsAddresses.DR, "smsId = '" + id + "'");
               assertNotNull(dr, "the report on " + id);
               assertEquals("REJECTD", dr.getStringProperty("smsStatus"));
               assertEquals("069", dr.getStringProperty("smsErrorCode"), "ESME_RSUBMITFAIL, as for any other part the link cannot send");
               // what billing needs to write its record
               assertEquals("smppclient1", dr.getStringProperty("smsAccount"));
               assertEquals("02", dr.getStringProperty("smsFeeType"));
               assertEquals("sim", dr.getStringProperty("smsLink"));
            }

            Wait.until("all four acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS), "nothing sent twice");
            assertEquals(0, broker.messageCount(SmsAddresses.DR), "one report each, none for the good ones yet");
            assertEquals(1, smsc.binds.get(), "the link stayed bound: no reconnect");
            SmscLinkControlMBean control = control(broker);
            assertEquals("BOUND", control.getState());
            assertEquals(0, control.getWindowInUse());
            assertEquals(2, control.getRefused());

            sendMt(broker, "00000000000001a5", "8613800138105", "still taking messages", mt -> { });
            JsmppSmsc.Received later = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(later, "the link still takes messages");
            assertEquals("8613800138105", later.destination());
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

   /**
    * An MT without a validity, scheduled further ahead than the default validity: its correlation record waits for the
    * receipt from the schedule, not from the submission. Before, the record expired 48 h (plus the grace) after the
    * submission: the SP got EXPIRED (and billing a record) before the SMSC even tried the message, and the SMSC's
    * DELIVRD receipt afterwards was parked as unmatched.
    */
   @Test
   void anMtScheduledBeyondTheDefaultValidityKeepsItsRecordUntilTheReceipt() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            // Submitted 50 h ago for delivery an hour from now (51 h after its submission); no validity_period.
            long now = System.currentTimeMillis();
            sendMt(broker, "00000000000000e3", "8613800138092", "see you on Monday", mt -> {
               mt.setLongProperty("smsSubmitTime", now - TimeUnit.HOURS.toMillis(50));
               mt.setLongProperty("smsScheduleTime", now + TimeUnit.HOURS.toMillis(1));
            });
            JsmppSmsc.Received scheduled = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(scheduled, "submit_sm at the SMSC");
            // A second MT whose validity is over: once its EXPIRED report is out, the store's expiry pass went over
            // the first one's record too.
            sendMt(broker, "00000000000000e4", "8613800138093", "late", mt ->
               mt.setLongProperty("smsValidityTime", now - TimeUnit.HOURS.toMillis(2)));
            assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "submit_sm at the SMSC");
            TextMessage expired = receive(broker, SmsAddresses.DR, "smsId = '00000000000000e4'");
            assertNotNull(expired, "the MT past its validity is reported");
            assertEquals("EXPIRED", expired.getStringProperty("smsStatus"));

            smsc.sendReceipt(scheduled, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            TextMessage dr = receive(broker, SmsAddresses.DR, "smsId = '00000000000000e3'");
            assertNotNull(dr, "a report on the scheduled MT");
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"), "its receipt, not an EXPIRED report before it");
            assertNull(receive(broker, SmsAddresses.DR, null, 1_000), "no second report");
            assertEquals(0, broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS), "the receipt matched its record");
            assertEquals(0, control(broker).getReceiptsUnmatched());
         }
      }
   }

   /** How long after its validity the link service keeps a record (the store's default grace). */
   private static final long GRACE_MILLIS = TimeUnit.HOURS.toMillis(1);

   /**
    * An id cache of one: a report's duplicate id is gone from it once another report follows, as it is long before an
    * MT's validity ends with the default 20,000 at a few DRs per second. {@code sms.dr} is declared, as broker.xml does:
    * an auto-created address is deleted when empty, and its duplicate ids with it.
    */
   private static void smallIdCache(org.apache.activemq.artemis.core.config.Configuration cfg) {
      cfg.setIDCacheSize(1).addQueueConfiguration(QueueConfiguration.of(SmsAddresses.DR).setRoutingType(RoutingType.ANYCAST));
   }

   /** An MT whose validity (and so its correlation record's deadline, plus the grace) ends at {@code validity}. */
   private static void sendMtValidUntil(TestBroker broker, String smsId, String destination, long validity) throws JMSException {
      sendMt(broker, smsId, destination, session -> {
         TextMessage mt = session.createTextMessage("valid until " + validity);
         mt.setLongProperty("smsValidityTime", validity);
         return mt;
      });
   }

   /**
    * The store cannot write the removal of a delivered MT's record at first (a failed disk write). The link tries
    * again, so when the MT's validity ends the SP gets no EXPIRED report after its DELIVRD one. Before, the failure
    * was ignored, the record stayed, and its EXPIRED report got through: the broker's duplicate-id check only
    * remembers the last id-cache-size reports, long forgotten by then (here a cache of one, and another MT's report).
    */
   @Test
   void aRecordWhoseRemovalFailsIsRemovedOnALaterTryAndTheDeliveredMtGetsNoExpiredReport() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureNoLinks();
         try (TestBroker broker = TestBroker.smpp(dir, "").configure(SmscLinkTest::smallIdCache).start()) {
            FaultyRemovals removals = new FaultyRemovals();
            removals.failNext.set(2);
            SmscLinkService service = new SmscLinkService(broker.server(), linkRuntime(port, ""), removals::wrap);
            service.start();
            try {
               Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
               // The records' deadlines (validity plus the hour of grace) a few seconds from now.
               long validity = System.currentTimeMillis() - GRACE_MILLIS + 8_000;
               sendMtValidUntil(broker, "00000000000000f1", "8613800138111", validity);
               JsmppSmsc.Received delivered = smsc.submits.poll(10, TimeUnit.SECONDS);
               sendMtValidUntil(broker, "00000000000000f2", "8613800138112", validity);
               JsmppSmsc.Received other = smsc.submits.poll(10, TimeUnit.SECONDS);
               // Never gets a receipt: its EXPIRED report comes after any the delivered MT could get.
               sendMtValidUntil(broker, "00000000000000f3", "8613800138113", validity + 1_000);
               assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS));
               assertNotNull(delivered);
               assertNotNull(other);
               Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);

               smsc.sendReceipt(delivered, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED); // returns once answered
               TextMessage dr = receive(broker, SmsAddresses.DR, null);
               assertNotNull(dr, "DR on sms.dr");
               assertEquals("00000000000000f1", dr.getStringProperty("smsId"));
               assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
               smsc.sendReceipt(other, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
               assertEquals("00000000000000f2", receive(broker, SmsAddresses.DR, null).getStringProperty("smsId"));
               assertTrue(System.currentTimeMillis() < validity + GRACE_MILLIS, "the receipts came before the records' deadline");

               TextMessage expired = receive(broker, SmsAddresses.DR, null, 30_000);
               assertNotNull(expired, "an EXPIRED report");
               assertEquals("EXPIRED", expired.getStringProperty("smsStatus"));
               assertEquals("00000000000000f3", expired.getStringProperty("smsId"), "only for the MT without a receipt");
               assertEquals(0, broker.messageCount(SmsAddresses.DR), "nothing more on sms.dr");
               assertEquals(2, control(broker).getRecordRemovalsFailed());
               assertEquals(4, removals.removals.get(), "the first MT's removal tried until the store took it, then the other's");
            } finally {
               service.stop();
            }
         }
      }
   }

   /** Sends a receipt from another thread, as the SMSC's own sending does; the stage ends with its deliver_sm_resp. */
   private static CompletableFuture<Void> sendReceiptAsync(JsmppSmsc smsc, JsmppSmsc.Received submit) {
      return CompletableFuture.runAsync(() -> {
         try {
            smsc.sendReceipt(submit, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
         } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
         }
      });
   }

   /**
    * While the store cannot remove a delivered MT's record, the SMSC sends its receipt again (as it does when its
    * answer is late): the copy matches the record, but makes no second report, though the broker's id cache has
    * forgotten the first one's duplicate id; both copies are answered once the removal gets through.
    */
   @Test
   void aFinalReceiptRepeatedWhileItsRecordCannotBeRemovedMakesNoSecondReport() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureNoLinks();
         try (TestBroker broker = TestBroker.smpp(dir, "").configure(SmscLinkTest::smallIdCache).start()) {
            FaultyRemovals removals = new FaultyRemovals();
            removals.failing = true;
            SmscLinkService service = new SmscLinkService(broker.server(), linkRuntime(port, ""), removals::wrap);
            service.start();
            try {
               Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
               SmscLinkControlMBean control = control(broker);
               sendMt(broker, "00000000000000f7", "8613800138117", "delivered, receipt repeated");
               JsmppSmsc.Received delivered = smsc.submits.poll(10, TimeUnit.SECONDS);
               sendMt(broker, "00000000000000f8", "8613800138118", "delivered too");
               JsmppSmsc.Received other = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(delivered);
               assertNotNull(other);
               Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);

               CompletableFuture<Void> first = sendReceiptAsync(smsc, delivered);
               TextMessage dr = receive(broker, SmsAddresses.DR, null);
               assertNotNull(dr, "DR on sms.dr");
               assertEquals("00000000000000f7", dr.getStringProperty("smsId"));
               Wait.until("its record's removal refused", Duration.ofSeconds(10), () -> control.getRecordRemovalsFailed() > 0);
               // Another MT's report pushes the first one's duplicate id out of the cache of one.
               CompletableFuture<Void> otherAnswered = sendReceiptAsync(smsc, other);
               assertEquals("00000000000000f8", receive(broker, SmsAddresses.DR, null).getStringProperty("smsId"));
               CompletableFuture<Void> repeated = sendReceiptAsync(smsc, delivered);
               Wait.until("the repeated receipt matched", Duration.ofSeconds(10), () -> control.getReceiptsMatched() == 3);

               removals.failing = false; // the disk takes writes again
               Wait.until("all three receipts answered", Duration.ofSeconds(10),
                          () -> first.isDone() && otherAnswered.isDone() && repeated.isDone());
               first.join();
               otherAnswered.join();
               repeated.join();
               assertEquals(0, broker.messageCount(SmsAddresses.DR), "no second report for the repeated receipt");
               assertEquals(0, control.getReceiptsUnmatched(), "nothing parked");
            } finally {
               service.stop();
            }
         }
      }
   }

   /**
    * The link stops while the store still refuses to remove a delivered MT's record, and the SMSC has sent the final
    * receipt twice meanwhile: both copies are answered ESME_RX_T_APPN, so the SMSC sends the receipt again after the
    * restart. Before, only the first copy was answered: the repeat was left without deliver_sm_resp.
    */
   @Test
   void aLinkStoppingWhileARecordCannotBeRemovedAnswersEveryCopyOfItsReceiptWithATemporaryError() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         configureNoLinks();
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            FaultyRemovals removals = new FaultyRemovals();
            removals.failing = true;
            SmscLinkService service = new SmscLinkService(broker.server(), linkRuntime(port, ""), removals::wrap);
            service.start();
            try {
               sendMt(broker, "00000000000000f9", "8613800138119", "delivered, then the link stops");
               RawSmsc.Submit submit = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(submit, "submit_sm at the SMSC");
               Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
               SmscLinkControlMBean control = control(broker);

               smsc.sendReceipt("raw" + submit.sequence(), "DELIVRD", "8613800138119");
               TextMessage dr = receive(broker, SmsAddresses.DR, null);
               assertNotNull(dr, "DR on sms.dr");
               assertEquals("00000000000000f9", dr.getStringProperty("smsId"));
               Wait.until("its record's removal refused", Duration.ofSeconds(10), () -> control.getRecordRemovalsFailed() > 0);
               smsc.sendReceipt("raw" + submit.sequence(), "DELIVRD", "8613800138119");
               Wait.until("the repeated receipt matched", Duration.ofSeconds(10), () -> control.getReceiptsMatched() == 2);
               assertNull(smsc.deliveryAnswers.poll(), "neither copy answered while the record is there");
            } finally {
               service.stop();
            }
            Integer first = smsc.deliveryAnswers.poll(10, TimeUnit.SECONDS);
            Integer repeat = smsc.deliveryAnswers.poll(10, TimeUnit.SECONDS);
            assertEquals(SmppStatus.ESME_RX_T_APPN, first, "the receipt: sent again after the restart");
            assertEquals(SmppStatus.ESME_RX_T_APPN, repeat, "its repeat too");
         }
      }
   }

   /**
    * The gateway stops after a final receipt's DR is durable and before its record's removal is. The SMSC has had no
    * deliver_sm_resp for the receipt, so it sends it again after the restart: the DR is dropped there as the repeat it
    * is (its duplicate id), the record goes, and the delivered MT gets no EXPIRED report at its validity. Before, the
    * SMSC got its answer as soon as the DR was durable, so nothing ever removed the record that the stop left behind.
    */
   @Test
   void aFinalReceiptIsAnsweredOnlyOnceItsRecordIsGoneSoAStopBeforeThatLeavesNoExpiredReport() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.responseTimeoutMillis = 3_000; // how long it waits for deliver_sm_resp
         configureNoLinks();
         long validity = System.currentTimeMillis() - GRACE_MILLIS + 15_000;
         JsmppSmsc.Received delivered;
         try (TestBroker broker = TestBroker.smpp(dir, "").configure(SmscLinkTest::smallIdCache).start()) {
            FaultyRemovals removals = new FaultyRemovals();
            removals.lost = true; // the gateway stops before they are durable
            SmscLinkService service = new SmscLinkService(broker.server(), linkRuntime(port, ""), removals::wrap);
            service.start();
            try {
               Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
               sendMtValidUntil(broker, "00000000000000f4", "8613800138114", validity);
               delivered = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(delivered);
               Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);

               CompletableFuture<Void> answered = sendReceiptAsync(smsc, delivered);
               TextMessage dr = receive(broker, SmsAddresses.DR, null);
               assertNotNull(dr, "DR on sms.dr");
               assertEquals("00000000000000f4", dr.getStringProperty("smsId"));
               assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
               Wait.until("the SMSC's wait for deliver_sm_resp over", Duration.ofSeconds(10), answered::isDone);
               assertTrue(answered.isCompletedExceptionally(), "no deliver_sm_resp while the record is still there");
               assertEquals(1, removals.removals.get());
            } finally {
               service.stop();
            }
         }

         int bindsBefore = smsc.binds.get();
         try (TestBroker restarted = TestBroker.smpp(dir, "").configure(SmscLinkTest::smallIdCache).start()) {
            SmscLinkService service = new SmscLinkService(restarted.server(), linkRuntime(port, ""));
            service.start();
            try {
               Wait.until("link bound again", Duration.ofSeconds(10), () -> smsc.binds.get() > bindsBefore && smsc.hasBoundSession());
               // What an SMSC does with a receipt it got no answer for; answered now (else this throws).
               smsc.sendReceipt(delivered, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);

               // Another MT's report pushes the delivered MT's duplicate id out of the cache of one.
               sendMtValidUntil(restarted, "00000000000000f5", "8613800138115", validity);
               JsmppSmsc.Received other = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(other);
               // Never gets a receipt: its EXPIRED report comes after any the delivered MT could get.
               sendMtValidUntil(restarted, "00000000000000f6", "8613800138116", validity + 1_000);
               assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS));
               Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> restarted.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
               smsc.sendReceipt(other, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
               TextMessage dr = receive(restarted, SmsAddresses.DR, null);
               assertNotNull(dr);
               assertEquals("00000000000000f5", dr.getStringProperty("smsId"), "the repeated receipt made no second report");
               assertTrue(System.currentTimeMillis() < validity + GRACE_MILLIS, "the receipts came before the records' deadline");

               TextMessage expired = receive(restarted, SmsAddresses.DR, null, 30_000);
               assertNotNull(expired, "an EXPIRED report");
               assertEquals("EXPIRED", expired.getStringProperty("smsStatus"));
               assertEquals("00000000000000f6", expired.getStringProperty("smsId"), "only for the MT without a receipt");
               assertEquals(0, restarted.messageCount(SmsAddresses.DR), "nothing more on sms.dr");
            } finally {
               service.stop();
            }
         }
      }
   }

   /**
    * The gateway dies once the SMSC has accepted an MT and its correlation record is durable, before the MT's
    * acknowledgement is (here the link never hears that the put completed, and the broker stops: the MT stays on the
    * queue with a delivery count of 0, as after kill -9). After the restart the broker delivers it again; it is not
    * submitted a second time, neither the single-part MT nor the long one whose two parts were both accepted, and is
    * acknowledged; the SMSC's receipts match the records made before the crash, one report per segment. Before, the
    * MT went to the SMSC again: the handset got it twice, and the second SMSC id a second receipt and report.
    */
   @Test
   void anMtTheSmscAcceptedBeforeACrashIsNotSubmittedAgainAfterTheRestart() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureNoLinks();
         List<JsmppSmsc.Received> accepted = new ArrayList<>();
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            FaultyRemovals store = new FaultyRemovals();
            store.putsUnanswered = true;
            SmscLinkService service = new SmscLinkService(broker.server(), linkRuntime(port, ""), store::wrap);
            service.start();
            try {
               Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
               sendMt(broker, "0000000000000f11", "8613800138121", "accepted before the crash");
               sendMt(broker, "0000000000000f12", "8613800138122", "long ".repeat(40)); // two parts
               for (int i = 0; i < 3; i++) {
                  JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
                  assertNotNull(submit, "submit_sm " + i + " at the SMSC");
                  accepted.add(submit);
               }
               Wait.until("the three records durable", Duration.ofSeconds(10), () -> store.unansweredPuts.get() == 3);
            } finally {
               service.stop();
            }
            assertEquals(2, broker.messageCount(SmsAddresses.smscLinkQueue("sim")), "both MT unacknowledged, as a crash leaves them");
         }

         int bindsBefore = smsc.binds.get();
         try (TestBroker restarted = TestBroker.smpp(dir, "").start()) {
            SmscLinkService service = new SmscLinkService(restarted.server(), linkRuntime(port, ""));
            service.start();
            try {
               Wait.until("link bound again", Duration.ofSeconds(10), () -> smsc.binds.get() > bindsBefore && smsc.hasBoundSession());
               Wait.until("both MT acknowledged", Duration.ofSeconds(10),
                          () -> restarted.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
               assertNull(smsc.submits.poll(), "nothing submitted to the SMSC again");

               Set<String> reported = new HashSet<>();
               for (JsmppSmsc.Received submit : accepted) {
                  smsc.sendReceipt(submit, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
                  TextMessage dr = receive(restarted, SmsAddresses.DR, null);
                  assertNotNull(dr, "the receipt matched the record made before the crash");
                  assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
                  reported.add(dr.getStringProperty("smsId") + "/" + dr.getObjectProperty("smsSegmentNumber"));
               }
               assertEquals(Set.of("0000000000000f11/null", "0000000000000f12/1", "0000000000000f12/2"), reported);
               assertEquals(0, restarted.messageCount(SmsAddresses.DR), "one report per segment");
               assertEquals(0, restarted.messageCount(LinkMessages.UNMATCHED_RECEIPTS), "nothing parked");
            } finally {
               service.stop();
            }
         }
      }
   }

   /**
    * The SMSC had accepted parts of long MT when the gateway crashed, and the operator then set the link's
    * {@code default-alphabet} from gsm7 to latin1: after the restart the same 420 characters are 4 Latin-1 parts, not
    * 3 GSM ones. A part is skipped only if the SMSC took that very part (same link, reference, total and number):
    * <ul>
    *   <li>parts 1 and 2 of the GSM split accepted: all 4 Latin-1 parts go out, so the handset can complete the text
    *   (before, new parts 1 and 2 were skipped as "accepted" and only 3/4 and 4/4 went out: never completed);</li>
    *   <li>all 3 GSM parts accepted: the handset has the whole text, nothing goes out again;</li>
    *   <li>parts 1 and 2 of this very split accepted by link "old" (routing moved the MT to "sim"): all 4 go out on
    *   "sim", whose source address and split the other link's need not share.</li>
    * </ul>
    */
   @Test
   void anMtSplitOtherwiseAfterTheRestartIsSentWhole() throws Exception {
      String text = "latin1 ".repeat(60); // 420 characters: 3 GSM 7-bit parts of 153, 4 Latin-1 parts of 134
      String partlyGsm = "0000000000000f21";
      String wholeGsm = "0000000000000f22";
      String otherLink = "0000000000000f23";
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureNoLinks();
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            sendMt(broker, partlyGsm, "8613800138131", text);
            sendMt(broker, wholeGsm, "8613800138132", text);
            sendMt(broker, otherLink, "8613800138133", text);
            // The queue counts a message sent durably once its executor has taken it in, a moment after the send returns.
            Wait.until("the three MT unacknowledged, as a crash leaves them", Duration.ofSeconds(10),
                       () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 3);
         }
         // What the crash left in the correlation store: the records of the parts the SMSC had accepted.
         try (RocksDbCorrelationStore store = RocksDbCorrelationStore.open(
                 CorrelationStoreConfig.builder(dir.resolve(SmscLinkService.STORE_DIRECTORY)).build())) {
            store.put(acceptedPart("sim", "a1", partlyGsm, "8613800138131", 3, 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            store.put(acceptedPart("sim", "a2", partlyGsm, "8613800138131", 3, 2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            for (int number = 1; number <= 3; number++) {
               store.put(acceptedPart("sim", "b" + number, wholeGsm, "8613800138132", 3, number)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            store.put(acceptedPart("old", "c1", otherLink, "8613800138133", 4, 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            store.put(acceptedPart("old", "c2", otherLink, "8613800138133", 4, 2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
         }

         try (TestBroker restarted = TestBroker.smpp(dir, "").start()) {
            SmscLinkService service = new SmscLinkService(restarted.server(), linkRuntime(port, ", default-alphabet = latin1", ""));
            service.start();
            try {
               Wait.until("the three MT acknowledged", Duration.ofSeconds(10),
                          () -> restarted.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
               List<String> sent = new ArrayList<>();
               for (JsmppSmsc.Received submit = smsc.submits.poll(); submit != null; submit = smsc.submits.poll()) {
                  assertEquals(0x40, submit.esmClass() & 0x40, "a part with its concatenation UDH");
                  byte[] sm = submit.shortMessage();
                  sent.add(submit.destination() + " " + (sm[5] & 0xFF) + "/" + (sm[4] & 0xFF));
               }
               Collections.sort(sent);
               assertEquals(List.of("8613800138131 1/4", "8613800138131 2/4", "8613800138131 3/4", "8613800138131 4/4",
                                    "8613800138133 1/4", "8613800138133 2/4", "8613800138133 3/4", "8613800138133 4/4"), sent,
                            "every Latin-1 part of the MT the SMSC took part of, none of the one it took whole");
            } finally {
               service.stop();
            }
         }
      }
   }

   /** The record a link stores once the SMSC accepted part {@code number} of the 420-character MT split {@code total} ways. */
   private static CorrelationRecord acceptedPart(String link, String smscId, String smsId, String destination, int total, int number) {
      long now = System.currentTimeMillis();
      return new CorrelationRecord(link, smscId, smsId, "smppclient1", null, "8610086", destination, null, 0, null, null, null,
                                   now, now + TimeUnit.HOURS.toMillis(1), SplitReference.of(smsId), total, number, 1,
                                   SmsProtocol.SMPP, "3.4");
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
   void aReceiptThatNeverMatchesIsSetAsideForAnOperatorAfterItsTries() throws Exception {
      System.setProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY, "100,200,300");
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            smsc.sendReceipt(new JsmppSmsc.Received("c0ffee", "8613800138051", "8610086", 0, new byte[0], (byte) 0),
                             DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            SmscLinkControlMBean control = control(broker);
            Wait.until("tries exhausted, the receipt moved out of the way of later ones", Duration.ofSeconds(10),
                       () -> control.getParkedReceiptsExhausted() == 1 && broker.messageCount(SET_ASIDE) == 1
                          && broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS) == 0);
            assertEquals(0, control.getReceiptsRematched());

            // An operator hands it back (the queue's retryMessages): it gets one more try and is set aside again.
            assertEquals(1, broker.server().locateQueue(SimpleString.of(SET_ASIDE)).retryMessages(null));
            Wait.until("tried once more and set aside again", Duration.ofSeconds(10),
                       () -> control.getParkedReceiptsExhausted() == 2 && broker.messageCount(SET_ASIDE) == 1
                          && broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS) == 0);
            TextMessage parked = receive(broker, SET_ASIDE, null);
            assertNotNull(parked, "kept for an operator");
            assertEquals("c0ffee", parked.getStringProperty("smsSmscMessageId"));
            assertEquals("sim", parked.getStringProperty("smsLink"));
            assertEquals(LinkMessages.UNMATCHED_RECEIPTS, parked.getStringProperty("_AMQ_ORIG_ADDRESS"), "says where it was parked");
            assertEquals(0, broker.messageCount(SmsAddresses.DR));
         }
      }
   }

   /**
    * More receipts that can never match than a scan browses sit at the front of the parking queue: some unreadable
    * (no id), some of a link no longer configured, some whose tries all find nothing. A receipt parked behind them,
    * whose record appears just after, still becomes a DR, and they end up set aside for an operator.
    */
   @Test
   void aReceiptParkedBehindMoreThanAScanOfHopelessOnesIsStillMatched() throws Exception {
      // The receipt under test is tried at 300 ms and 1 s; the hopeless ones were parked an hour ago.
      System.setProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY, "300,1000,60000");
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         // The SMSC answers the submit_sm only after the receipt is parked: on a busy shared machine that can take
         // longer than the usual 3 s, and a resend would make a second SMSC id.
         configureLink(port, ", response-timeout = 30s");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            int hopeless = ParkedReceiptRetrier.BROWSED_PER_SCAN + 500;
            int ofThisLink = parkHopelessReceipts(broker, hopeless);

            smsc.receiptsBeforeResponse.set(1);
            sendMt(broker, "00000000000000c6", "8613800138054", "parked behind the hopeless ones");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);

            TextMessage dr = receive(broker, SmsAddresses.DR, null, 60_000);
            assertNotNull(dr, "DR of the receipt parked behind " + hopeless + " that can never match");
            assertEquals("00000000000000c6", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
            assertEquals(submit.messageId(), dr.getStringProperty("smsSmscMessageId"));
            Wait.until("the hopeless ones set aside", Duration.ofSeconds(60),
                       () -> broker.messageCount(SET_ASIDE) == hopeless
                          && broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS) == 0);
            SmscLinkControlMBean control = control(broker);
            assertEquals(ofThisLink, control.getParkedReceiptsExhausted());
            assertEquals(1, control.getReceiptsRematched());
            TextMessage kept = receive(broker, SET_ASIDE, "smsSmscMessageId = 'dead2'");
            assertNotNull(kept, "an operator finds them there");
            assertEquals("sim", kept.getStringProperty("smsLink"));
         }
      }
   }

   /**
    * Parks {@code count} receipts, as the link would have parked them an hour ago, that cannot match any more: a
    * third without a message id, a third of a link that is no longer configured, a third of this link whose record
    * does not exist. Returns how many are this link's.
    */
   private static int parkHopelessReceipts(TestBroker broker, int count) throws JMSException {
      long anHourAgo = System.currentTimeMillis() - TimeUnit.HOURS.toMillis(1);
      int ofThisLink = 0;
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(true, Session.SESSION_TRANSACTED);
           MessageProducer producer = session.createProducer(session.createQueue(LinkMessages.UNMATCHED_RECEIPTS))) {
         for (int i = 0; i < count; i++) {
            TextMessage parked = session.createTextMessage("id:dead" + i + " sub:001 dlvrd:001 stat:DELIVRD err:000");
            parked.setStringProperty("smsKind", "DR");
            parked.setStringProperty("smsStatus", "DELIVRD");
            parked.setLongProperty("smsDoneTime", anHourAgo);
            switch (i % 3) {
               case 0 -> parked.setStringProperty("smsLink", "sim"); // unreadable: no id to look up
               case 1 -> {
                  parked.setStringProperty("smsLink", "gone");
                  parked.setStringProperty("smsSmscMessageId", "dead" + i);
               }
               default -> {
                  parked.setStringProperty("smsLink", "sim");
                  parked.setStringProperty("smsSmscMessageId", "dead" + i);
               }
            }
            if (i % 3 != 1) {
               ofThisLink++;
            }
            producer.send(parked);
            if (i % 500 == 499) {
               session.commit();
            }
         }
         session.commit();
      }
      return ofThisLink;
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

   /** The broker runs without links of its own; the services under test get theirs from {@link #linkRuntime}. */
   private void configureNoLinks() throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         """);
      System.setProperty("smsgw.config", file.toString());
   }

   /** A runtime whose configuration has the link "sim" to the SMSC on {@code smscPort}, then {@code moreLinks}. */
   private static GatewayRuntime linkRuntime(int smscPort, String moreLinks) {
      return linkRuntime(smscPort, "", moreLinks);
   }

   /** The same, with {@code simSettings} (each starting with a comma) added to link "sim". */
   private static GatewayRuntime linkRuntime(int smscPort, String simSettings, String moreLinks) {
      GatewayRuntime runtime = new GatewayRuntime();
      runtime.configure(GatewayConfigLoader.parse("""
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 2s, response-timeout = 3s, reconnect-min = 100ms, reconnect-max = 400ms %s }
           %s
         }
         """.formatted(smscPort, simSettings, moreLinks), "links.conf"));
      return runtime;
   }

   private static long linkSessions(TestBroker broker) {
      return broker.server().getSessions().stream().filter(s -> s.getName().startsWith("smsc-link-")).count();
   }

   /**
    * The second link's trust store cannot be read, so the start fails; it must not keep the correlation store
    * (RocksDB's lock) or anything else, so that the next start on the same data directory works.
    */
   @Test
   void aStartThatFailsOnATrustStoreLeavesTheDataDirectoryUsable() throws Exception {
      Path notAKeyStore = Files.writeString(dir.resolve("smsc.pem"), "-----BEGIN CERTIFICATE-----\nnot a key store\n");
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureNoLinks();
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            SmscLinkService failing = new SmscLinkService(broker.server(), linkRuntime(port,
               "secure { host = \"127.0.0.1\", port = 1, system-id = \"gw\", password = \"pw\", tls = true, tls-trust-store = \""
                  + notAKeyStore + "\" }"));
            Exception refused = assertThrows(Exception.class, failing::start);
            assertTrue(refused.getMessage().startsWith("SMSC link secure: cannot use its tls-trust-store"), refused.getMessage());
            assertEquals(0, linkSessions(broker));

            SmscLinkService next = new SmscLinkService(broker.server(), linkRuntime(port, ""));
            next.start(); // before: RocksDB's lock on sms-correlation was still held
            try {
               Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
               sendMt(broker, "00000000000000b3", "8613800138005", "after a failed start");
               JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(submit);
               Wait.until("MT acknowledged once its record is stored", Duration.ofSeconds(10),
                          () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            } finally {
               next.stop();
            }
         }
      }
   }

   /**
    * The second link cannot open its consumer (its queue allows one, and an application holds it), so the start
    * fails: the first link, already bound, is stopped again, no link session stays in the broker, and the next
    * start on the same data directory works.
    */
   @Test
   void aLinkThatCannotStartStopsTheLinksStartedBeforeIt() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureNoLinks();
         String taken = SmsAddresses.smscLinkQueue("second");
         try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.addQueueConfiguration(
                 QueueConfiguration.of(taken).setAddress(taken).setRoutingType(RoutingType.ANYCAST).setMaxConsumers(1))).start();
              Connection application = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            Session session = application.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createConsumer(session.createQueue(taken));
            SmscLinkService failing = new SmscLinkService(broker.server(), linkRuntime(port,
               "second { host = \"127.0.0.1\", port = " + port + ", system-id = \"gw2\", password = \"pw\" }"));
            assertThrows(Exception.class, failing::start);

            assertEquals(0, linkSessions(broker), "no link session left behind");
            assertEquals(0, broker.consumerCount(SmsAddresses.smscLinkQueue("sim")), "the first link consumes no more");
            assertNull(broker.server().getManagementService().getUntypedControl("smsc-link.sim"), "no bean of a link that does not run");
            Wait.until("the first link's SMSC session ended", Duration.ofSeconds(10), () -> !smsc.hasBoundSession());

            SmscLinkService next = new SmscLinkService(broker.server(), linkRuntime(port, ""));
            next.start();
            try {
               Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
               assertEquals(1, broker.consumerCount(SmsAddresses.smscLinkQueue("sim")));
               sendMt(broker, "00000000000000b4", "8613800138006", "after a failed start");
               assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS));
            } finally {
               next.stop();
            }
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

   /**
    * An SMSC that requires a client certificate (mutual TLS, as carriers ask for): a link without tls-key-store
    * never binds, and its bean says why; with the key store it binds, and an MT goes out and its receipt comes back.
    */
   @Test
   void aLinkPresentsTheClientCertificateOfItsKeyStoreToAnSmscThatRequiresOne() throws Exception {
      TestCertificate smscCertificate = TestCertificate.create(dir, "smsc");
      TestCertificate gatewayCertificate = TestCertificate.create(dir, "gateway");
      String trust = ", tls = true, tls-trust-store = \"" + smscCertificate.trustStore() + "\", tls-trust-store-password = "
         + TestCertificate.PASSWORD;
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port, TestCertificate.context(smscCertificate, gatewayCertificate), true)) {
         configureLink(port, trust);
         try (TestBroker broker = startWithJmx()) {
            Wait.until("the TLS failure on the link's bean", Duration.ofSeconds(15),
                       () -> jmx("sim", "LastError").contains("TLS"));
            String error = jmx("sim", "LastError");
            assertTrue(error.contains("certificate"), error);
            assertEquals("CONNECTING", jmx("sim", "State"));
            assertFalse(smsc.hasBoundSession());
            assertEquals(0, smsc.binds.get(), "no bind got through the handshake");
         }
      }

      // A fresh SMSC: the one above takes its connections one at a time, each refused one waiting out its bind wait.
      port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port, TestCertificate.context(smscCertificate, gatewayCertificate), true)) {
         configureLink(port, trust + ", tls-key-store = \"" + gatewayCertificate.keyStore() + "\", tls-key-store-password = "
            + TestCertificate.PASSWORD);
         try (TestBroker broker = startWithJmx()) {
            // the SMSC's session is bound once it answered; the link's once it read that answer
            Wait.until("link bound with its client certificate", Duration.ofSeconds(15),
                       () -> smsc.hasBoundSession() && "BOUND".equals(jmx("sim", "State")));
            sendMt(broker, "00000000000000e1", "8613800138061", "Mutual TLS");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "submit_sm over mutual TLS");
            assertEquals("Mutual TLS", new String(submit.shortMessage(), StandardCharsets.US_ASCII));
            Wait.until("MT acknowledged once the correlation is durable", Duration.ofSeconds(10),
                       () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            smsc.sendReceipt(submit, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            TextMessage dr = receive(broker, SmsAddresses.DR, null);
            assertNotNull(dr, "DR on sms.dr");
            assertEquals("00000000000000e1", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
         }
      }
   }

   /**
    * The link checks that the SMSC's certificate names the host it connects to, even when its trust store vouches
    * for the certificate: one for another name is refused, and the bean says so. tls-verify-host = false takes it
    * (a carrier whose certificate does not name the address the link connects to).
    */
   @Test
   void aLinkRefusesAnSmscCertificateForAnotherNameUnlessHostVerificationIsOff() throws Exception {
      TestCertificate otherName = TestCertificate.createForHost(dir, "smsc.example.net");
      String trust = ", tls = true, tls-trust-store = \"" + otherName.trustStore() + "\", tls-trust-store-password = "
         + TestCertificate.PASSWORD;
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port, TestCertificate.context(otherName, otherName))) {
         configureLink(port, trust);
         try (TestBroker broker = startWithJmx()) {
            Wait.until("the refused certificate on the link's bean", Duration.ofSeconds(15),
                       () -> jmx("sim", "LastError").contains("TLS"));
            String error = jmx("sim", "LastError");
            assertTrue(error.contains("127.0.0.1"), error);
            assertEquals("CONNECTING", jmx("sim", "State"));
            assertEquals(0, smsc.binds.get(), "the link sent no bind to an SMSC it could not identify");
         }
      }

      port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port, TestCertificate.context(otherName, otherName))) {
         configureLink(port, trust + ", tls-verify-host = false");
         try (TestBroker broker = startWithJmx()) {
            Wait.until("link bound without host verification", Duration.ofSeconds(15), smsc::hasBoundSession);
            sendMt(broker, "00000000000000e2", "8613800138062", "Any name");
            assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "submit_sm");
         }
      }
   }

   /**
    * A key store the link cannot use fails the start with a message naming the link, the setting and the file, never
    * the password; nothing is left open, so the next start works.
    */
   @Test
   void aKeyStoreThatCannotBeUsedFailsTheStartNamingTheLink() throws Exception {
      TestCertificate gatewayCertificate = TestCertificate.create(dir, "gateway");
      Path notAKeyStore = Files.writeString(dir.resolve("client.p12"), "not a key store");
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureNoLinks();
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            String[][] cases = {
               {"\"" + gatewayCertificate.keyStore() + "\"", "wrong-Secret7", "password was incorrect"},
               {"\"" + notAKeyStore + "\"", TestCertificate.PASSWORD, "client.p12"},
               {"\"" + gatewayCertificate.trustStore() + "\"", TestCertificate.PASSWORD, "no private key"},
            };
            for (String[] each : cases) {
               SmscLinkService failing = new SmscLinkService(broker.server(), linkRuntime(port,
                  "secure { host = \"127.0.0.1\", port = 1, system-id = \"gw\", password = \"pw\", tls = true"
                     + ", tls-key-store = " + each[0] + ", tls-key-store-password = \"" + each[1] + "\" }"));
               Exception refused = assertThrows(Exception.class, failing::start);
               String message = refused.getMessage();
               assertTrue(message.startsWith("SMSC link secure: cannot use its tls-key-store"), message);
               assertTrue(message.contains(each[2]), message);
               assertFalse(message.contains(each[1]), message);
               assertEquals(0, linkSessions(broker));
            }

            SmscLinkService next = new SmscLinkService(broker.server(), linkRuntime(port, ""));
            next.start();
            try {
               Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            } finally {
               next.stop();
            }
         }
      }
   }

   // ---------------------------------------------------------------- operations: bean state, reconnect, stop

   /** The link's bean as JMX shows it to an operator (the console's JMX tab, jconsole, Jolokia). */
   private static ObjectName linkBean(String link) throws Exception {
      return new ObjectName("org.apache.activemq.artemis:broker=\"test-broker\",component=smsc-links,name=\"" + link + "\"");
   }

   private static String jmx(String link, String attribute) {
      try {
         return String.valueOf(ManagementFactory.getPlatformMBeanServer().getAttribute(linkBean(link), attribute));
      } catch (Exception e) {
         throw new IllegalStateException("reading " + attribute + " of link " + link, e);
      }
   }

   private TestBroker startWithJmx() throws Exception {
      return TestBroker.smpp(dir, "").configure(cfg -> cfg.setJMXManagementEnabled(true)).start();
   }

   private static void sendMtTo(TestBroker broker, String link, String smsId, String destination, String text) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.smscLinkQueue(link)))) {
         Message mt = session.createTextMessage(text);
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "smppclient1");
         mt.setStringProperty("smsProtocol", "SMPP");
         mt.setStringProperty("smsSource", "8610086");
         mt.setStringProperty("smsDestination", destination);
         producer.send(mt);
      }
   }

   /**
    * A transmitter-receiver link whose receiver bind the SMSC refuses: MT still go out, but the bean no longer says
    * BOUND (before: BOUND, with only reconnects climbing while receipts and MO stopped), shows each role's state and
    * names the refusal in LastError; once the SMSC takes the receiver, the link is BOUND.
    */
   @Test
   void aRefusedReceiverBindShowsOnTheLinkBeanWithTheRefusalAsLastError() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.refuseBind = org.jsmpp.bean.BindType.BIND_RX;
         configureLink(port, ", bind = transmitter-receiver");
         try (TestBroker broker = startWithJmx()) {
            Wait.until("transmitter bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            Wait.until("receiver bind refused", Duration.ofSeconds(10), () -> smsc.bindsRefused.get() > 0);
            Wait.until("refusal recorded", Duration.ofSeconds(10), () -> !"BOUND".equals(jmx("sim", "State"))
               && jmx("sim", "LastError").contains("bind_receiver refused: ESME_RBINDFAIL"));
            assertEquals("PARTIALLY_BOUND", jmx("sim", "State"));
            assertEquals("transmitter-receiver", jmx("sim", "BindMode"));
            assertEquals("BOUND", jmx("sim", "TransmitterState"));
            assertFalse("BOUND".equals(jmx("sim", "ReceiverState")), jmx("sim", "ReceiverState"));

            sendMt(broker, "00000000000000e1", "8613800138070", "without a receiver");
            assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "MT still go out on the transmitter");

            smsc.refuseBind = null;
            Wait.until("receiver bound after the next try", Duration.ofSeconds(10),
                       () -> "BOUND".equals(jmx("sim", "State")) && "BOUND".equals(jmx("sim", "ReceiverState")));
         }
      }
   }

   /**
    * reconnect() from JMX drops the connection with submit_sm still unanswered and binds again at once (not after
    * reconnect-min): the unanswered ones go out again and every MT is acknowledged, and MT sent afterwards flow. Pausing
    * the link's queue stops sending until it is resumed.
    */
   @Test
   void reconnectFromManagementBindsAgainAtOnceAndLosesNothing() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, ", reconnect-min = 20s, reconnect-max = 40s");
         try (TestBroker broker = startWithJmx()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(jmx("sim", "State")));
            java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
            smsc.holdResponses = held;
            Set<String> sent = new HashSet<>();
            for (int i = 0; i < 3; i++) {
               sendMt(broker, "00000000000000f" + i, "861380013809" + i, "in flight " + i);
               sent.add("861380013809" + i);
            }
            for (int i = 0; i < 3; i++) {
               assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "held submit " + i);
            }

            ManagementFactory.getPlatformMBeanServer().invoke(linkBean("sim"), "reconnect", new Object[0], new String[0]);
            Wait.until("bound again at once, not after reconnect-min", Duration.ofSeconds(15), // reconnect-min is 20 s
                       () -> smsc.binds.get() == 2 && "BOUND".equals(jmx("sim", "State")));
            Set<String> resent = new HashSet<>();
            for (int i = 0; i < 3; i++) {
               JsmppSmsc.Received again = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(again, "unanswered submit sent again " + i);
               resent.add(again.destination());
            }
            assertEquals(sent, resent);
            smsc.holdResponses = null;
            held.countDown();
            Wait.until("every MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            assertEquals("", jmx("sim", "LastError"), "a reconnect asked for is no error");

            sendMt(broker, "00000000000000f8", "8613800138098", "after the reconnect");
            JsmppSmsc.Received after = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(after, "MT flow after the reconnect");
            assertEquals("8613800138098", after.destination());

            var queue = broker.server().locateQueue(SimpleString.of(SmsAddresses.smscLinkQueue("sim")));
            Wait.until("acknowledged", Duration.ofSeconds(10), () -> queue.getMessageCount() == 0);
            queue.pause();
            sendMt(broker, "00000000000000f9", "8613800138099", "while paused");
            assertNull(smsc.submits.poll(1, TimeUnit.SECONDS), "nothing sent while the queue is paused");
            queue.resume();
            JsmppSmsc.Received resumed = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(resumed, "sent once resumed");
            assertEquals("8613800138099", resumed.destination());
         }
      }
   }

   /**
    * Two links stop together: one waits for a submit_sm its SMSC does not answer, the other holds a part its SMSC
    * throttled. The broker stops within about one response-timeout (4 s) instead of one per link (before: about 8 s,
    * the throttled part holding its link's stop for the whole timeout), and both MT go out after the restart.
    */
   @Test
   void linksStopTogetherWithinOneResponseTimeoutAndKeepTheirMessages() throws Exception {
      int heldPort = JsmppSmsc.freePort();
      int throttlingPort = JsmppSmsc.freePort();
      try (JsmppSmsc held = new JsmppSmsc(heldPort); JsmppSmsc throttling = new JsmppSmsc(throttlingPort)) {
         Path file = dir.resolve("sms-gateway.conf");
         String timers = "enquire-link-interval = 2s, response-timeout = 4s, reconnect-min = 2s, reconnect-max = 20s";
         Files.writeString(file, """
            gateway { code = "001001" }
            accounts { smppclient1 { password = "password", protocols = [SMPP] } }
            links {
              held { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", %s }
              throttled { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", %s }
            }
            """.formatted(heldPort, timers, throttlingPort, timers));
         System.setProperty("smsgw.config", file.toString());
         java.util.concurrent.CountDownLatch answers = new java.util.concurrent.CountDownLatch(1);
         try {
            held.holdResponses = answers;
            throttling.throttleNext.set(1_000);
            TestBroker broker = TestBroker.smpp(dir, "").start();
            long stopped;
            try {
               Wait.until("links bound", Duration.ofSeconds(10), () -> held.hasBoundSession() && throttling.hasBoundSession());
               sendMtTo(broker, "held", "0000000000000e01", "8613800138101", "unanswered");
               sendMtTo(broker, "throttled", "0000000000000e02", "8613800138102", "throttled");
               assertNotNull(held.submits.poll(10, TimeUnit.SECONDS), "the submit_sm left unanswered");
               SmscLinkControlMBean throttledLink = (SmscLinkControlMBean) broker.server().getManagementService()
                  .getUntypedControl("smsc-link.throttled");
               Wait.until("a part throttled", Duration.ofSeconds(10), () -> throttledLink.getThrottled() > 0);
            } finally {
               long start = System.nanoTime();
               broker.close();
               stopped = System.nanoTime() - start;
            }
            assertTrue(stopped < TimeUnit.MILLISECONDS.toNanos(6_500),
                       "broker stop took " + TimeUnit.NANOSECONDS.toMillis(stopped) + " ms with a 4 s response-timeout");
         } finally {
            held.holdResponses = null;
            answers.countDown();
         }
         throttling.throttleNext.set(0);
         held.submits.clear();
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            JsmppSmsc.Received first = held.submits.poll(15, TimeUnit.SECONDS);
            JsmppSmsc.Received second = throttling.submits.poll(15, TimeUnit.SECONDS);
            assertNotNull(first, "the unanswered MT went back to its queue and out after the restart");
            assertNotNull(second, "the throttled MT went back to its queue and out after the restart");
            Wait.until("both acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("held")) == 0
               && broker.messageCount(SmsAddresses.smscLinkQueue("throttled")) == 0);
         }
      }
   }

   /**
    * A part waiting out a throttling backoff when the broker stops is not sent any more (before: its retry went out
    * while the stop waited, after the link had stopped taking messages) and does not hold the stop; its MT stays
    * on the queue and goes out after the restart.
    */
   @Test
   void noSubmitSmGoesOutOnceTheStopBegan() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.throttleNext.set(1);
         configureLink(port, ", response-timeout = 10s, reconnect-min = 1s, reconnect-max = 2s");
         long stopped;
         TestBroker broker = TestBroker.smpp(dir, "").start();
         try {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "0000000000000e11", "8613800138111", "throttled once");
            Wait.until("throttled", Duration.ofSeconds(10), () -> control(broker).getThrottled() == 1);
         } finally {
            long start = System.nanoTime();
            broker.close();
            stopped = System.nanoTime() - start;
         }
         assertNull(smsc.submits.poll(), "no submit_sm after the stop began");
         assertTrue(stopped < TimeUnit.SECONDS.toNanos(5), "the throttled part held the stop for "
                    + TimeUnit.NANOSECONDS.toMillis(stopped) + " ms");

         try (TestBroker again = TestBroker.smpp(dir, "").start()) {
            JsmppSmsc.Received submit = smsc.submits.poll(15, TimeUnit.SECONDS);
            assertNotNull(submit, "the MT went out after the restart");
            assertEquals("8613800138111", submit.destination());
            Wait.until("acknowledged", Duration.ofSeconds(10), () -> again.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
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

   /**
    * An SMSC that loses every submit_sm to one handset and answers everything else. Before: the link rebound and sent
    * the part again every response-timeout for ever, the MT was never acknowledged and nobody got a report. Now: the
    * part goes max-unanswered-attempts times (3 by default), then its MT ends with a final UNKNOWN report (109) and is
    * acknowledged; MT to other handsets go on.
    */
   @Test
   void aSubmitSmNeverAnsweredEndsUnknownAfterItsAttempts() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.dropFor = "8613800138201";
         configureLink(port, ", response-timeout = 1s");
         try (TestBroker broker = startWithJmx()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "0000000000000c01", "8613800138201", "lost by the SMSC");
            TextMessage dr = receive(broker, SmsAddresses.DR, "smsId = '0000000000000c01'", 30_000);
            assertNotNull(dr, "a final report for the MT whose submit_sm was never answered");
            assertEquals("UNKNOWN", dr.getStringProperty("smsStatus"));
            assertEquals("109", dr.getStringProperty("smsErrorCode"));
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            assertEquals("1", jmx("sim", "UnansweredGivenUp"));

            sendMt(broker, "0000000000000c02", "8613800138202", "answered");
            JsmppSmsc.Received answered = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(answered, "MT to another handset still go out");
            assertEquals("8613800138202", answered.destination());
            assertEquals(3, smsc.dropped.size(), "the lost part went three times, not once more after its report");
         }
      }
   }

   /**
    * on-unanswered = requeue: a lost submit_sm goes again on the same bind while the SMSC answers enquire_link, and an
    * MT answered meanwhile is not sent twice; after max-unanswered-attempts its MT ends UNKNOWN (109). One bind throughout.
    */
   @Test
   void requeueSendsALostSubmitSmAgainWithoutDroppingTheBind() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.dropFor = "8613800138211";
         configureLink(port, ", response-timeout = 1s, on-unanswered = requeue, max-unanswered-attempts = 2");
         try (TestBroker broker = startWithJmx()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "0000000000000c11", "8613800138211", "lost by the SMSC");
            sendMt(broker, "0000000000000c12", "8613800138212", "answered alongside");
            TextMessage dr = receive(broker, SmsAddresses.DR, "smsId = '0000000000000c11'", 30_000);
            assertNotNull(dr, "a final report for the MT whose submit_sm was never answered");
            assertEquals("UNKNOWN", dr.getStringProperty("smsStatus"));
            assertEquals("109", dr.getStringProperty("smsErrorCode"));
            Wait.until("both MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            assertEquals(2, smsc.dropped.size(), "the lost part went twice");
            assertEquals(1, smsc.submits.size(), "the answered MT went once");
            assertEquals(1, smsc.binds.get(), "the bind stayed up");
            assertEquals("BOUND", jmx("sim", "State"));
         }
      }
   }

   /**
    * The window (4 here) bounds the submit_sm the SMSC has not answered, not only the messages: a six-part MT had all
    * six parts outstanding at once before, more than a strict SMSC allows. Now four go, the others as answers come.
    */
   @Test
   void theWindowCountsSubmitSmNotMessages() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
            smsc.holdResponses = held;
            sendMt(broker, "0000000000000c21", "8613800138221", "six parts ".repeat(90)); // 900 characters
            for (int i = 0; i < 4; i++) {
               assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "part " + (i + 1) + " within the window");
            }
            assertNull(smsc.submits.poll(1, TimeUnit.SECONDS), "no fifth submit_sm while four are unanswered");
            smsc.holdResponses = null;
            held.countDown();
            for (int i = 4; i < 6; i++) {
               assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "part " + (i + 1) + " once answers came");
            }
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
         }
      }
   }

   /**
    * An application's MT whose smsFeeCode is longer than a correlation record holds (1,024 characters). It used to go
    * to the SMSC; the record for its submit_sm_resp was then refused with an exception that closed the transmitter (the
    * other parts in flight were sent again), left the MT unacknowledged with its window slot taken, and sent it again
    * at every restart. Now it is refused before it is sent, with one REJECTD report as for any MT the link cannot
    * send, and the link carries on.
    */
   @Test
   void anMtWithAFieldTooLongToRecordGetsOneRejectedReportAndTheLinkCarriesOn() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            String feeCode = "9".repeat(2000);
            sendMt(broker, "0000000000000d01", "8613800138301", "a fee code nobody can store",
                   mt -> mt.setStringProperty("smsFeeCode", feeCode));
            sendMt(broker, "0000000000000d02", "8613800138302", "after it", mt -> { });

            TextMessage dr = receive(broker, SmsAddresses.DR, "smsId = '0000000000000d01'");
            assertNotNull(dr, "a report on the MT that cannot be recorded");
            assertEquals("REJECTD", dr.getStringProperty("smsStatus"));
            assertEquals("069", dr.getStringProperty("smsErrorCode"), "ESME_RSUBMITFAIL, as for any MT the link cannot send");
            assertEquals("smppclient1", dr.getStringProperty("smsAccount"));
            assertEquals(1024, dr.getStringProperty("smsFeeCode").length(), "cut to what a record holds");

            JsmppSmsc.Received next = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(next, "the next MT goes out");
            assertEquals("8613800138302", next.destination(), "the unrecordable MT never reached the SMSC");
            Wait.until("both acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS), "nothing sent twice");
            assertNull(receive(broker, SmsAddresses.DR, null, 500), "one report");
            assertEquals(1, smsc.binds.get(), "the link stayed bound: no reconnect");
            SmscLinkControlMBean control = control(broker);
            assertEquals("BOUND", control.getState());
            assertEquals(0, control.getWindowInUse());

            sendMt(broker, "0000000000000d03", "8613800138303", "still taking messages", mt -> { });
            JsmppSmsc.Received later = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(later, "the link still takes messages");
            assertEquals("8613800138303", later.destination());
         }
      }
   }

   /**
    * An application's MT with a concatenation reference out of range (70000): the UDH took its low byte, the SMSC
    * accepted the part, then its correlation record refused the reference inside the pipeline (decision 123's failure,
    * which the length checks did not cover). Now it is refused before it is sent, with one REJECTD report.
    */
   @Test
   void anMtWithASegmentReferenceOutOfRangeGetsOneRejectedReportAndTheLinkCarriesOn() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "0000000000000d11", "8613800138311", "first of two", mt -> {
               mt.setIntProperty("smsSegmentRef", 70000);
               mt.setIntProperty("smsSegmentTotal", 2);
               mt.setIntProperty("smsSegmentNumber", 1);
            });
            sendMt(broker, "0000000000000d12", "8613800138312", "after it", mt -> { });

            TextMessage dr = receive(broker, SmsAddresses.DR, "smsId = '0000000000000d11'");
            assertNotNull(dr, "a report on the MT whose reference no record holds");
            assertEquals("REJECTD", dr.getStringProperty("smsStatus"));
            assertEquals("069", dr.getStringProperty("smsErrorCode"));
            JsmppSmsc.Received next = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(next, "the next MT goes out");
            assertEquals("8613800138312", next.destination(), "the MT out of range never reached the SMSC");
            Wait.until("both acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS), "nothing sent twice");
            assertEquals(1, smsc.binds.get(), "the link stayed bound: no reconnect");
            assertEquals(0, control(broker).getWindowInUse());
         }
      }
   }

   /**
    * An MT without a validity that waited on the link's queue longer than the default 48 h (link down, paused, a
    * backlog): submitted 50 h ago, it is past its validity before it is first sent. It is reported EXPIRED and not
    * sent. Before, it went to the SMSC, which took it (an empty validity_period: the SMSC's own default, from now), and
    * the next expiry pass reported it EXPIRED while the SMSC was still delivering it; its real receipt was parked.
    */
   @Test
   void anMtPastItsDefaultValidityBeforeItsFirstSendIsReportedExpiredNotSubmitted() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            long now = System.currentTimeMillis();
            sendMt(broker, "0000000000000d11", "8613800138311", "waited too long", mt ->
               mt.setLongProperty("smsSubmitTime", now - TimeUnit.HOURS.toMillis(50)));
            sendMt(broker, "0000000000000d12", "8613800138312", "on time", mt -> { });

            TextMessage dr = receive(broker, SmsAddresses.DR, "smsId = '0000000000000d11'");
            assertNotNull(dr, "a report on the MT past its validity");
            assertEquals("EXPIRED", dr.getStringProperty("smsStatus"));
            JsmppSmsc.Received next = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(next, "the MT on time goes out");
            assertEquals("8613800138312", next.destination(), "the expired MT was not submitted");
            Wait.until("both acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS), "nothing else submitted");
            assertNull(receive(broker, SmsAddresses.DR, null, 500), "one report");
         }
      }
   }

   /**
    * An MT without a validity submitted 47 h ago is sent (its default validity has an hour left) and the SMSC takes
    * it: its correlation record then waits the default validity from that send, as the SMSC's own default does, so
    * the receipt that comes after the 48 h from the submission still matches. Before, the record's deadline was 48 h
    * after the submission: the store's next expiry pass after it reported EXPIRED while the SMSC still delivered it.
    * The clock cannot be moved here, so the record's deadline is read from the store.
    */
   @Test
   void theRecordOfAnMtWithoutValidityWaitsTheDefaultValidityFromItsSend() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureNoLinks();
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            List<CorrelationRecord> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
            SmscLinkService service = new SmscLinkService(broker.server(), linkRuntime(port, ""), store -> recording(store, stored));
            service.start();
            try {
               Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
               long sent = System.currentTimeMillis();
               sendMt(broker, "0000000000000d21", "8613800138321", "an hour left", mt ->
                  mt.setLongProperty("smsSubmitTime", sent - TimeUnit.HOURS.toMillis(47)));
               JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(submit, "sent within its validity");
               Wait.until("record stored", Duration.ofSeconds(10), () -> stored.size() == 1);
               long deadline = stored.get(0).expiresAtMillis();
               assertTrue(deadline >= sent + TimeUnit.HOURS.toMillis(48),
                          "the record waits 48 h from the send, not " + (deadline - sent) / 60_000 + " min");
               assertTrue(deadline <= System.currentTimeMillis() + TimeUnit.HOURS.toMillis(48));
               smsc.sendReceipt(submit, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
               TextMessage dr = receive(broker, SmsAddresses.DR, null);
               assertNotNull(dr);
               assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
            } finally {
               service.stop();
            }
         }
      }
   }

   /** The store, with every record the links put also added to {@code stored}. */
   private static io.smsgw.correlation.CorrelationStore recording(io.smsgw.correlation.CorrelationStore store,
                                                                  List<CorrelationRecord> stored) {
      FaultyRemovals view = new FaultyRemovals();
      view.onPut = stored::add;
      return view.wrap(store);
   }

   /**
    * The store refuses the record of an accepted part 15 times (full, as under overload); the link tries again every
    * 100 ms until it is stored, then acknowledges the MT. Each refused try is counted in the link's once-a-minute
    * summary, not written as a WARN line of its own: before, every part wrote one every 100 ms while the store
    * refused, thousands a second with a full window of links.
    */
   @Test
   void aStoreRefusingARecordForAWhileLeavesACountNotALinePerTry() throws Exception {
      System.setProperty(SmscLinkService.LOG_SUMMARY_INTERVAL_PROPERTY, "200");
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port); io.smsgw.broker.testing.LogCapture log = io.smsgw.broker.testing.LogCapture.start()) {
         configureNoLinks();
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            FaultyRemovals view = new FaultyRemovals();
            view.failPuts.set(15);
            List<CorrelationRecord> puts = new java.util.concurrent.CopyOnWriteArrayList<>();
            view.onPut = puts::add;
            SmscLinkService service = new SmscLinkService(broker.server(), linkRuntime(port, ""), view::wrap);
            service.start();
            try {
               Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
               sendMt(broker, "0000000000000d31", "8613800138331", "recorded at the 16th try");
               assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS));
               Wait.until("MT acknowledged once its record is stored", Duration.ofSeconds(20),
                          () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
               assertEquals(16, puts.size(), "tried until the store took it");
               String what = "correlation record write(s) refused";
               Wait.until("the refused tries counted in the summary", Duration.ofSeconds(10),
                          () -> log.lines("SMSC link sim in the last", what).stream()
                             .mapToLong(line -> Long.parseLong(line.replaceAll(".*: (?:.*, )?(\\d+) " + java.util.regex.Pattern.quote(what) + ".*", "$1")))
                             .sum() == 15);
               assertEquals(List.of(), log.lines("WARN", "not stored"), "no line per try");
               assertNull(smsc.submits.poll(200, TimeUnit.MILLISECONDS), "sent once");
            } finally {
               service.stop();
            }
         }
      } finally {
         System.clearProperty(SmscLinkService.LOG_SUMMARY_INTERVAL_PROPERTY);
      }
   }

   /**
    * A parked receipt whose lookup the store refuses at its last try (too many disk reads waiting, under the overload
    * in which receipts get parked) is looked up again, matches its record and becomes a DR. Before, the refused lookup
    * used up the last try and the receipt was set aside on sms.dr.unmatched.exhausted without ever being looked up.
    */
   @Test
   void aParkedReceiptWhoseLastLookupFailsIsLookedUpAgain() throws Exception {
      System.setProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY, "3600000");
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.receiptsBeforeResponse.set(1);
         configureLink(port, "");
         JsmppSmsc.Received submit;
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMt(broker, "0000000000000d41", "8613800138341", "parked, then looked up under overload");
            submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit);
            Wait.until("MT acknowledged (its record stored), receipt parked", Duration.ofSeconds(10),
                       () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0
                          && broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS) == 1);
         }
         // After a restart, with one try due at once: the store refuses its lookup the first time.
         System.setProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY, "200");
         configureNoLinks();
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            FaultyRemovals view = new FaultyRemovals();
            view.failGets.set(1);
            SmscLinkService service = new SmscLinkService(broker.server(), linkRuntime(port, ""), view::wrap);
            service.start();
            try {
               TextMessage dr = receive(broker, SmsAddresses.DR, null);
               assertNotNull(dr, "the parked receipt matched on the try after the refused lookup");
               assertEquals("0000000000000d41", dr.getStringProperty("smsId"));
               assertEquals(submit.messageId(), dr.getStringProperty("smsSmscMessageId"));
               Wait.until("parked copy deleted", Duration.ofSeconds(10),
                          () -> broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS) == 0);
               assertEquals(0, view.failGets.get(), "the refused lookup happened");
               assertEquals(0, broker.messageCount(SET_ASIDE), "not set aside");
               assertEquals(1, control(broker).getParkedLookupsFailed());
               assertEquals(0, control(broker).getParkedReceiptsExhausted());
               assertEquals(1, control(broker).getReceiptsRematched());
            } finally {
               service.stop();
            }
         }
      }
   }
}
