package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;

import io.smsgw.broker.testing.TestBroker;
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
 * The peer answers Result 0 to every FWD of an MT, but its forward record cannot be stored (here: a field wider than the
 * store keeps). The MT goes back and is forwarded again, as a refusal is, but the peer took it each time: the put-back is
 * not a failed delivery. With max-delivery-attempts 2 the MT must still be forwarded a third and fourth time and stay
 * on {@code sms.gw.<peer>}, not be dead-lettered (where routing would report UNDELIV 111 for an MT the peer holds).
 * Before, every put-back counted, and the MT reached {@code sms.dlq} after the second FWD.
 */
class FwdRecordNotStoredTest {

   private static final String A = "001001";
   private static final String B = "020001";

   @TempDir
   Path dir;

   @Test
   void aForwardRecordThatIsNotStoredDoesNotUseUpTheDeliveryAttempts() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         server.setSoTimeout(15_000);
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), "", cfg -> {
            TestBroker.withDeadLetterQueue(cfg);
            cfg.getAddressSettings().get("sms.#").setMaxDeliveryAttempts(2);
         })) {
            try (Connection c = new ActiveMQConnectionFactory(a.coreUrl()).createConnection();
                 Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                 MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.gatewayQueue(B)))) {
               TextMessage m = s.createTextMessage("taken, not recorded");
               m.setStringProperty("smsKind", "MT");
               m.setStringProperty("smsId", "00000000000000e1");
               m.setStringProperty("smsDestination", "13800138000");
               // the record keeps at most 1024 characters of a field: its put fails
               m.setStringProperty("smsProtocolVersion", "v".repeat(1100));
               p.send(m);
            }
            try (CmppSocket peer = PeerBroker.acceptLink(server, A)) {
               for (int attempt = 1; attempt <= 4; attempt++) {
                  Fwd fwd = peer.read(Fwd.class);
                  assertEquals(0xE1L, fwd.msgId(), "FWD " + attempt + " of the MT");
                  peer.send(fwd.response(CmppResult.OK));
               }
               assertEquals(0, a.messageCount(TestBroker.DEAD_LETTERS), "not dead-lettered: the peer took it every time");
               assertEquals(1, a.messageCount(SmsAddresses.gatewayQueue(B)), "still on the peer's queue");
               assertTrue(a.fwdLink(B).getLastError().contains("forward record of message"), a.fwdLink(B).getLastError());
            }
         }
      }
   }
}
