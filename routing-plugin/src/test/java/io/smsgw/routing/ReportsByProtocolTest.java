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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
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
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An account that uses both protocols (a 6-character id without {@code protocols}: SMPP and CMPP) gets each status
 * report on a session of the protocol its MT was submitted with, and for SMPP of the same version (the id format: 8 hex
 * digits for 3.3, 16 for 3.4): a report whose session is not bound waits for it, whoever else is bound. Real broker with
 * both acceptors and routing, the SMSC a jSMPP server, the ESME jSMPP, the SP a byte-level CMPP client.
 */
class ReportsByProtocolTest {

   private static final String ACCOUNT = "900001";
   private static final String SECRET = "secret1";

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
           "900001" { password = "secret1" }
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

   private TestBroker startBroker() throws Exception {
      return TestBroker.cmpp(dir.resolve("broker"), "").configure(cfg -> {
         try {
            cfg.addAcceptorConfiguration("smpp", "tcp://127.0.0.1:0?protocols=SMPP");
         } catch (Exception e) {
            throw new IllegalStateException(e);
         }
         TestBroker.withDeadLetterQueue(cfg);
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
      }).start();
   }

   private static int smppPort(TestBroker broker) {
      return broker.server().getRemotingService().getAcceptor("smpp").getActualPort();
   }

   @Test
   void eachReportReachesASessionOfTheProtocolAndVersionItsMtWasSubmittedWith() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = startBroker();
           RawFrameSocket sp = connectCmpp(broker)) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         RoutingEndToEndTest.Inbox inbox33 = new RoutingEndToEndTest.Inbox();
         RoutingEndToEndTest.Inbox inbox34 = new RoutingEndToEndTest.Inbox();
         SMPPSession receiver33 = bind(broker, BindType.BIND_RX, InterfaceVersion.IF_33, inbox33);
         SMPPSession transmitter33 = bind(broker, BindType.BIND_TX, InterfaceVersion.IF_33, null);
         SMPPSession transceiver34 = bind(broker, BindType.BIND_TRX, InterfaceVersion.IF_34, inbox34);
         try {
            Wait.until("three consumers on the account's queue", Duration.ofSeconds(10),
                       () -> broker.consumerCount(SmsAddresses.accountQueue(ACCOUNT)) == 3);
            Set<String> smpp33 = new HashSet<>();
            Set<String> smpp34 = new HashSet<>();
            Set<String> cmpp = new HashSet<>();
            int sequence = 10;
            for (int i = 0; i < 4; i++) {
               smpp33.add(RoutingEndToEndTest.submit(transmitter33, "861380013810" + i, "Hello 3.3"));
               smpp34.add(RoutingEndToEndTest.submit(transceiver34, "861380013811" + i, "Hello 3.4"));
               cmpp.add(cmppSubmit(sp, sequence++, "861380013812" + i));
            }
            smpp33.forEach(id -> assertEquals(8, id.length(), "a 3.3 session's ids are 8 hex digits: " + id));
            for (int i = 0; i < 12; i++) {
               JsmppSmsc.Received mt = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(mt, "MT " + (i + 1) + " of 12 at the SMSC");
               smsc.sendReceipt(mt, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            }

            assertEquals(cmpp, cmppReports(sp, 4), "the SP gets the reports of its CMPP MT");
            assertEquals(smpp33, receiptIds(inbox33, 4), "the 3.3 receiver gets the receipts of the 3.3 MT");
            assertEquals(smpp34, receiptIds(inbox34, 4), "the 3.4 transceiver gets the receipts of its 3.4 MT");
            Wait.until("every report acknowledged", Duration.ofSeconds(10),
                       () -> broker.messageCount(SmsAddresses.accountQueue(ACCOUNT)) == 0);
            assertNull(inbox33.received.poll(), "and nothing else");
            assertNull(inbox34.received.poll(), "and nothing else");
            assertEquals(0, broker.messageCount(TestBroker.DEAD_LETTERS), "no report dead-lettered");
         } finally {
            transceiver34.unbindAndClose();
            transmitter33.unbindAndClose();
            receiver33.unbindAndClose();
         }
      }
   }

   @Test
   void aReportWaitsWhileOnlyTheOtherProtocolIsBoundAndComesWhenItsSessionBinds() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = startBroker()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         String queue = SmsAddresses.accountQueue(ACCOUNT);

         // An SMPP 3.3 MT's receipt while only the SP is connected: it waits for a 3.3 receiver, not dead-lettered
         String smppId;
         String cmppId;
         try (RawFrameSocket sp = connectCmpp(broker)) {
            SMPPSession transmitter33 = bind(broker, BindType.BIND_TX, InterfaceVersion.IF_33, null);
            try {
               smppId = RoutingEndToEndTest.submit(transmitter33, "8613800138200", "Hello 3.3");
            } finally {
               transmitter33.unbindAndClose();
            }
            cmppId = cmppSubmit(sp, 2, "8613800138201");
            for (int i = 0; i < 2; i++) {
               JsmppSmsc.Received mt = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(mt, "MT " + (i + 1) + " of 2 at the SMSC");
               smsc.sendReceipt(mt, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            }
            assertEquals(Set.of(cmppId), cmppReports(sp, 1), "the SP gets its own report");
            Wait.until("the SMPP receipt waiting on the account's queue", Duration.ofSeconds(10),
                       () -> broker.messageCount(queue) == 1);
            assertEquals(0, broker.messageCount(TestBroker.DEAD_LETTERS), "not dead-lettered");
         }

         // A CMPP MT's report while only an SMPP receiver is bound: it waits for the SP
         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession receiver33 = bind(broker, BindType.BIND_RX, InterfaceVersion.IF_33, inbox);
         try {
            assertEquals(Set.of(smppId), receiptIds(inbox, 1), "the waiting receipt reaches the 3.3 receiver once it binds");
            String laterCmppId;
            try (RawFrameSocket sp = connectCmpp(broker)) {
               laterCmppId = cmppSubmit(sp, 2, "8613800138202");
            }
            Wait.until("the SP's session gone", Duration.ofSeconds(10), () -> broker.consumerCount(queue) == 1);
            JsmppSmsc.Received mt = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(mt, "the CMPP MT at the SMSC");
            smsc.sendReceipt(mt, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            Wait.until("the CMPP report waiting on the account's queue", Duration.ofSeconds(10),
                       () -> broker.messageCount(queue) == 1);
            assertNull(inbox.received.poll(), "the SMPP receiver does not get the CMPP MT's report");

            try (RawFrameSocket sp = connectCmpp(broker)) {
               assertEquals(Set.of(laterCmppId), cmppReports(sp, 1), "the SP gets it once it connects again");
               Wait.until("the report acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
            }
            assertNull(inbox.received.poll(), "the SMPP receiver got nothing more");
            assertEquals(0, broker.messageCount(TestBroker.DEAD_LETTERS), "no report dead-lettered");
         } finally {
            receiver33.unbindAndClose();
         }
      }
   }

   private static SMPPSession bind(TestBroker broker, BindType type, InterfaceVersion version,
                                   RoutingEndToEndTest.Inbox inbox) throws Exception {
      SMPPSession esme = new SMPPSession();
      esme.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
      if (inbox != null) {
         esme.setMessageReceiverListener(inbox);
      }
      esme.connectAndBind("127.0.0.1", smppPort(broker), new BindParameter(type, ACCOUNT, SECRET, "",
         TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, version));
      return esme;
   }

   /** The receipt ids of the next {@code count} deliver_sm, each a receipt. */
   private static Set<String> receiptIds(RoutingEndToEndTest.Inbox inbox, int count) throws Exception {
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < count; i++) {
         DeliverSm deliverSm = inbox.received.poll(10, TimeUnit.SECONDS);
         assertNotNull(deliverSm, "receipt " + (i + 1) + " of " + count + " within 10 s (so far " + ids + ")");
         assertEquals(0x04, deliverSm.getEsmClass() & 0xFF, "a receipt");
         ids.add(deliverSm.getShortMessageAsDeliveryReceipt().getId());
      }
      return ids;
   }

   private static RawFrameSocket connectCmpp(TestBroker broker) throws Exception {
      RawFrameSocket sp = RawFrameSocket.connect(broker.port());
      long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), ACCOUNT);
      send(sp, new Connect(1, ACCOUNT, CmppAuthenticator.authenticatorSource(ACCOUNT, SECRET, timestamp), 0x30, timestamp));
      assertEquals(0, assertInstanceOf(ConnectResp.class, read(sp)).status());
      return sp;
   }

   private static String cmppSubmit(RawFrameSocket sp, int sequence, String recipient) throws Exception {
      send(sp, new Submit(sequence, 0L, 1, 1, 1, 0, "TEST", 0, "", 0, 0, 0, 0, ACCOUNT, "02", "000010", "", "",
                          "1065712345", List.of(recipient), 0, "Hello".getBytes(StandardCharsets.US_ASCII), "", ""));
      SubmitResp resp = assertInstanceOf(SubmitResp.class, read(sp));
      assertEquals(CmppResult.OK, resp.result());
      return CmppMsgId.toHex(resp.msgId());
   }

   /** The Msg_Ids the next {@code count} report DELIVERs name, each answered Result 0. */
   private static Set<String> cmppReports(RawFrameSocket sp, int count) throws Exception {
      Set<String> ids = new HashSet<>();
      while (ids.size() < count) {
         CmppPdu pdu = read(sp);
         if (pdu instanceof ActiveTest test) {
            send(sp, test.response());
            continue;
         }
         Deliver deliver = assertInstanceOf(Deliver.class, pdu);
         assertEquals(Deliver.STATUS_REPORT, deliver.registeredDelivery(), "a report");
         StatusReport report = StatusReport.parse(deliver.msgContent(), CmppVersion.V30).orElseThrow();
         assertTrue(ids.add(CmppMsgId.toHex(report.msgId())), "each report once");
         send(sp, new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
      }
      return ids;
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
