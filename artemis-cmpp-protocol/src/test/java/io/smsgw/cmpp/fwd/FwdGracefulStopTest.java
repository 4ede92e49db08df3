package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.FwdResp;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
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
 * Stopping a gateway while FWDs are in flight: the link takes nothing new, waits for the answers, says
 * TERMINATE and only then closes, so the peer neither misses nor receives twice what it stored. The receiving
 * side answers a TERMINATE only after the FWDs before it are stored and answered.
 */
class FwdGracefulStopTest {

   private static final String A = "001001";
   private static final String B = "020001";

   @TempDir
   Path dir;

   /** {@code count} MTs on A's queue for B, committed together so the link sees them at once. */
   private static void queueMts(PeerBroker a, int count) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(a.coreUrl()).createConnection();
           Session s = c.createSession(true, Session.SESSION_TRANSACTED);
           MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.gatewayQueue(B)))) {
         for (int i = 1; i <= count; i++) {
            TextMessage m = s.createTextMessage("graceful " + i);
            m.setStringProperty("smsKind", "MT");
            m.setStringProperty("smsId", String.format("%016x", 0x7000L + i));
            m.setStringProperty("smsDestination", "13800138000");
            p.send(m);
         }
         s.commit();
      }
   }

   @Test
   void answersThatArriveWhileStoppingAckTheirMessagesAndTheRestGoBack() throws Exception {
      Path dataA = dir.resolve("a");
      try (ServerSocket server = new ServerSocket(0)) {
         PeerBroker a = PeerBroker.start(dataA, A, PeerBroker.freePort(), B, server.getLocalPort(), "");
         CompletableFuture<Void> stop;
         try (CmppSocket peer = PeerBroker.acceptLink(server, A)) {
            queueMts(a, 6);
            Fwd[] window = new Fwd[4]; // peers.020001.window = 4, response-timeout = 5s in PeerBroker
            for (int i = 0; i < window.length; i++) {
               window[i] = peer.read(Fwd.class);
            }
            FwdLinkControlMBean link = a.fwdLink(B);
            Wait.until("four FWDs in flight", Duration.ofSeconds(10), () -> link.getInFlight() == 4);
            long started = System.nanoTime();
            stop = CompletableFuture.runAsync(() -> {
               try {
                  a.close();
               } catch (Exception e) {
                  throw new IllegalStateException(e);
               }
            });
            Wait.until("the link is stopping", Duration.ofSeconds(10), () -> "stopping".equals(link.getState()));
            for (int i = 0; i < 3; i++) {
               peer.send(window[i].response(CmppResult.OK));
            }
            Wait.until("the answers ack their messages", Duration.ofSeconds(4), () -> link.getAcknowledged() == 3);
            // the fourth stays unanswered: after the response timeout the link says goodbye, nothing new before
            CmppPdu next = peer.read();
            Terminate terminate = assertInstanceOf(Terminate.class, next, "no FWD after the stop began, then TERMINATE");
            peer.send(terminate.response());
            assertTrue(peer.closedByPeer(10_000), "the link closes once TERMINATE is answered");
            stop.get(20, TimeUnit.SECONDS);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(tookMillis >= 4_500 && tookMillis < 12_000, "waited about the response timeout, took " + tookMillis + " ms");
         }
         // restarted with no peer listening: the unanswered FWD and the two never sent are still A's
         try (PeerBroker again = PeerBroker.start(dataA, A, PeerBroker.freePort(), B, PeerBroker.freePort(), "")) {
            List<String> left = again.smsIds(SmsAddresses.gatewayQueue(B));
            assertEquals(List.of(String.format("%016x", 0x7004L), String.format("%016x", 0x7005L), String.format("%016x", 0x7006L)),
                         left.stream().sorted().toList());
         }
      }
   }

   @Test
   void stoppingTheSenderMidStreamLosesAndDuplicatesNothingAtThePeer() throws Exception {
      int total = 1500;
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      Path dataA = dir.resolve("a");
      TerminateRecorder.TERMINATES.set(0);
      try (PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "",
                                           cfg -> cfg.getIncomingInterceptorClassNames().add(TerminateRecorder.class.getName()))) {
         PeerBroker a = PeerBroker.start(dataA, A, portA, B, portB, "");
         queueMts(a, total);
         Wait.until("B has stored some", Duration.ofSeconds(30), () -> b.messageCount(SmsAddresses.MT) >= 20);
         a.close();
         assertEquals(1, TerminateRecorder.TERMINATES.get(), "B saw A's TERMINATE");
         List<String> atB = b.smsIds(SmsAddresses.MT);
         assertEquals(atB.size(), new HashSet<>(atB).size(), "no FWD stored twice at B");
         try (PeerBroker again = PeerBroker.start(dataA, A, portA, B, PeerBroker.freePort(), "")) {
            List<String> left = again.smsIds(SmsAddresses.gatewayQueue(B));
            assertTrue(!left.isEmpty(), "the stop came while FWDs were still flowing");
            assertEquals(total, atB.size() + left.size(), "every message is either at B or still waiting at A");
            HashSet<String> all = new HashSet<>(atB);
            all.addAll(left);
            assertEquals(total, all.size(), "no message is in both places");
         }
      }
   }

   @Test
   void aTerminateIsAnsweredAfterTheFwdsBeforeItAreStored() throws Exception {
      int portB = PeerBroker.freePort();
      int count = 20;
      try (PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, PeerBroker.freePort(), "");
           CmppSocket peerA = CmppSocket.connect(portB)) {
         assertEquals(CmppResult.CONNECT_OK, peerA.login(A, "pair-secret").status());
         for (int i = 0; i < count; i++) {
            peerA.send(new Fwd(peerA.nextSequence(), A, B, 1, Fwd.TYPE_MT, 0x9000L + i, 1, 1, 0, 0, "HELP", 0, "", "", 0, 0,
               0, 0, "901234", "01", "", "", "", "10661234", "", 0, 0, List.of("13800138000"), "", 0, "hi".getBytes(), "", ""));
         }
         peerA.send(new Terminate(peerA.nextSequence())); // right behind the FWDs, before any answer is read
         for (int i = 0; i < count; i++) {
            FwdResp resp = assertInstanceOf(FwdResp.class, peerA.read(), "FWD_RESP " + i + " comes before TERMINATE_RESP");
            assertEquals(CmppResult.OK, resp.result());
         }
         assertInstanceOf(TerminateResp.class, peerA.read());
         assertTrue(peerA.closedByPeer(10_000));
         // the queue's count follows the journal write a moment later
         Wait.until("every answered FWD is on sms.mt", Duration.ofSeconds(10), () -> b.messageCount(SmsAddresses.MT) == count);
         assertEquals(count, b.smsIds(SmsAddresses.MT).size());
      }
   }
}
