package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
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

/** The management bean of a FWD link, read over JMX as an operator would, against a scripted peer. */
class FwdLinkControlTest {

   private static final String A = "001001";
   private static final String B = "020001";
   private static final Duration WAIT = Duration.ofSeconds(10);

   @TempDir
   Path dir;

   private static void queueMts(PeerBroker a, long... ids) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(a.coreUrl()).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.gatewayQueue(B)))) {
         for (long id : ids) {
            TextMessage m = s.createTextMessage("watched");
            m.setStringProperty("smsKind", "MT");
            m.setStringProperty("smsId", String.format("%016x", id));
            m.setStringProperty("smsDestination", "13800138000");
            p.send(m);
         }
      }
   }

   @Test
   void aLinkWhosePeerIsUnreachableIsDownWithTheReason() throws Exception {
      int nobody = PeerBroker.freePort();
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, nobody, "")) {
         queueMts(a, 0x31);
         FwdLinkControlMBean link = a.fwdLink(B);
         Wait.until("the link is down", WAIT, () -> "down".equals(link.getState()));
         assertTrue(link.getLastError().contains("connect to 127.0.0.1:" + nobody), link.getLastError());
         assertEquals(B, link.getPeerCode());
         assertEquals("127.0.0.1:" + nobody, link.getPeer());
         assertEquals(SmsAddresses.gatewayQueue(B), link.getQueueName());
         assertEquals(1, link.getQueueDepth(), "the MT waits");
         assertEquals(0, link.getForwarded());
      }
   }

   @Test
   void countersFollowWhatThePeerAnswers() throws Exception {
      try (ServerSocket server = new ServerSocket(0);
           PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), "")) {
         FwdLinkControlMBean link = a.fwdLink(B);
         assertEquals(4, link.getWindowSize());
         Fwd resent;
         try (CmppSocket peer = PeerBroker.acceptLink(server, A)) {
            Wait.until("connected", WAIT, () -> "connected".equals(link.getState()));
            queueMts(a, 0x41, 0x42);
            Fwd first = peer.read(Fwd.class);
            Fwd second = peer.read(Fwd.class);
            Wait.until("two in flight", WAIT, () -> link.getInFlight() == 2 && link.getForwarded() == 2);
            assertEquals(2, link.getQueueDepth(), "messages in flight stay on the queue until answered");

            peer.send(first.response(CmppResult.FWD_WRONG_DECISION));
            Wait.until("the refusal is counted", WAIT, () -> link.getRefused() == 1);
            assertTrue(link.getLastError().contains("Result 9"), link.getLastError());
            peer.send(second.response(CmppResult.OK));
            Wait.until("the answer is counted", WAIT, () -> link.getAcknowledged() == 1 && link.getQueueDepth() == 1);

            resent = peer.read(Fwd.class);
            assertEquals(first.msgId(), resent.msgId(), "the refused message is tried again");
            assertEquals(3, link.getForwarded());
            link.reconnect(); // unanswered: goes again on the next connection
            assertTrue(peer.closedByPeer(10_000), "reconnect() drops the connection");
         }
         try (CmppSocket peer = PeerBroker.acceptLink(server, A)) {
            Fwd again = peer.read(Fwd.class);
            assertEquals(resent.msgId(), again.msgId());
            Wait.until("the resend is counted", WAIT, () -> link.getResent() == 1 && link.getForwarded() == 4);
            peer.send(again.response(CmppResult.OK));
            Wait.until("all settled", WAIT, () -> link.getAcknowledged() == 2 && link.getInFlight() == 0 && link.getQueueDepth() == 0);
            assertEquals("connected", link.getState());
         }
      }
   }
}
