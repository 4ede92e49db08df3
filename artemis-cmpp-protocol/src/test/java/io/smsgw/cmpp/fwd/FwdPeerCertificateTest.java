package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.function.Consumer;

import javax.net.ssl.SSLSocket;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestCertificate;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.config.TlsPeerIdentity;
import io.smsgw.core.contract.SmsAddresses;
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
 * A peer's certificate tied to its gateway code ({@code tls-peer-name}, {@code tls-peer-sha256}). Gateway B (020001)
 * takes gateways over mutual TLS on an acceptor whose trust store holds two certificates: A's client certificate
 * ({@code gw-001001.example.net}) and a stranger's, as when one CA signs every gateway's. Before, the stranger's
 * certificate with A's secret was A; now only A's own certificate is. And A's link checks that B's acceptor shows B's.
 */
class FwdPeerCertificateTest {

   private static final String A = "001001";
   private static final String B = "020001";
   private static final String PASSWORD = TestCertificate.PASSWORD;
   private static final String A_NAME = "gw-001001.example.net";

   @TempDir
   Path dir;

   private TestCertificate serverB;
   private TestCertificate clientA;
   private TestCertificate stranger;
   private Path bTrusts;

   @BeforeEach
   void certificates() {
      serverB = TestCertificate.create(dir, "gw-b");
      clientA = TestCertificate.createForHost(dir, A_NAME);
      stranger = TestCertificate.createForHost(dir, "gw-666666.example.net");
      bTrusts = TestCertificate.trustStoreOf(dir.resolve("b-trusts.p12"), clientA, stranger);
   }

   private static String sha256(TestCertificate certificate) {
      return TlsPeerIdentity.sha256Of(certificate.certificate());
   }

   /** A's entry at B: it must present {@code pin} ("tls-peer-name = ..." or "tls-peer-sha256 = ..."). */
   private static String aAtB(String pin) {
      // B's own link to A is not part of these tests; tls = true is what a pinned identity asks for.
      return "peers { \"" + A + "\" { tls = true, " + pin + " } }";
   }

   /** B's entry at A: TLS trusting B's server certificate, presenting {@code own}, with {@code pin} if not empty. */
   private static String bAtA(TestCertificate trusted, TestCertificate own, String pin) {
      return "peers { \"" + B + "\" { tls = true, tls-trust-store = \"" + trusted.trustStore() + "\", tls-trust-store-password = \""
         + PASSWORD + "\", tls-key-store = \"" + own.keyStore() + "\", tls-key-store-password = \"" + PASSWORD + "\""
         + (pin.isEmpty() ? "" : ", " + pin) + " } }";
   }

   private Consumer<Configuration> mutualAcceptorOfB(int port) {
      return cfg -> {
         cfg.getAcceptorConfigurations().removeIf(acceptor -> acceptor.getName().equals("cmpp"));
         try {
            cfg.addAcceptorConfiguration("cmpp", "tcp://127.0.0.1:" + port + "?protocols=CMPP;cmppAcceptPeers=true"
               + serverB.mutualAcceptorParameters(bTrusts));
         } catch (Exception e) {
            throw new IllegalStateException(e);
         }
      };
   }

   @Test
   void aPeerPresentingItsOwnCertificateConnectsByNameAndByFingerprint() throws Exception {
      for (String pin : List.of("tls-peer-name = \"" + A_NAME.toUpperCase() + "\"",
                                "tls-peer-sha256 = [ \"" + sha256(stranger) + "\", \"" + sha256(clientA).toLowerCase() + "\" ]")) {
         int portA = PeerBroker.freePort();
         int portB = PeerBroker.freePort();
         String run = pin.startsWith("tls-peer-name") ? "name" : "sha";
         try (PeerBroker b = PeerBroker.start(dir.resolve("b-" + run), B, portB, A, portA, aAtB(pin), mutualAcceptorOfB(portB));
              PeerBroker a = PeerBroker.start(dir.resolve("a-" + run), A, portA, B, portB, bAtA(serverB, clientA, ""))) {
            send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "00000000000000a1"));
            Message mt = receive(b.coreUrl(), SmsAddresses.MT);
            assertNotNull(mt, "A, presenting its own certificate, forwards to B (" + pin + ")");
            assertEquals(A, mt.getStringProperty("smsOriginGateway"));
            assertEquals("connected", a.fwdLink(B).getState());
         }
      }
   }

   @Test
   void anotherTrustedCertificateConnectingAsThePeerIsRefusedWithStatus3() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (LogCapture log = LogCapture.start();
           PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA,
                                           aAtB("tls-peer-name = \"" + A_NAME + "\""), mutualAcceptorOfB(portB));
           // the handshake passes (B's trust store vouches for the stranger) and the secret is A's
           PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, bAtA(serverB, stranger, ""))) {
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "00000000000000a2"));
         FwdLinkControlMBean link = a.fwdLink(B);
         Wait.until("the stranger's CONNECT as " + A + " refused", Duration.ofSeconds(15),
                    () -> link.getLastError().contains("CONNECT refused with status 3"), link::getLastError);
         assertNotEquals("connected", link.getState());
         assertEquals(1, link.getQueueDepth(), "the MT waits at A");
         assertEquals(0, b.messageCount(SmsAddresses.MT), "nothing reached B");
         Wait.until("B's WARN naming the code and the certificate", Duration.ofSeconds(5),
                    () -> log.count("WARN", "CONNECT of peer gateway " + A, "CN=gw-666666.example.net", "is not the one configured") > 0,
                    () -> String.join("\n", log.lines("CONNECT of peer gateway")));
         assertEquals(0, log.count("pair-secret"), "no secret in the log");
         assertEquals(0, log.count("Peer gateway " + A + " connected"));
      }
   }

   @Test
   void nothingARefusedStrangerSendsIsStored() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA,
                                           aAtB("tls-peer-sha256 = \"" + sha256(clientA) + "\""), mutualAcceptorOfB(portB))) {
         // A's own certificate is taken on the same acceptor, so the refusal below is the certificate's.
         try (CmppSocket own = tlsSocket(clientA, portB)) {
            assertEquals(CmppResult.CONNECT_OK, own.login(A, "pair-secret").status());
         }
         try (CmppSocket c = tlsSocket(stranger, portB)) {
            ConnectResp refused = c.login(A, "pair-secret");
            assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, refused.status(), "Status 3, as for a wrong secret");
            try {
               c.send(fwd(c.nextSequence()));
               c.send(fwd(c.nextSequence()));
            } catch (IOException closedAlready) {
               // the gateway may have closed before the FWDs were written
            }
            assertTrue(c.closedByPeer(10_000), "the connection is closed");
         }
         assertEquals(0, b.messageCount(SmsAddresses.MT), "no FWD of the stranger's was stored");
         assertEquals(0, b.messageCount(SmsAddresses.MO));
      }
   }

   @Test
   void theLinkRefusesAServerWhoseCertificateIsNotThePeers() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      // B's acceptor shows serverB, which A's trust store vouches for and which names 127.0.0.1; A pins another.
      for (String pin : List.of("tls-peer-sha256 = \"" + sha256(stranger) + "\"", "tls-peer-name = \"gw-020001.example.net\"")) {
         String run = pin.startsWith("tls-peer-name") ? "name" : "sha";
         try (PeerBroker b = PeerBroker.start(dir.resolve("b-" + run), B, portB, A, portA, "", mutualAcceptorOfB(portB));
              LogCapture log = LogCapture.start();
              PeerBroker a = PeerBroker.start(dir.resolve("a-" + run), A, portA, B, portB, bAtA(serverB, clientA, pin))) {
            send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "00000000000000a3"));
            FwdLinkControlMBean link = a.fwdLink(B);
            // LastError is stamped with the time of each attempt: two different ones are two refused handshakes.
            Set<String> failures = new HashSet<>();
            Wait.until("two handshakes refused for B's certificate", Duration.ofSeconds(15), () -> {
               String error = link.getLastError();
               if (error.contains("is not the configured gateway's")) {
                  failures.add(error);
               }
               return failures.size() >= 2;
            }, link::getLastError);
            assertNotEquals("connected", link.getState());
            assertTrue(link.getLastError().contains("TLS with 127.0.0.1:" + portB + " failed"), link.getLastError());
            assertEquals(1, link.getQueueDepth(), "the MT waits at A");
            assertEquals(0, b.messageCount(SmsAddresses.MT), "nothing reached B");
            assertEquals(1, log.count("WARN", "FWD link to gateway " + B + ": TLS with"), "one WARN for the episode");
            assertEquals(0, log.count("Peer gateway " + A + " connected"), "no CONNECT reached B");
         }
      }
      // Pinned to B's own certificate, the same link connects and the MT goes.
      try (PeerBroker b = PeerBroker.start(dir.resolve("b-ok"), B, portB, A, portA, "", mutualAcceptorOfB(portB));
           PeerBroker a = PeerBroker.start(dir.resolve("a-ok"), A, portA, B, portB,
                                           bAtA(serverB, clientA, "tls-peer-sha256 = \"" + sha256(serverB) + "\", tls-peer-name = \"localhost\""))) {
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "00000000000000a4"));
         assertNotNull(receive(b.coreUrl(), SmsAddresses.MT), "the MT reaches B over the pinned link");
      }
   }

   // ---------------------------------------------------------------- helpers

   /** A raw CMPP client over TLS to B's acceptor, presenting {@code own}. */
   private CmppSocket tlsSocket(TestCertificate own, int port) throws IOException {
      SSLSocket socket = (SSLSocket) TestCertificate.context(own, serverB).getSocketFactory().createSocket("127.0.0.1", port);
      socket.startHandshake();
      return new CmppSocket(socket);
   }

   private static Fwd fwd(int sequence) {
      return new Fwd(sequence, A, B, 1, Fwd.TYPE_MT, 0x1234567800010000L + sequence, 1, 1, 0, 1, "test", 2, "13800138000", "", 0,
                     0, 0, 0, "901234", "02", "10", "", "", "10661234", "", 0, 0, List.of("13800138000"),
                     "", 0, "stranger".getBytes(StandardCharsets.US_ASCII), "", "");
   }

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

   private static Message receive(String url, String address) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(url).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = s.createConsumer(s.createQueue(address))) {
         c.start();
         return consumer.receive(15_000);
      }
   }

   private static void mt(TextMessage m, String smsId) throws Exception {
      m.setText("Hello from a pinned peer");
      m.setStringProperty("smsKind", "MT");
      m.setStringProperty("smsId", smsId);
      m.setStringProperty("smsAccount", "901234");
      m.setStringProperty("smsSource", "10661234");
      m.setStringProperty("smsDestination", "13800138000");
      m.setIntProperty("smsRegisteredDelivery", 1);
      m.setIntProperty("smsHops", 0);
   }
}
