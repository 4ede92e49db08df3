package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.FwdResp;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.correlation.CorrelationStoreConfig;
import io.smsgw.correlation.RocksDbCorrelationStore;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gateway A forwards MTs to its peer B; a third peer C (configured at A, authenticated, from its allowed address) is
 * a raw CMPP connection. A report FWD is taken only from the peer the MT was handed to.
 */
class FwdReportTrustTest {

   private static final String A = "001001";
   private static final String B = "020001";
   private static final String C = "077101";
   private static final int RECEIVE_MILLIS = 15_000;

   @TempDir
   Path dir;

   /** A's configuration besides B: C is a peer as well (its link finds nobody listening and keeps retrying). */
   private static String peerC(int port) {
      return """
         peers {
           "%s" { host = "127.0.0.1", port = %d, shared-secret = "c-secret", reconnect-min = 1s, reconnect-max = 2s }
         }
         """.formatted(C, port);
   }

   private static void send(String url, String address, MessageSetter setter) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(url).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer p = s.createProducer(s.createQueue(address))) {
         TextMessage m = s.createTextMessage();
         setter.set(m);
         p.send(m);
      }
   }

   private static Message receive(String url, String address) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(url).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = s.createConsumer(s.createQueue(address))) {
         c.start();
         return consumer.receive(RECEIVE_MILLIS);
      }
   }

   interface MessageSetter {
      void set(TextMessage m) throws Exception;
   }

   private static void mt(TextMessage m, String smsId) throws Exception {
      mt(m, smsId, "13800138000");
   }

   private static void mt(TextMessage m, String smsId, String recipient) throws Exception {
      m.setText("Hello from A");
      m.setStringProperty("smsKind", "MT");
      m.setStringProperty("smsId", smsId);
      m.setStringProperty("smsAccount", "901234");
      m.setStringProperty("smsSource", "10661234");
      m.setStringProperty("smsDestination", recipient);
      m.setIntProperty("smsRegisteredDelivery", 1);
   }

   private static void mtReport(TextMessage m, String smsId) throws Exception {
      mtReport(m, smsId, "13800138000");
   }

   private static void mtReport(TextMessage m, String smsId, String recipient) throws Exception {
      m.setText("");
      m.setStringProperty("smsKind", "DR");
      m.setStringProperty("smsId", smsId);
      m.setStringProperty("smsStatus", "DELIVRD");
      m.setStringProperty("smsSource", recipient);
      m.setStringProperty("smsDestination", "10661234");
      m.setIntProperty("smsHops", 1);
   }

   /** A forwards the MT {@code smsId} to B, which stores it; A has its FWD_RESP once its queue is empty. */
   private static void forwardToB(PeerBroker a, PeerBroker b, String smsId) throws Exception {
      send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, smsId));
      Message atB = receive(b.coreUrl(), SmsAddresses.MT);
      assertNotNull(atB, "the MT reaches B");
      assertEquals(smsId, atB.getStringProperty("smsId"));
      Wait.until("A has B's answer", Duration.ofSeconds(10), () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
   }

   /** C's DELIVRD report FWD on the MT {@code smsId}, as B would send it; returns A's FWD_RESP Result. */
   private static int reportFromC(CmppSocket c, String smsId) throws Exception {
      long msgId = CmppMsgId.parseHex(smsId).orElseThrow();
      byte[] content = new StatusReport(msgId, "DELIVRD", "2611271200", "2611271201", "13800138000", 0).toBytes(CmppVersion.V30);
      c.send(new Fwd(c.nextSequence(), C, A, 1, Fwd.TYPE_MT_REPORT, msgId, 1, 1, 0, 0, "", 0, "", "", 0, 0, 0, 0, "",
                     "", "", "", "", "13800138000", "", 0, 0, List.of("10661234"), "", 0, content, "", ""));
      return assertInstanceOf(FwdResp.class, c.read()).result();
   }

   @Test
   void aReportIsTakenOnlyFromThePeerTheMtWentToAndOnlyOnce() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      int portC = PeerBroker.freePort();
      org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin metrics =
         (org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin)
            new org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin().init(java.util.Map.of());
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, peerC(portC), cfg -> cfg.setMetricsConfiguration(
              new org.apache.activemq.artemis.core.config.MetricsConfiguration().setPlugin(metrics)));
           PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "");
           CmppSocket c = CmppSocket.connect(portA)) {
         forwardToB(a, b, "0123456789abcd01");
         assertEquals(CmppResult.CONNECT_OK, c.login(C, "c-secret").status(), "C is a peer of A");

         assertEquals(CmppResult.FWD_WRONG_DECISION, reportFromC(c, "0123456789abcd01"),
                      "C reports on an MT A forwarded to B");
         assertEquals(CmppResult.FWD_WRONG_DECISION, reportFromC(c, "0123456789abcd02"),
                      "C reports on an MT A never forwarded");
         assertEquals(0, a.messageCount(SmsAddresses.DR), "neither report was stored at A");
         assertEquals(2, a.fwdLink(C).getReportsRefused(), "the operator sees C's refused reports");
         assertEquals(2.0, metrics.getRegistry().get("sms.gateway.fwd.reports").tags("peer", C, "outcome", "refused")
                         .functionCounter().count(), "and so does the metrics registry");
         assertEquals(0, a.fwdLink(B).getReportsRefused());

         // B, which had the MT, reports it: A takes it
         send(b.coreUrl(), SmsAddresses.gatewayQueue(A), m -> mtReport(m, "0123456789abcd01"));
         Message report = receive(a.coreUrl(), SmsAddresses.DR);
         assertNotNull(report, "B's report reaches A");
         assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
         assertEquals("0123456789abcd01", report.getStringProperty("smsId"));

         // B reports it again (a second final report): answered, but nothing more reaches A's sms.dr
         FwdLinkControlMBean bToA = b.fwdLink(A);
         // A answers the final report once its record is marked, a little after the report is stored
         Wait.until("B has A's answer to the report", Duration.ofSeconds(10),
                    () -> bToA.getAcknowledged() == 1 && b.messageCount(SmsAddresses.gatewayQueue(A)) == 0);
         send(b.coreUrl(), SmsAddresses.gatewayQueue(A), m -> mtReport(m, "0123456789abcd01"));
         Wait.until("B has A's answer to the repeat", Duration.ofSeconds(10),
                    () -> bToA.getAcknowledged() == 2 && b.messageCount(SmsAddresses.gatewayQueue(A)) == 0);
         assertEquals(1, a.fwdLink(B).getReportsRepeated());
         assertEquals(1.0, metrics.getRegistry().get("sms.gateway.fwd.reports").tags("peer", B, "outcome", "repeated")
                         .functionCounter().count());
         assertEquals(0, a.messageCount(SmsAddresses.DR), "no second report at A");
         assertEquals(0, bToA.getRefused(), "the repeat was not refused, so B does not send it again and again");
      }
   }

   @Test
   void theForwardIsRememberedAcrossARestart() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      int portC = PeerBroker.freePort();
      try (PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "")) {
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, peerC(portC))) {
            forwardToB(a, b, "0123456789abcd11");
         }
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, peerC(portC));
              CmppSocket c = CmppSocket.connect(portA)) {
            assertEquals(CmppResult.CONNECT_OK, c.login(C, "c-secret").status());
            assertEquals(CmppResult.FWD_WRONG_DECISION, reportFromC(c, "0123456789abcd11"),
                         "after the restart, A still knows the MT went to B, not C");
            send(b.coreUrl(), SmsAddresses.gatewayQueue(A), m -> mtReport(m, "0123456789abcd11"));
            Message report = receive(a.coreUrl(), SmsAddresses.DR);
            assertNotNull(report, "B's report is taken after A's restart");
            assertEquals("0123456789abcd11", report.getStringProperty("smsId"));
         }
      }
   }

   /**
    * An SMPP submit_multi gives all its recipients one smsId, so A forwards two MTs with one Msg_Id to B. Each
    * recipient's final report reaches A (its SP's report, its billing record); before, the second was taken for a
    * repeat of the first and dropped.
    */
   @Test
   void eachRecipientOfOneMsgIdGetsItsFinalReport() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      String smsId = "0123456789abcd21";
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, "");
           PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "")) {
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, smsId, "13800138000"));
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, smsId, "13800138001"));
         Wait.until("both MTs reach B", Duration.ofSeconds(10), () -> b.messageCount(SmsAddresses.MT) == 2);
         Wait.until("A has B's answers", Duration.ofSeconds(10), () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);

         FwdLinkControlMBean bToA = b.fwdLink(A);
         send(b.coreUrl(), SmsAddresses.gatewayQueue(A), m -> mtReport(m, smsId, "13800138000"));
         send(b.coreUrl(), SmsAddresses.gatewayQueue(A), m -> mtReport(m, smsId, "13800138001"));
         Wait.until("B has A's answers to both reports", Duration.ofSeconds(10),
                    () -> bToA.getAcknowledged() == 2 && b.messageCount(SmsAddresses.gatewayQueue(A)) == 0);
         Wait.until("both recipients' reports are stored at A", Duration.ofSeconds(10), () -> a.messageCount(SmsAddresses.DR) == 2);
         assertEquals(0, a.fwdLink(B).getReportsRepeated(), "neither was taken for a repeat");
         Set<String> recipients = new HashSet<>();
         for (int i = 0; i < 2; i++) {
            Message report = receive(a.coreUrl(), SmsAddresses.DR);
            assertNotNull(report);
            assertEquals(smsId, report.getStringProperty("smsId"));
            recipients.add(report.getStringProperty("smsSource"));
         }
         assertEquals(Set.of("13800138000", "13800138001"), recipients);
      }
   }

   /**
    * A forwarded a one-part MT; B's side split it in two (its SMSC link's alphabet holds fewer characters) and reports
    * parts 2/2 and 1/2. A takes the first final report as the report of the one part it forwarded (no segment, so it is
    * billed once, as A would bill a one-part MT) and answers the other as a repeat; before, part 2's report was refused.
    */
   @Test
   void aPartOfThePeersOwnSplitReportsTheOnePartForwarded() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      String smsId = "0123456789abcd31";
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, "");
           PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "")) {
         forwardToB(a, b, smsId);
         FwdLinkControlMBean bToA = b.fwdLink(A);
         send(b.coreUrl(), SmsAddresses.gatewayQueue(A), m -> {
            mtReport(m, smsId);
            m.setIntProperty("smsSegmentTotal", 2);
            m.setIntProperty("smsSegmentNumber", 2);
         });
         Wait.until("B has A's answer to part 2's report", Duration.ofSeconds(10),
                    () -> bToA.getAcknowledged() + bToA.getRefused() >= 1);
         assertEquals(0, bToA.getRefused(), "part 2's report is not refused");
         send(b.coreUrl(), SmsAddresses.gatewayQueue(A), m -> {
            mtReport(m, smsId);
            m.setIntProperty("smsSegmentTotal", 2);
            m.setIntProperty("smsSegmentNumber", 1);
         });
         Wait.until("B has A's answer to part 1's report", Duration.ofSeconds(10),
                    () -> bToA.getAcknowledged() + bToA.getRefused() >= 2);
         assertEquals(0, bToA.getRefused(), "part 1's report is not refused");
         Wait.until("one final report for the one part A forwarded", Duration.ofSeconds(10), () -> a.messageCount(SmsAddresses.DR) == 1);
         Message report = receive(a.coreUrl(), SmsAddresses.DR);
         assertNotNull(report);
         assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
         assertNull(report.getObjectProperty("smsSegmentTotal"), "the report is of a one-part MT, billed as one");
         assertNull(report.getObjectProperty("smsSegmentNumber"));
         assertEquals(1, a.fwdLink(B).getReportsRepeated(), "the other part's final report counts as a repeat");
         assertEquals(0, a.fwdLink(B).getReportsRefused());
      }
   }

   /**
    * A report check that fails at once (here: the forward records are closed, as during a stop) is answered Result 100,
    * which the peer retries, and the peer's connection stays up; before, the failure closed the connection.
    */
   @Test
   void aReportWhoseCheckFailsIsAnsweredResult100OnAConnectionThatStays() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      int portC = PeerBroker.freePort();
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, peerC(portC));
           CmppSocket c = CmppSocket.connect(portA)) {
         assertEquals(CmppResult.CONNECT_OK, c.login(C, "c-secret").status());
         FwdForwards open = a.peers().forwards();
         assertNotNull(open);
         RocksDbCorrelationStore closed = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(dir.resolve("closed")).build());
         closed.close();
         a.peers().setForwards(new FwdForwards(closed));
         try {
            assertEquals(FwdSessionHandler.RESULT_STORAGE_FAILURE, reportFromC(c, "0123456789abcd41"));
         } finally {
            a.peers().setForwards(open);
         }
         assertEquals(CmppResult.FWD_WRONG_DECISION, reportFromC(c, "0123456789abcd41"),
                      "the same connection is answered again once the records are back");
      }
   }
}
