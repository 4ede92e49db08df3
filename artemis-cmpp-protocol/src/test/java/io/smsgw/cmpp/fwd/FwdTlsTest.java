package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.TestCertificate;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CMPP_FWD between two gateways, A (001001) and B (020001), over TLS: each gateway's acceptor for gateways has
 * {@code sslEnabled=true} (Artemis' own TLS), and each peer entry {@code tls = true} with the trust store that holds
 * the other gateway's certificate. Self-signed certificates made in the test.
 */
class FwdTlsTest {

   private static final String A = "001001";
   private static final String B = "020001";
   private static final long RECEIVE_MILLIS = 15_000;
   private static final String PASSWORD = TestCertificate.PASSWORD;

   @TempDir
   Path dir;

   private TestCertificate certA;
   private TestCertificate certB;

   @BeforeEach
   void certificates() {
      certA = TestCertificate.create(dir, "gw-a");
      certB = TestCertificate.create(dir, "gw-b");
   }

   /** The peer entry's TLS settings, merged into the entry PeerBroker writes: trust {@code trusted}, present {@code own}. */
   private static String peerTls(String peer, TestCertificate trusted, TestCertificate own) {
      return """
         peers { "%s" { tls = true, tls-trust-store = "%s", tls-trust-store-password = "%s"%s } }
         """.formatted(peer, trusted.trustStore(), PASSWORD,
                       own == null ? "" : ", tls-key-store = \"" + own.keyStore() + "\", tls-key-store-password = \"" + PASSWORD + "\"");
   }

   /** The gateway's acceptor for gateways on {@code port} with TLS: {@code parameters} from TestCertificate. */
   private static Consumer<Configuration> tlsAcceptor(int port, String parameters) {
      return cfg -> {
         cfg.getAcceptorConfigurations().removeIf(acceptor -> acceptor.getName().equals("cmpp"));
         try {
            cfg.addAcceptorConfiguration("cmpp", "tcp://127.0.0.1:" + port + "?protocols=CMPP;cmppAcceptPeers=true" + parameters);
         } catch (Exception e) {
            throw new IllegalStateException(e);
         }
      };
   }

   @Test
   void anMtCrossesOverMutualTlsAndItsReportComesBack() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = otherFreePort(portA);
      // Mutual TLS both ways: each acceptor takes only the other gateway's client certificate (Artemis' needClientAuth).
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, peerTls(B, certB, certA),
                                           tlsAcceptor(portA, certA.mutualAcceptorParameters(certB)));
           PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, peerTls(A, certA, certB),
                                           tlsAcceptor(portB, certB.mutualAcceptorParameters(certA)))) {
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "0123456789abcdef"));
         TextMessage mt = (TextMessage) receive(b.coreUrl(), SmsAddresses.MT, null);
         assertNotNull(mt, "the MT reaches B's sms.mt over TLS");
         assertEquals("Hello over TLS", mt.getText());
         assertEquals("0123456789abcdef", mt.getStringProperty("smsId"));
         assertEquals(A, mt.getStringProperty("smsOriginGateway"));
         assertEquals("13800138000", mt.getStringProperty("smsDestination"));
         assertEquals("connected", a.fwdLink(B).getState());

         // B's report goes home over B's own TLS link to A's acceptor, and A takes it from the peer the MT went to.
         send(b.coreUrl(), SmsAddresses.gatewayQueue(A), m -> report(m, "0123456789abcdef"));
         Message report = receive(a.coreUrl(), SmsAddresses.DR, null);
         assertNotNull(report, "B's report reaches A's sms.dr over TLS");
         assertEquals("0123456789abcdef", report.getStringProperty("smsId"));
         assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
         assertEquals(B, report.getStringProperty("smsOriginGateway"));
         assertEquals(0, a.fwdLink(B).getReportsRefused());
         assertEquals(1, b.fwdLink(A).getAcknowledged());
      }
   }

   @Test
   void overTlsAPeerIsStillCheckedForItsAddressAndSecret() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = otherFreePort(portA);
      String fromElsewhere = peerTls(A, certA, null) + "peers { \"001001\" { allowed-ips = [ \"10.9.9.9\" ] } }";
      try (PeerBroker b = PeerBroker.start(dir.resolve("b1"), B, portB, A, portA, fromElsewhere,
                                           tlsAcceptor(portB, certB.acceptorParameters()));
           PeerBroker a = PeerBroker.start(dir.resolve("a1"), A, portA, B, portB, peerTls(B, certB, null))) {
         FwdLinkControlMBean link = a.fwdLink(B);
         Wait.until("A's CONNECT over TLS refused for its address", Duration.ofSeconds(15),
                    () -> link.getLastError().contains("CONNECT refused with status 3"), link::getLastError);
         assertNotEquals("connected", link.getState());
      }
      String otherSecret = peerTls(A, certA, null) + "peers { \"001001\" { shared-secret = \"not-the-pair's\" } }";
      try (PeerBroker b = PeerBroker.start(dir.resolve("b2"), B, portB, A, portA, otherSecret,
                                           tlsAcceptor(portB, certB.acceptorParameters()));
           PeerBroker a = PeerBroker.start(dir.resolve("a2"), A, portA, B, portB, peerTls(B, certB, null))) {
         FwdLinkControlMBean link = a.fwdLink(B);
         Wait.until("A's CONNECT over TLS refused for its secret", Duration.ofSeconds(15),
                    () -> link.getLastError().contains("CONNECT refused with status 3"), link::getLastError);
         assertNotEquals("connected", link.getState());
      }
   }

   @Test
   void aPeerWithTheWrongTrustStoreNeverConnectsAndItsMessageGoesOnceFixed() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = otherFreePort(portA);
      TestCertificate stranger = TestCertificate.create(dir, "stranger");
      try (PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "",
                                           tlsAcceptor(portB, certB.acceptorParameters()))) {
         try (LogCapture log = LogCapture.start();
              PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, peerTls(B, stranger, null))) {
            send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "00000000000000b1"));
            FwdLinkControlMBean link = a.fwdLink(B);
            // Several attempts, each failing its handshake (LastError is stamped with the time of each).
            Set<String> failures = new HashSet<>();
            Wait.until("three failed handshakes", Duration.ofSeconds(15), () -> {
               String error = link.getLastError();
               if (error.contains("TLS with 127.0.0.1:" + portB + " failed")) {
                  failures.add(error);
               }
               return failures.size() >= 3;
            }, link::getLastError);
            assertNotEquals("connected", link.getState());
            assertEquals(1, link.getQueueDepth(), "the MT waits on sms.gw." + B);
            assertEquals(0, b.messageCount(SmsAddresses.MT), "nothing reached B");
            assertEquals(1, log.count("WARN", "FWD link to gateway " + B + ": TLS with 127.0.0.1:" + portB + " failed"),
                         "one WARN for the episode, not one per attempt: " + log.lines("FWD link to gateway " + B));
            assertEquals(0, log.count(PASSWORD), "no password in the log");
         }
         // The operator fixes the trust store; FWD links take it at the restart (or at a reload: FwdLinkReloadTest).
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, peerTls(B, certB, null))) {
            FwdLinkControlMBean link = a.fwdLink(B);
            TextMessage mt = (TextMessage) receive(b.coreUrl(), SmsAddresses.MT, null);
            assertNotNull(mt, "the waiting MT goes once the link trusts B");
            assertEquals("00000000000000b1", mt.getStringProperty("smsId"));
            Wait.until("A acknowledged it", Duration.ofSeconds(10), () -> link.getQueueDepth() == 0);
            assertNull(receive(b.coreUrl(), SmsAddresses.MT, 200), "once");
         }
      }
   }

   /** The trust store is read once, at the start: one it cannot read stops the start, naming the peer and the file. */
   @Test
   void aStoreThatCannotBeReadStopsTheStartNamingThePeerAndFile() throws Exception {
      GatewayRuntime runtime = new GatewayRuntime();
      runtime.configure(GatewayConfigLoader.parse("""
         gateway { code = "%s" }
         peers { "%s" { host = "127.0.0.1", port = 1, shared-secret = "pair-secret", tls = true,
                        tls-trust-store = "%s", tls-trust-store-password = "wrong-Pass9" } }
         """.formatted(A, B, certB.trustStore()), "a.conf"));
      try (TestBroker broker = TestBroker.cmpp(dir.resolve("a"), "").start()) {
         FwdLinkService failing = new FwdLinkService(broker.server(), runtime);
         Exception refused = assertThrows(Exception.class, failing::start);
         String message = causes(refused);
         assertTrue(message.contains("FWD link to gateway " + B + ": cannot use its tls-trust-store \"" + certB.trustStore() + "\""),
                    message);
         assertFalse(message.contains("wrong-Pass9"), message);
         assertNull(broker.server().getManagementService().getUntypedControl(FwdLinkService.resourceName(B)),
                    "no link runs");
      }
   }

   private static String causes(Throwable t) {
      StringBuilder all = new StringBuilder();
      for (; t != null; t = t.getCause()) {
         all.append(t).append('\n');
      }
      return all.toString();
   }

   // ---------------------------------------------------------------- messages

   interface MessageSetter {
      void set(TextMessage m) throws Exception;
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

   private static Message receive(String url, String address, Integer millis) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(url).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = s.createConsumer(s.createQueue(address))) {
         c.start();
         return consumer.receive(millis == null ? RECEIVE_MILLIS : millis);
      }
   }

   private static void mt(TextMessage m, String smsId) throws Exception {
      m.setText("Hello over TLS");
      m.setStringProperty("smsKind", "MT");
      m.setStringProperty("smsId", smsId);
      m.setStringProperty("smsAccount", "901234");
      m.setStringProperty("smsSource", "10661234");
      m.setStringProperty("smsDestination", "13800138000");
      m.setIntProperty("smsRegisteredDelivery", 1);
      m.setIntProperty("smsHops", 0);
   }

   private static void report(TextMessage m, String smsId) throws Exception {
      m.setText("");
      m.setStringProperty("smsKind", "DR");
      m.setStringProperty("smsId", smsId);
      m.setStringProperty("smsStatus", "DELIVRD");
      m.setStringProperty("smsSource", "13800138000");
      m.setStringProperty("smsDestination", "10661234");
      m.setIntProperty("smsHops", 1);
   }

   /** A free port other than {@code taken}, which is free too until its broker binds it (two calls may give the same). */
   private static int otherFreePort(int taken) {
      int port;
      do {
         port = PeerBroker.freePort();
      } while (port == taken);
      return port;
   }
}
