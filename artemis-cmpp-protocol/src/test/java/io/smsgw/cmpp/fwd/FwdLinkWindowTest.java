package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

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

/**
 * The FWD link's window bounds the FWDs its peer has not answered, as the peer's own CMPP window counts requests: long
 * messages' parts each take a place, so a strict peer never sees more than {@code window} outstanding.
 */
class FwdLinkWindowTest {

   private static final String A = "001001";
   private static final String B = "020001";

   @TempDir
   Path dir;

   private static void sendLongMt(PeerBroker a, String smsId) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(a.coreUrl()).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.gatewayQueue(B)))) {
         TextMessage m = s.createTextMessage("a".repeat(400));
         m.setStringProperty("smsKind", "MT");
         m.setStringProperty("smsId", smsId);
         m.setStringProperty("smsDestination", "13800138000");
         p.send(m);
      }
   }

   @Test
   void longMessagesPartsNeverExceedTheWindowOfUnansweredFwds() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         server.setSoTimeout(15_000);
         // PeerBroker's link has window = 4; two messages of three or more parts each are six or more FWDs
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), "")) {
            sendLongMt(a, "00000000000000e1");
            sendLongMt(a, "00000000000000e2");
            FwdLinkControlMBean link = a.fwdLink(B);
            try (CmppSocket peer = PeerBroker.acceptLink(server, A)) {
               Set<String> parts = new HashSet<>();
               ArrayDeque<Fwd> outstanding = new ArrayDeque<>();
               for (int i = 0; i < 4; i++) {
                  Fwd fwd = peer.read(Fwd.class);
                  assertTrue(parts.add(fwd.msgId() + "/" + fwd.pkNumber()), "no part twice: " + fwd);
                  outstanding.add(fwd);
               }
               int total = 2 * outstanding.peek().pkTotal();
               assertTrue(total >= 6, "a 400-character text goes as three or more FWDs, got " + total / 2);
               // A flush puts every part it writes in flight before the socket sees any, so the link's count already
               // holds all it wrote along with the fourth.
               assertEquals(4, link.getInFlight(), "at most window = 4 FWDs unanswered");
               while (!outstanding.isEmpty()) {
                  peer.send(outstanding.poll().response(CmppResult.OK)); // the freed place lets the next part go
                  if (parts.size() < total) {
                     Fwd fwd = peer.read(Fwd.class);
                     assertTrue(parts.add(fwd.msgId() + "/" + fwd.pkNumber()), "no part twice: " + fwd);
                     outstanding.add(fwd);
                     assertTrue(link.getInFlight() <= 4, "at most window = 4 FWDs unanswered, was " + link.getInFlight());
                  }
               }
               assertEquals(total, parts.size());
               Wait.until("both messages acknowledged", Duration.ofSeconds(10),
                          () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
            }
         }
      }
   }
}
