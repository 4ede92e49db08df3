package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCommandId;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.ActiveMQInternalErrorException;
import org.apache.activemq.artemis.core.remoting.FailureListener;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ServerSession;
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

   /** An MT for 13800138000 put straight on A's queue for B, as the routing would. */
   private static void sendMt(PeerBroker a, String smsId, String text) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(a.coreUrl()).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.gatewayQueue(B)))) {
         TextMessage m = s.createTextMessage(text);
         m.setStringProperty("smsKind", "MT");
         m.setStringProperty("smsId", smsId);
         m.setStringProperty("smsDestination", "13800138000");
         p.send(m);
      }
   }

   @Test
   void refusedAndUnansweredFwdsAreSentAgainUntilAccepted() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         int peerPort = server.getLocalPort();
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, peerPort, "")) {
            sendMt(a, "00000000000000d4", "retry me");
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
            sendMt(a, "00000000000000d5", "next");
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
               assertTrue(hung.closedByPeer(10_000), "the link closed the connection it got no CONNECT_RESP on");
               FwdLinkControlMBean link = a.fwdLink(B);
               assertTrue(link.getLastError().contains("no CONNECT_RESP"), link.getLastError());
               Wait.until("connected on the second attempt", Duration.ofSeconds(10),
                          () -> link.getState().equalsIgnoreCase("connected"));
            }
         }
      }
   }

   @Test
   void aPeerThatSpeaksCmpp20OnlyIsConnectedAgainWithCmpp20() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         server.setSoTimeout(15_000);
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), "")) {
            sendMt(a, "00000000000000d6", "to a 2.0 peer");
            // as this gateway's own acceptor with cmppVersion 0x20 answers a 3.0 CONNECT
            try (CmppSocket first = new CmppSocket(server.accept())) {
               Connect connect = first.read(Connect.class);
               assertEquals(CmppVersion.V30.code(), connect.version());
               first.send(connect.response(CmppResult.CONNECT_VERSION_TOO_HIGH, new byte[16], CmppVersion.V20.code()));
               assertTrue(first.closedByPeer(10_000));
            }
            try (CmppSocket second = new CmppSocket(server.accept())) {
               second.useVersion(CmppVersion.V20);
               Connect connect = second.read(Connect.class);
               assertEquals(CmppVersion.V20.code(), connect.version(), "the link offers the version the peer named");
               assertTrue(CmppAuthenticator.verifySource(connect, "pair-secret"));
               second.send(connect.response(CmppResult.CONNECT_OK, CmppAuthenticator.authenticatorIsmg(CmppResult.CONNECT_OK,
                  connect.authenticatorSource(), "pair-secret", CmppVersion.V20), CmppVersion.V20.code()));
               Fwd fwd = second.read(Fwd.class);
               assertEquals(0xD6L, fwd.msgId(), "the FWD flows in the 2.0 layout");
               assertEquals(List.of("13800138000"), fwd.destIds());
               second.send(fwd.response(CmppResult.OK));
               Wait.until("the FWD acknowledged", Duration.ofSeconds(10),
                          () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
            }
         }
      }
   }

   private static byte[] hex(String hex) {
      return java.util.HexFormat.of().parseHex(hex);
   }

   /** A header-only frame (Total_Length 12, or more with {@code body} zero octets after it). */
   private static byte[] frame(int commandId, int sequence, int body) {
      return java.nio.ByteBuffer.allocate(12 + body).putInt(12 + body).putInt(commandId).putInt(sequence).array();
   }

   @Test
   void whatThePeerSendsThatCannotBeDecodedIsAnsweredAsTheAcceptorAnswersIt() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         server.setSoTimeout(15_000);
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), "")) {
            sendMt(a, "00000000000000d7", "through a confused peer");
            FwdLinkControlMBean link = a.fwdLink(B);
            try (CmppSocket garbled = new CmppSocket(server.accept())) {
               garbled.read(Connect.class);
               garbled.sendBytes(frame(0x80000077, 1, 0)); // no CONNECT_RESP but a command CMPP does not have
               assertTrue(garbled.closedByPeer(10_000), "anything undecodable before CONNECT_RESP closes the connection");
               assertTrue(link.getLastError().contains("unknown Command_Id 0x80000077 before CONNECT_RESP"),
                          link.getLastError());
            }
            try (CmppSocket first = PeerBroker.acceptLink(server, A)) {
               Fwd fwd = first.read(Fwd.class);
               assertEquals(0xD7L, fwd.msgId());
               // a request cut short: refused with its error response, as the acceptor refuses it; the link stays
               first.sendBytes(hex("00000014000000040000005a0000000000000001"));
               SubmitResp refused = first.read(SubmitResp.class);
               assertEquals(CmppResult.STRUCTURE_ERROR, refused.result());
               assertEquals(0x5a, refused.sequenceId());
               // an answer to the FWD that cannot be read: its fate is unknown, so the FWD goes again
               first.sendBytes(frame(CmppCommandId.FWD_RESP, fwd.sequenceId(), 2));
               Fwd again = first.read(Fwd.class);
               assertEquals(0xD7L, again.msgId(), "a FWD whose FWD_RESP was garbled is sent again");
               assertTrue(link.getLastError().contains("malformed FWD_RESP"), link.getLastError());
               // a Command_Id CMPP does not have: TERMINATE and a new connection, as the acceptor does
               first.sendBytes(frame(0x00000077, 9, 0));
               assertInstanceOf(Terminate.class, first.read(Terminate.class));
               assertTrue(first.closedByPeer(10_000), "the link closed the connection");
               assertTrue(link.getLastError().contains("unknown Command_Id 0x77"), link.getLastError());
            }
            try (CmppSocket second = PeerBroker.acceptLink(server, A)) {
               Fwd resent = second.read(Fwd.class);
               assertEquals(0xD7L, resent.msgId(), "the unanswered FWD is resent after the reconnect");
               second.send(resent.response(CmppResult.OK));
               Wait.until("the FWD acknowledged", Duration.ofSeconds(10),
                          () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
            }
         }
      }
   }

   @Test
   void aLinkWhoseSessionAnOperatorClosedForwardsAgainAndFreesItsWindow() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         server.setSoTimeout(15_000);
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), "")) {
            sendMt(a, "00000000000000e1", "in flight when the session is closed");
            try (CmppSocket peer = PeerBroker.acceptLink(server, A)) {
               Fwd first = peer.read(Fwd.class); // left unanswered for now
               assertEquals(0xE1L, first.msgId());

               // What an operator does from the console's Sessions tab.
               List<ServerSession> sessions = a.server().getSessions().stream()
                  .filter(s -> s.getName().startsWith("cmpp-fwd-" + B + "-")).toList();
               assertEquals(1, sessions.size());
               ServerSession session = sessions.get(0);
               assertTrue(a.server().getActiveMQServerControl().closeSessionWithID(session.getConnectionID().toString(),
                                                                                   session.getName()));

               Fwd again = peer.read(Fwd.class);
               assertEquals(0xE1L, again.msgId(), "the message went back to the queue and is forwarded again");
               peer.send(first.response(CmppResult.OK)); // settles nothing: its message is no longer the link's
               peer.send(again.response(CmppResult.OK));
               Wait.until("the message acknowledged", Duration.ofSeconds(10),
                          () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
               FwdLinkControlMBean link = a.fwdLink(B);
               Wait.until("nothing in flight", Duration.ofSeconds(10), () -> link.getInFlight() == 0);
               assertEquals(1, link.getConsumerReopened());

               // The whole window is free: four more go out before any answer (peers.020001.window = 4 in PeerBroker).
               for (int i = 1; i <= 4; i++) {
                  sendMt(a, "00000000000000e" + (i + 1), "after the close " + i);
               }
               for (int i = 1; i <= 4; i++) {
                  Fwd next = peer.read(Fwd.class);
                  assertEquals(0xE1L + i, next.msgId(), "FWD " + i + " of a full window");
                  peer.send(next.response(CmppResult.OK));
               }
               Wait.until("all acknowledged", Duration.ofSeconds(10), () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
               assertEquals("CONNECTED", link.getState().toUpperCase(java.util.Locale.ROOT));
            }
         }
      }
   }

   @Test
   void aLinkWhoseBrokerSessionFailedForwardsAgain() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         server.setSoTimeout(15_000);
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), "",
                                              cfg -> cfg.setMaxDiskUsage(-1))) {
            sendMt(a, "00000000000000c1", "in flight when the disk fills");
            try (CmppSocket peer = PeerBroker.acceptLink(server, A)) {
               Fwd first = peer.read(Fwd.class); // left unanswered for now
               assertEquals(0xC1L, first.msgId());

               // The broker fails the link's session as it fails a client's whose connection failed (what a send on
               // a full disk did before the connection reported flow control, decision 131): the session is closed.
               List<ServerSession> sessions = a.server().getSessions().stream()
                  .filter(s -> s.getName().startsWith("cmpp-fwd-" + B + "-")).toList();
               assertEquals(1, sessions.size());
               ((FailureListener) sessions.get(0)).connectionFailed(new ActiveMQInternalErrorException("failed by the test"), false);

               Fwd again = peer.read(Fwd.class);
               assertEquals(0xC1L, again.msgId(), "the message went back to the queue and is forwarded again");
               peer.send(first.response(CmppResult.OK)); // settles nothing: its message is no longer the link's
               peer.send(again.response(CmppResult.OK));
               Wait.until("the message acknowledged", Duration.ofSeconds(10),
                          () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
               FwdLinkControlMBean link = a.fwdLink(B);
               Wait.until("nothing in flight", Duration.ofSeconds(10), () -> link.getInFlight() == 0);
               assertEquals(1, link.getConsumerReopened());

               sendMt(a, "00000000000000c2", "after the new session");
               Fwd next = peer.read(Fwd.class);
               assertEquals(0xC2L, next.msgId(), "later messages are forwarded");
               peer.send(next.response(CmppResult.OK));
               Wait.until("all acknowledged", Duration.ofSeconds(10), () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
               assertEquals(1, a.server().locateQueue(SimpleString.of(SmsAddresses.gatewayQueue(B))).getConsumerCount(),
                            "one consumer on the link's queue");
               assertEquals("CONNECTED", link.getState().toUpperCase(java.util.Locale.ROOT));
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
