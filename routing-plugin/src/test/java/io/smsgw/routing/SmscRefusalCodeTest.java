package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SMSC that refuses an MT with ESME_RINVDSTADR (0x0B): the CMPP SP reads Stat MB:0011 (CMPP 3.0 §1.10: the SMSC
 * answered with error code 11), the SMPP ESME a receipt with stat:REJECTD err:011, and billing a record with REJECTD
 * and smsErrorCode 011. Real broker, routing and SMSC link; the SMSC a jSMPP server, the SP a byte-level CMPP client.
 */
class SmscRefusalCodeTest {

   private static final String SP = "901234";
   private static final int ESME_RINVDSTADR = 0x0B;

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

   @Test
   void aCmppSpGetsMbAndTheSmscStatusWhenTheSmscRefusesItsMt() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = TestBroker.cmpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           RawFrameSocket sp = RawFrameSocket.connect(broker.port())) {
         MessageConsumer billing = billingSubscription(jms);
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         smsc.refuseWith.set(ESME_RINVDSTADR);
         long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), SP);
         send(sp, new Connect(1, SP, CmppAuthenticator.authenticatorSource(SP, "secret", timestamp), 0x30, timestamp));
         assertEquals(0, assertInstanceOf(ConnectResp.class, read(sp)).status());
         send(sp, new Submit(2, 0L, 1, 1, 1, 0, "TEST", 0, "", 0, 0, 0, 0, SP, "02", "000010", "", "",
                             "1065712345", List.of("8613800138060"), 0, "Hello".getBytes(StandardCharsets.US_ASCII), "", ""));
         SubmitResp resp = assertInstanceOf(SubmitResp.class, read(sp));
         assertEquals(CmppResult.OK, resp.result());

         Deliver deliver = assertInstanceOf(Deliver.class, read(sp));
         assertEquals(Deliver.STATUS_REPORT, deliver.registeredDelivery());
         StatusReport report = StatusReport.parse(deliver.msgContent(), CmppVersion.V30).orElseThrow();
         assertEquals(CmppMsgId.toHex(resp.msgId()), CmppMsgId.toHex(report.msgId()));
         assertEquals("MB:0011", report.stat(), "the SMSC answered with error 11");
         send(sp, new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));

         Message record = billing.receive(10_000);
         assertNotNull(record, "the billing record");
         assertEquals("REJECTD", record.getStringProperty("smsStatus"));
         assertEquals("011", record.getStringProperty("smsErrorCode"));
      }
   }

   @Test
   void anSmppEsmeKeepsTheStateWordWithTheStatusAsErr() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         smsc.refuseWith.set(ESME_RINVDSTADR);
         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, "smppclient1", "password", inbox);
         try {
            String id = RoutingEndToEndTest.submit(esme, "8613800138061", "Hello");
            DeliverSm receipt = inbox.received.poll(10, TimeUnit.SECONDS);
            assertNotNull(receipt, "the receipt");
            String text = new String(receipt.getShortMessage(), StandardCharsets.US_ASCII);
            assertTrue(text.startsWith("id:" + id + " ") && text.contains(" stat:REJECTD err:011 "), text);
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   private static MessageConsumer billingSubscription(Connection jms) throws Exception {
      jms.setClientID("billing-system");
      jms.start();
      Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
      return session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
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
