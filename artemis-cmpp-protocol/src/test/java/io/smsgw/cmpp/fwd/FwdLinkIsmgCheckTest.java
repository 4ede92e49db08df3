package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gateway A's FWD link checks the AuthenticatorISMG of the peer's CONNECT_RESP: whoever answers Status 0 on the peer's
 * address without knowing the pair's secret (here a zeroed authenticator) gets no FWD, and the link's LastError says
 * why; the real peer gets them; {@code verify-ismg = false} lets a peer through that hashes otherwise.
 */
class FwdLinkIsmgCheckTest {

   private static final String A = "001001";
   private static final String B = "020001";

   @TempDir
   Path dir;

   private static void sendMt(PeerBroker a, String smsId) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(a.coreUrl()).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.gatewayQueue(B)))) {
         TextMessage m = s.createTextMessage("for B only");
         m.setStringProperty("smsKind", "MT");
         m.setStringProperty("smsId", smsId);
         m.setStringProperty("smsDestination", "13800138000");
         p.send(m);
      }
   }

   /** Accepts the link's connection and answers its CONNECT with Status 0 and an all-zero AuthenticatorISMG. */
   private static CmppSocket answerZeroed(ServerSocket server) throws IOException {
      CmppSocket impostor = new CmppSocket(server.accept());
      Connect connect = impostor.read(Connect.class);
      impostor.send(connect.response(CmppResult.CONNECT_OK, new byte[16], CmppVersion.V30.code()));
      return impostor;
   }

   /** The link closes the connection without sending a FWD on it. */
   private static void closedWithoutFwd(CmppSocket impostor) throws IOException {
      while (true) {
         CmppPdu pdu;
         try {
            pdu = impostor.read(10_000);
         } catch (EOFException | SocketException closed) {
            return;
         }
         if (pdu == null) {
            throw new AssertionError("the link neither closed the connection nor sent anything within 10 s");
         }
         assertFalse(pdu instanceof Fwd, "a FWD went to a peer that did not prove it knows the secret: " + pdu);
      }
   }

   @Test
   void aZeroedAuthenticatorIsmgGetsNoFwdAndLastErrorNamesTheCheck() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         server.setSoTimeout(10_000);
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), "");
              LogCapture log = LogCapture.start()) {
            sendMt(a, "00000000000000e1");
            try (CmppSocket impostor = answerZeroed(server)) {
               closedWithoutFwd(impostor);
            }
            FwdLinkControlMBean link = a.fwdLink(B);
            Wait.until("LastError names the AuthenticatorISMG check", Duration.ofSeconds(10),
                       () -> link.getLastError().contains("AuthenticatorISMG"));
            assertTrue(link.getLastError().contains("peers." + B + ".shared-secret"), link.getLastError());
            assertFalse(link.getLastError().contains("pair-secret"), "the secret itself is never shown");
            // the backoff's next attempt meets the impostor again: refused again, without another WARN
            try (CmppSocket again = answerZeroed(server)) {
               closedWithoutFwd(again);
            }
            assertEquals(1, log.count("WARN", "AuthenticatorISMG", B), "one WARN for the episode");
            assertFalse(log.lines().stream().anyMatch(line -> line.contains("pair-secret")), "the secret is never logged");
            assertEquals(0, link.getForwarded());
            assertEquals(1, a.messageCount(SmsAddresses.gatewayQueue(B)), "the MT waits for the real peer");
            // the real peer: the MT goes
            try (CmppSocket peer = PeerBroker.acceptLink(server, A)) {
               assertEquals(0xE1L, peer.read(Fwd.class).msgId());
            }
         }
      }
   }

   @Test
   void theRightAuthenticatorIsmgGetsTheFwds() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         server.setSoTimeout(10_000);
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), "")) {
            sendMt(a, "00000000000000e2");
            try (CmppSocket peer = PeerBroker.acceptLink(server, A)) {
               Fwd fwd = peer.read(Fwd.class);
               assertEquals(0xE2L, fwd.msgId());
               peer.send(fwd.response(CmppResult.OK));
               Wait.until("B's answer takes the MT off A's queue", Duration.ofSeconds(10),
                          () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
               assertEquals("", a.fwdLink(B).getLastError());
            }
         }
      }
   }

   @Test
   void verifyIsmgFalseLetsAPeerThatHashesOtherwiseThrough() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         server.setSoTimeout(10_000);
         String optOut = "peers { \"" + B + "\" { verify-ismg = false } }";
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), optOut)) {
            sendMt(a, "00000000000000e3");
            try (CmppSocket otherVendor = answerZeroed(server)) {
               assertEquals(0xE3L, otherVendor.read(Fwd.class).msgId(), "verify-ismg = false: the FWD goes");
            }
         }
      }
   }
}
