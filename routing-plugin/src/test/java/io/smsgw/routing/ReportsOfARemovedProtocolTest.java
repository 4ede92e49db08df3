package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.LogCapture;
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
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that takes SMPP from an account strands the receipts of the SMPP MT it accepted before: a report goes only to
 * a session of its MT's protocol (decision 164), and no SMPP session of the account binds again. They end on
 * sms.dr.unrouted with a WARN naming the account, both the receipt that waited on the account's queue at the reload and
 * the one that arrives after it; the account's CMPP SP still gets its MO. Real broker with both acceptors and routing,
 * the SMSC a jSMPP server, the ESME jSMPP, the SP a byte-level CMPP client.
 */
class ReportsOfARemovedProtocolTest {

   private static final String ACCOUNT = "900001";
   private static final String SECRET = "secret1";

   @TempDir
   Path dir;
   private int smscPort;

   @BeforeEach
   void start() throws Exception {
      smscPort = JsmppSmsc.freePort();
      writeConfig("");
   }

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void writeConfig(String protocols) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           "900001" { password = "secret1" %s }
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes {
           mt = [ { prefix = "86138", links = [ sim ] } ]
           mo = [ { prefix = "1065712", account = "900001" } ]
         }
         """.formatted(protocols, smscPort));
      System.setProperty("smsgw.config", file.toString());
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

   private static SmsRoutingControlMBean control(TestBroker broker) {
      return (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
   }

   @Test
   void receiptsOfSmppMtEndOnTheUnroutedQueueOnceAReloadTakesSmppFromTheAccount() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = startBroker();
           RawFrameSocket sp = connectCmpp(broker)) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         String queue = SmsAddresses.accountQueue(ACCOUNT);
         SMPPSession transmitter = new SMPPSession();
         transmitter.setTransactionTimer(10_000);
         transmitter.connectAndBind("127.0.0.1", broker.server().getRemotingService().getAcceptor("smpp").getActualPort(),
            new BindParameter(BindType.BIND_TX, ACCOUNT, SECRET, "", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN,
                              null, InterfaceVersion.IF_34));
         RoutingEndToEndTest.submit(transmitter, "8613800138301", "before the reload");
         RoutingEndToEndTest.submit(transmitter, "8613800138302", "receipt after the reload");
         JsmppSmsc.Received first = smsc.submits.poll(10, TimeUnit.SECONDS);
         JsmppSmsc.Received second = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(first, "the first MT at the SMSC");
         assertNotNull(second, "the second MT at the SMSC");
         if (!first.destination().equals("8613800138301")) {
            JsmppSmsc.Received swap = first;
            first = second;
            second = swap;
         }
         smsc.sendReceipt(first, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
         Wait.until("the first receipt waiting for an SMPP receiver", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 1);
         Map<String, Long> before = control(broker).waitingReports(ACCOUNT);
         assertEquals(1L, before.get("smpp34Reports"), "the bean shows the SMPP 3.4 report: " + before);
         assertEquals(1L, before.get("cmppSessions"), "and the SP's session: " + before);
         assertEquals(1L, before.get("withoutSession"), "which cannot take it: " + before);

         try (LogCapture log = LogCapture.start()) {
            writeConfig(", protocols = [CMPP]");
            assertEquals("", control(broker).reload(), "the reload applied");
            Wait.until("the waiting receipt moved to " + DrRouteTransformer.UNROUTED, Duration.ofSeconds(10),
                       () -> broker.messageCount(DrRouteTransformer.UNROUTED) == 1);
            assertEquals(0, broker.messageCount(queue), "nothing left on the account's queue");
            List<String> moved = log.lines("WARN", "'900001'", DrRouteTransformer.UNROUTED);
            assertEquals(1, moved.size(), "one WARN for the account: " + log.lines("900001"));
            assertTrue(moved.get(0).contains("1 report"), moved.get(0));

            smsc.sendReceipt(second, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            Wait.until("the later receipt on " + DrRouteTransformer.UNROUTED, Duration.ofSeconds(10),
                       () -> broker.messageCount(DrRouteTransformer.UNROUTED) == 2);
            assertEquals(0, broker.messageCount(queue), "not on the account's queue, where no session would take it");
            assertEquals(1, log.count("WARN", "'900001'", "waits on " + DrRouteTransformer.UNROUTED),
                         "a WARN for the report routed there: " + log.lines("900001"));
         }
         assertEquals(2, control(broker).getReportsWithoutSession(), "both counted");
         assertEquals(0, broker.messageCount(TestBroker.DEAD_LETTERS), "nothing dead-lettered");

         // the account's CMPP side goes on: an MO reaches the SP
         smsc.sendMo("8613800138000", "10657121", "MO after the reload");
         Deliver mo = nextDeliver(sp);
         assertFalse(mo.isStatusReport(), "an MO, not a report");
         assertEquals("MO after the reload", new String(mo.msgContent(), StandardCharsets.US_ASCII));
      }
   }

   private static RawFrameSocket connectCmpp(TestBroker broker) throws Exception {
      RawFrameSocket sp = RawFrameSocket.connect(broker.port());
      long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), ACCOUNT);
      send(sp, new Connect(1, ACCOUNT, CmppAuthenticator.authenticatorSource(ACCOUNT, SECRET, timestamp), 0x30, timestamp));
      assertEquals(0, assertInstanceOf(ConnectResp.class, read(sp)).status());
      return sp;
   }

   private static Deliver nextDeliver(RawFrameSocket sp) throws Exception {
      while (true) {
         CmppPdu pdu = read(sp);
         if (pdu instanceof ActiveTest test) {
            send(sp, test.response());
            continue;
         }
         Deliver deliver = assertInstanceOf(Deliver.class, pdu);
         send(sp, new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
         return deliver;
      }
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
