package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports reach the submitter only when its MT asked for them (SMPP registered_delivery, CMPP Registered_Delivery,
 * an application's smsRegisteredDelivery), while the gateway still asks the SMSC for every receipt and bills every final
 * state. Real broker, the SMSC a jSMPP server, the ESME jSMPP, the SP a byte-level CMPP client, billing a JMS
 * subscriber. Each check sends the receipts whose reports must not arrive first, waits until their billing records
 * (stored in one write with the report) are there, then the ones that must: the account's queue is read in order, so
 * a report that should not have been sent would come before them.
 */
class RegisteredDeliveryTest {

   private static final String ESME = "smppclient1";
   private static final String SP = "901234";
   private static final int NOT_REQUESTED = 6;
   private static final int DELIVERED = 2;
   private static final int FAILED = 3;

   @TempDir
   Path dir;
   private int smscPort;

   @BeforeEach
   void writeConfig() throws Exception {
      smscPort = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           smppclient1 { password = "password", protocols = [SMPP] }
           app1 { password = "unused", protocols = [SMPP] }
           "901234" { password = "secret", protocols = [CMPP] }
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes { mt = [ { prefix = "86138", links = [ sim ] } ] }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
   }

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private static String submit(SMPPSession esme, String destination, int registeredDelivery) throws Exception {
      return esme.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination, new ESMClass(), (byte) 0, (byte) 1,
         null, null, new RegisteredDelivery(registeredDelivery), (byte) 0,
         new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, "Hello".getBytes(StandardCharsets.US_ASCII)).getMessageId();
   }

   /** The next {@code count} MT at the SMSC, by recipient; each asked the SMSC for a receipt. */
   private static Map<String, JsmppSmsc.Received> atSmsc(JsmppSmsc smsc, int count) throws Exception {
      Map<String, JsmppSmsc.Received> byDestination = new HashMap<>();
      for (int i = 0; i < count; i++) {
         JsmppSmsc.Received received = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(received, "MT " + (i + 1) + " of " + count + " at the SMSC");
         assertEquals(1, received.registeredDelivery(), "the gateway asks the SMSC for a receipt whatever the submitter asked");
         byDestination.put(received.destination(), received);
      }
      return byDestination;
   }

   private static void delivered(JsmppSmsc smsc, JsmppSmsc.Received mt) throws Exception {
      smsc.sendReceipt(mt, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
   }

   private static void undeliverable(JsmppSmsc smsc, JsmppSmsc.Received mt) throws Exception {
      smsc.sendReceipt(mt, DeliveryReceiptState.UNDELIV, MessageState.UNDELIVERABLE);
   }

   /** The next {@code count} billing records: state by smsId. */
   private static Map<String, String> billingRecords(MessageConsumer billing, int count) throws Exception {
      Map<String, String> states = new TreeMap<>();
      for (int i = 0; i < count; i++) {
         Message record = billing.receive(10_000);
         assertNotNull(record, "billing record " + (i + 1) + " of " + count);
         states.put(record.getStringProperty("smsId"), record.getStringProperty("smsStatus"));
      }
      return states;
   }

   private static MessageConsumer billingSubscription(Connection jms) throws Exception {
      jms.setClientID("billing-system");
      jms.start();
      Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
      return session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
   }

   private static SmsRoutingControlMBean routing(TestBroker broker) {
      return (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
   }

   @Test
   void anEsmeGetsTheReceiptsItsRegisteredDeliveryAsksForAndEveryFinalStateIsBilled() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = billingSubscription(jms);
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, ESME, "password", inbox);
         try {
            String none = submit(esme, "8613800138010", 0);
            String noneFailed = submit(esme, "8613800138011", 0);
            String failureOnlyDelivered = submit(esme, "8613800138012", 2);
            String failureOnly = submit(esme, "8613800138013", 2);
            String both = submit(esme, "8613800138014", 1);
            String bothFailed = submit(esme, "8613800138015", 1);
            String reserved = submit(esme, "8613800138016", 3);
            Map<String, JsmppSmsc.Received> mts = atSmsc(smsc, 7);

            // registered_delivery 0, and 2 for a delivered MT: no receipt, but billed
            delivered(smsc, mts.get("8613800138010"));
            undeliverable(smsc, mts.get("8613800138011"));
            delivered(smsc, mts.get("8613800138012"));
            assertEquals(Map.of(none, "DELIVRD", noneFailed, "UNDELIV", failureOnlyDelivered, "DELIVRD"), billingRecords(billing, 3));

            // 2 for an MT not delivered, 1 and 3 (reserved, as 1) for both outcomes: a receipt each
            undeliverable(smsc, mts.get("8613800138013"));
            delivered(smsc, mts.get("8613800138014"));
            undeliverable(smsc, mts.get("8613800138015"));
            delivered(smsc, mts.get("8613800138016"));
            Map<String, String> receipts = new TreeMap<>();
            for (int i = 0; i < 4; i++) {
               DeliverSm receipt = inbox.received.poll(10, TimeUnit.SECONDS);
               assertNotNull(receipt, "receipt " + (i + 1) + " of 4");
               var text = receipt.getShortMessageAsDeliveryReceipt();
               receipts.put(text.getId(), text.getFinalStatus().name());
            }
            assertEquals(Map.of(failureOnly, "UNDELIV", both, "DELIVRD", bothFailed, "UNDELIV", reserved, "DELIVRD"), receipts,
                         "the first receipts the ESME got are the four it asked for");
            assertEquals(Map.of(failureOnly, "UNDELIV", both, "DELIVRD", bothFailed, "UNDELIV", reserved, "DELIVRD"),
                         billingRecords(billing, 4));

            // every final state counted, and the reports not sent, for the operator (counted once stored: waited for)
            awaitCounters(broker, ESME, 4, 3, 3);
         } finally {
            esme.unbindAndClose();
         }

         // A transmitter that asks for no receipts leaves nothing waiting on its account's queue (which the bind above made)
         SMPPSession transmitter = RoutingEndToEndTest.bind(broker, BindType.BIND_TX, ESME, "password", null);
         try {
            String quiet = submit(transmitter, "8613800138017", 0);
            delivered(smsc, atSmsc(smsc, 1).get("8613800138017"));
            assertEquals(Map.of(quiet, "DELIVRD"), billingRecords(billing, 1));
            awaitCounters(broker, ESME, 5, 3, 4);
            assertEquals(0, broker.messageCount(SmsAddresses.accountQueue(ESME)), "no receipt waits for a receiver");
         } finally {
            transmitter.unbindAndClose();
         }
      }
   }

   @Test
   void anApplicationsMtWithoutThePropertyIsReportedAndOneWithZeroIsNot() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = billingSubscription(jms);
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT));
         TextMessage silent = session.createTextMessage("No report please");
         silent.setStringProperty("smsId", "00000000000005a0");
         silent.setStringProperty("smsAccount", "app1");
         silent.setStringProperty("smsDestination", "8613800138020");
         silent.setIntProperty("smsRegisteredDelivery", 0);
         producer.send(silent);
         TextMessage usual = session.createTextMessage("As ever");
         usual.setStringProperty("smsId", "00000000000005a1");
         usual.setStringProperty("smsAccount", "app1");
         usual.setStringProperty("smsDestination", "8613800138021");
         producer.send(usual);
         Map<String, JsmppSmsc.Received> mts = atSmsc(smsc, 2);

         delivered(smsc, mts.get("8613800138020"));
         assertEquals(Map.of("00000000000005a0", "DELIVRD"), billingRecords(billing, 1));
         delivered(smsc, mts.get("8613800138021"));
         Message report = reports.receive(10_000);
         assertNotNull(report, "an MT without smsRegisteredDelivery is reported, as before the gateway read it");
         assertEquals("00000000000005a1", report.getStringProperty("smsId"), "the first report is the one asked for");
         assertEquals(Map.of("00000000000005a1", "DELIVRD"), billingRecords(billing, 1));
         assertNull(reports.receiveNoWait(), "and the only one");
      }
   }

   @Test
   void aCmppSpGetsStatusReportsOnlyForRegisteredDeliveryOneAndEverythingIsBilled() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = TestBroker.cmpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           RawFrameSocket sp = RawFrameSocket.connect(broker.port())) {
         MessageConsumer billing = billingSubscription(jms);
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), SP);
         send(sp, new Connect(1, SP, CmppAuthenticator.authenticatorSource(SP, "secret", timestamp), 0x30, timestamp));
         assertEquals(0, assertInstanceOf(ConnectResp.class, read(sp)).status());

         String none = cmppSubmit(sp, 2, 0, "8613800138030");
         String billingOnly = cmppSubmit(sp, 3, 2, "8613800138031"); // CMPP 2.0: an SMC billing record only, no report
         String wanted = cmppSubmit(sp, 4, 1, "8613800138032");
         String wantedFailed = cmppSubmit(sp, 5, 1, "8613800138033");
         Map<String, JsmppSmsc.Received> mts = atSmsc(smsc, 4);

         delivered(smsc, mts.get("8613800138030"));
         undeliverable(smsc, mts.get("8613800138031"));
         assertEquals(Map.of(none, "DELIVRD", billingOnly, "UNDELIV"), billingRecords(billing, 2));

         delivered(smsc, mts.get("8613800138032"));
         undeliverable(smsc, mts.get("8613800138033"));
         Map<String, String> reports = new TreeMap<>();
         for (int i = 0; i < 2; i++) {
            Deliver deliver = assertInstanceOf(Deliver.class, read(sp));
            assertEquals(Deliver.STATUS_REPORT, deliver.registeredDelivery());
            StatusReport report = StatusReport.parse(deliver.msgContent(), CmppVersion.V30).orElseThrow();
            reports.put(CmppMsgId.toHex(report.msgId()), report.stat());
            send(sp, new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
         }
         assertEquals(Map.of(wanted, "DELIVRD", wantedFailed, "UNDELIV"), reports, "the first reports are the two asked for");
         assertEquals(Map.of(wanted, "DELIVRD", wantedFailed, "UNDELIV"), billingRecords(billing, 2));
         Wait.until("both reports acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.accountQueue(SP)) == 0);
         awaitCounters(broker, SP, 2, 2, 2);
      }
   }

   @Test
   void anEsmeThatAsksForIntermediateNotificationsGetsThemBeforeItsReceiptAndOneThatDoesNotGetsOnlyTheReceipt() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = billingSubscription(jms);
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, ESME, "password", inbox);
         try {
            String withIntermediate = submit(esme, "8613800138040", 0x11);
            String finalOnly = submit(esme, "8613800138041", 0x01);
            Map<String, JsmppSmsc.Received> mts = new HashMap<>();
            for (int i = 0; i < 2; i++) {
               JsmppSmsc.Received received = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(received, "MT " + (i + 1) + " of 2 at the SMSC");
               mts.put(received.destination(), received);
            }
            assertEquals(0x11, mts.get("8613800138040").registeredDelivery(), "the SMSC is asked for intermediate notifications too");
            assertEquals(0x01, mts.get("8613800138041").registeredDelivery());

            // 0x01: the SMSC's intermediate notification is counted and goes no further, as before
            smsc.sendIntermediateNotification(mts.get("8613800138041"), "ENROUTE");
            Wait.until("the first intermediate report counted", Duration.ofSeconds(10), () -> routing(broker).getIntermediateReports() == 1);

            // 0x11: an intermediate notification, and an ACCEPTD the SMSC sends as an ordinary receipt, each reach the ESME
            // as an intermediate notification (the one for 0x01 above, stored before, would have come first)
            smsc.sendIntermediateNotification(mts.get("8613800138040"), "ENROUTE");
            assertReport(nextDeliverSm(inbox), 0x20, withIntermediate, "ENROUTE", 1);
            smsc.sendReceipt(mts.get("8613800138040"), DeliveryReceiptState.ACCEPTD, MessageState.ACCEPTED);
            assertReport(nextDeliverSm(inbox), 0x20, withIntermediate, "ACCEPTD", 6);

            // then both final receipts, as registered_delivery bits 1-0 ask
            delivered(smsc, mts.get("8613800138040"));
            assertReport(nextDeliverSm(inbox), 0x04, withIntermediate, "DELIVRD", 2);
            delivered(smsc, mts.get("8613800138041"));
            assertReport(nextDeliverSm(inbox), 0x04, finalOnly, "DELIVRD", 2);

            // never billed: the first billing records are the final states', though the intermediate reports were stored first
            assertEquals(Map.of(withIntermediate, "DELIVRD", finalOnly, "DELIVRD"), billingRecords(billing, 2));
            awaitCounters(broker, ESME, 2, 0, 0);
            // counted once stored, a moment after the report is on the ESME's queue
            Wait.until("three intermediate reports counted", Duration.ofSeconds(10), () -> routing(broker).getIntermediateReports() == 3);
            Wait.until("every report acknowledged", Duration.ofSeconds(10),
                       () -> broker.messageCount(SmsAddresses.accountQueue(ESME)) == 0);
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   @Test
   void anSmpp33EsmeAndACmppSpGetNoIntermediateReportWhateverTheyAsk() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         // SMPP 3.3 defines registered_delivery 0 and 1 only: a 0x11 asks for the final receipt, nothing more
         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession receiver = bind33(broker, BindType.BIND_RX, inbox);
         SMPPSession transmitter = bind33(broker, BindType.BIND_TX, null);
         try {
            String id = submit(transmitter, "8613800138042", 0x11);
            JsmppSmsc.Received mt = atSmsc(smsc, 1).get("8613800138042");
            smsc.sendIntermediateNotification(mt, "ENROUTE");
            Wait.until("the intermediate report counted", Duration.ofSeconds(10), () -> routing(broker).getIntermediateReports() == 1);
            delivered(smsc, mt);
            DeliverSm receipt = nextDeliverSm(inbox);
            assertEquals(0x04, receipt.getEsmClass(), "the first deliver_sm is the final receipt");
            String text = new String(receipt.getShortMessage(), StandardCharsets.US_ASCII);
            assertTrue(text.startsWith("id:" + id + " ") && text.contains("stat:DELIVRD"), text);
         } finally {
            transmitter.unbindAndClose();
            receiver.unbindAndClose();
         }
      }

      // CMPP has no intermediate report: an SP whose Registered_Delivery has the SMPP bit gets the final report only
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = TestBroker.cmpp(dir.resolve("cmpp"), "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           RawFrameSocket sp = RawFrameSocket.connect(broker.port())) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), SP);
         send(sp, new Connect(1, SP, CmppAuthenticator.authenticatorSource(SP, "secret", timestamp), 0x30, timestamp));
         assertEquals(0, assertInstanceOf(ConnectResp.class, read(sp)).status());
         String id = cmppSubmit(sp, 2, 0x11, "8613800138043");
         JsmppSmsc.Received mt = atSmsc(smsc, 1).get("8613800138043");
         smsc.sendIntermediateNotification(mt, "ENROUTE");
         Wait.until("the intermediate report counted", Duration.ofSeconds(10), () -> routing(broker).getIntermediateReports() == 1);
         delivered(smsc, mt);
         Deliver deliver = assertInstanceOf(Deliver.class, read(sp));
         StatusReport report = StatusReport.parse(deliver.msgContent(), CmppVersion.V30).orElseThrow();
         assertEquals(id, CmppMsgId.toHex(report.msgId()));
         assertEquals("DELIVRD", report.stat(), "the first report is the final one");
         send(sp, new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
      }
   }

   private static SMPPSession bind33(TestBroker broker, BindType type, RoutingEndToEndTest.Inbox inbox) throws Exception {
      SMPPSession esme = new SMPPSession();
      esme.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
      if (inbox != null) {
         esme.setMessageReceiverListener(inbox);
      }
      esme.connectAndBind("127.0.0.1", broker.port(), new BindParameter(type, ESME, "password", "",
         TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_33));
      return esme;
   }

   private static DeliverSm nextDeliverSm(RoutingEndToEndTest.Inbox inbox) throws Exception {
      DeliverSm deliverSm = inbox.received.poll(10, TimeUnit.SECONDS);
      assertNotNull(deliverSm, "a deliver_sm within 10 s");
      return deliverSm;
   }

   /** A 3.4 report: its message type, the receipt text's id and stat: word, the receipted_message_id and message_state TLVs. */
   private static void assertReport(DeliverSm deliverSm, int esmClass, String id, String stat, int messageState) {
      String text = new String(deliverSm.getShortMessage(), StandardCharsets.US_ASCII);
      assertEquals(esmClass, deliverSm.getEsmClass() & 0xFF, text);
      assertTrue(text.startsWith("id:" + id + " "), text);
      assertTrue(text.contains(" stat:" + stat + " "), text);
      assertEquals(id, ((OptionalParameter.COctetString) deliverSm.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID)).getValueAsString());
      assertEquals(messageState, ((OptionalParameter.Byte) deliverSm.getOptionalParameter(OptionalParameter.Tag.MESSAGE_STATE)).getValue());
   }

   private static void awaitCounters(TestBroker broker, String account, long delivered, long failed, long notRequested) {
      Wait.until(account + ": " + delivered + " delivered, " + failed + " failed, " + notRequested + " reports not requested",
                 Duration.ofSeconds(10), () -> {
                    long[] counters = routing(broker).getAccountCounters(account);
                    return counters[DELIVERED] == delivered && counters[FAILED] == failed && counters[NOT_REQUESTED] == notRequested;
                 });
   }

   private static String cmppSubmit(RawFrameSocket sp, int sequence, int registeredDelivery, String recipient) throws Exception {
      send(sp, new Submit(sequence, 0L, 1, 1, registeredDelivery, 0, "TEST", 0, "", 0, 0, 0, 0, SP, "02", "000010", "", "",
                          "1065712345", List.of(recipient), 0, "Hello".getBytes(StandardCharsets.US_ASCII), "", ""));
      SubmitResp resp = assertInstanceOf(SubmitResp.class, read(sp));
      assertEquals(CmppResult.OK, resp.result());
      return CmppMsgId.toHex(resp.msgId());
   }

   private static void send(RawFrameSocket socket, CmppPdu pdu) throws Exception {
      socket.send(buf -> CmppCodec.encode(pdu, CmppVersion.V30, buf));
   }

   private static CmppPdu read(RawFrameSocket socket) throws Exception {
      CmppPdu pdu = socket.read(10_000, frame -> CmppCodec.decode(frame, CmppVersion.V30));
      assertNotNull(pdu, "a PDU from the gateway within 10 s");
      return pdu;
   }
}
