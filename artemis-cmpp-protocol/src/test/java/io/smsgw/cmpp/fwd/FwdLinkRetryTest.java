package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
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
 * Gateway A's FWD link against a scripted peer on a plain socket: a refusal is retried, an unanswered FWD is
 * sent again after the reconnect, and only Result 0 removes the message from {@code sms.gw.<peer>}.
 */
class FwdLinkRetryTest {

   private static final String A = "001001";
   private static final String B = "020001";

   @TempDir
   Path dir;

   @Test
   void refusedAndUnansweredFwdsAreSentAgainUntilAccepted() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         int peerPort = server.getLocalPort();
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, peerPort, "")) {
            try (Connection c = new ActiveMQConnectionFactory(a.coreUrl()).createConnection();
                 Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                 MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.gatewayQueue(B)))) {
               TextMessage m = s.createTextMessage("retry me");
               m.setStringProperty("smsKind", "MT");
               m.setStringProperty("smsId", "00000000000000d4");
               m.setStringProperty("smsDestination", "13800138000");
               p.send(m);
            }
            try (CmppSocket first = PeerBroker.acceptLink(server, A)) {
               Fwd fwd = first.read(Fwd.class);
               assertEquals(0xD4L, fwd.msgId());
               assertEquals(B, fwd.destinationId());
               assertEquals(1, fwd.nodesCount());
               first.send(fwd.response(CmppResult.FLOW_CONTROL_ERROR));
               Fwd retried = first.read(Fwd.class);
               assertEquals(0xD4L, retried.msgId(), "a refused FWD is retried");
               // no answer: the peer goes away
            }
            try (CmppSocket second = PeerBroker.acceptLink(server, A)) {
               Fwd resent = second.read(Fwd.class);
               assertEquals(0xD4L, resent.msgId(), "an unanswered FWD is resent after the reconnect");
               assertEquals(1, a.messageCount(SmsAddresses.gatewayQueue(B)), "still A's until answered");
               second.send(resent.response(CmppResult.OK));
               // the link answers ACTIVE_TEST; a round trip proves it has processed the FWD_RESP before
               second.send(new io.smsgw.cmpp.codec.ActiveTest(second.nextSequence()));
               assertNotNull(second.read(io.smsgw.cmpp.codec.ActiveTestResp.class));
            }
            try (Connection c = new ActiveMQConnectionFactory(a.coreUrl()).createConnection();
                 Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                 MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.gatewayQueue(B)))) {
               TextMessage m = s.createTextMessage("next");
               m.setStringProperty("smsKind", "MT");
               m.setStringProperty("smsId", "00000000000000d5");
               m.setStringProperty("smsDestination", "13800138000");
               p.send(m);
            }
            try (CmppSocket third = PeerBroker.acceptLink(server, A)) {
               assertEquals(0xD5L, third.read(Fwd.class).msgId(), "the answered FWD is not sent again after a reconnect");
            }
         }
      }
   }

   @Test
   void aConnectThatIsNeverAnsweredIsGivenUpAfterTheResponseTimeoutAndTriedAgain() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         server.setSoTimeout(15_000);
         String shortTimeout = "peers { \"" + B + "\" { response-timeout = 500ms } }";
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), shortTimeout);
              CmppSocket hung = new CmppSocket(server.accept())) {
            assertEquals(A, hung.read(Connect.class).sourceAddr());
            // the TCP connection stays open, the CONNECT unanswered: the link must not wait for ever
            try (CmppSocket second = PeerBroker.acceptLink(server, A)) {
               assertTrue(hung.closedByPeer(5_000), "the link closed the connection it got no CONNECT_RESP on");
               FwdLinkControlMBean link = a.fwdLink(B);
               assertTrue(link.getLastError().contains("no CONNECT_RESP"), link.getLastError());
               Wait.until("connected on the second attempt", Duration.ofSeconds(10),
                          () -> link.getState().equalsIgnoreCase("connected"));
            }
         }
      }
   }

   @Test
   void noMoreThanTheWindowIsUnanswered() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), "")) {
            try (Connection c = new ActiveMQConnectionFactory(a.coreUrl()).createConnection();
                 Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                 MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.gatewayQueue(B)))) {
               for (int i = 1; i <= 6; i++) {
                  TextMessage m = s.createTextMessage("n" + i);
                  m.setStringProperty("smsKind", "MT");
                  m.setStringProperty("smsId", "00000000000000f" + i);
                  m.setStringProperty("smsDestination", "13800138000");
                  p.send(m);
               }
            }
            try (CmppSocket peer = PeerBroker.acceptLink(server, A)) {
               Fwd[] window = new Fwd[4]; // peers.020001.window = 4 in PeerBroker
               for (int i = 0; i < 4; i++) {
                  window[i] = peer.read(Fwd.class);
               }
               peer.send(new io.smsgw.cmpp.codec.ActiveTest(peer.nextSequence()));
               assertEquals(io.smsgw.cmpp.codec.ActiveTestResp.class, peer.read().getClass(),
                            "no fifth FWD while four are unanswered");
               peer.send(window[0].response(CmppResult.OK));
               Fwd fifth = peer.read(Fwd.class);
               assertEquals(0xF5L, fifth.msgId(), "an answer frees one place in the window");
            }
         }
      }
   }
}
