package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.smsgw.broker.testing.PipeliningPeer;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.FwdResp;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer gateway forwarding to a gateway whose storage is full (decision 131): the FWD is answered Result 8, the
 * connection stays open and reads no more FWDs until the store frees space; the peer's link sends a FWD refused with
 * Result 8 again, as often as it takes, without counting a failed delivery, so the message is never dead-lettered.
 */
class FwdStorageFullTest {

   private static final String A = "001001";
   private static final String B = "020001";
   private static final long MAX_SIZE = 16 * 1024;
   private static final int MAX_FWDS = 400;
   private static final Duration DEADLINE = Duration.ofSeconds(30);

   @TempDir
   Path dir;

   /** An MT FWD from B to A. */
   private static Fwd mtFromB(int sequence, long msgId) {
      return new Fwd(sequence, B, A, 1, Fwd.TYPE_MT, msgId, 1, 1, 0, 0, "HELP", 0, "", "", 0, 0, 0, 0, "901234",
         "01", "", "", "", "10661234", "", 0, 0, List.of("13800138000"), "", 0, "forwarded while full".getBytes(), "", "");
   }

   @Test
   void aFwdTheStoreCannotTakeIsResult8AndTheConnectionWaitsForSpace() throws Exception {
      int portA = PeerBroker.freePort();
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, PeerBroker.freePort(), "",
                                           cfg -> cfg.addAddressSetting(SmsAddresses.MT, new AddressSettings().setMaxSizeBytes(MAX_SIZE)
                                              .setAddressFullMessagePolicy(AddressFullMessagePolicy.BLOCK).setMaxDeliveryAttempts(-1)));
           CmppSocket peerB = CmppSocket.connect(portA)) {
         assertEquals(CmppResult.CONNECT_OK, peerB.login(B, "pair-secret").status());
         int accepted = 0;
         FwdResp resp;
         while (true) {
            int sequence = peerB.nextSequence();
            peerB.send(mtFromB(sequence, 0x5000L + accepted));
            resp = assertInstanceOf(FwdResp.class, peerB.read());
            assertEquals(sequence, resp.sequenceId());
            if (resp.result() != CmppResult.OK) {
               break;
            }
            if (++accepted == MAX_FWDS) {
               fail(MAX_FWDS + " FWDs answered Result 0 into " + MAX_SIZE + " bytes");
            }
         }
         assertEquals(CmppResult.FLOW_CONTROL_ERROR, resp.result(),
                      "a full store is Result 8, which the peer's link sends again without counting a failed delivery");
         assertTrue(accepted > 0);
         long stored = accepted;
         Wait.until("every FWD answered Result 0 is stored", DEADLINE, () -> a.messageCount(SmsAddresses.MT) == stored);

         int held = peerB.nextSequence();
         peerB.send(mtFromB(held, 0x6000L));
         Wait.until("the connection holds the FWD while the storage is full (read, not yet handed over)", DEADLINE,
                    () -> PipeliningPeer.serverState(a.server(), peerB.localAddress()).contains("held=1 PDUs"),
                    () -> PipeliningPeer.serverState(a.server(), peerB.localAddress()));
         a.server().locateQueue(SimpleString.of(SmsAddresses.MT)).deleteAllReferences();
         FwdResp later = assertInstanceOf(FwdResp.class, peerB.read());
         assertEquals(held, later.sequenceId());
         assertEquals(CmppResult.OK, later.result(), "the FWD held while the storage was full is stored once it frees");
         Wait.until("the held FWD stored", DEADLINE, () -> a.messageCount(SmsAddresses.MT) == 1);
      }
   }

   @Test
   void aFwdRefusedWithResult8IsSentAgainUntilStoredAndNeverDeadLettered() throws Exception {
      try (ServerSocket server = new ServerSocket(0)) {
         server.setSoTimeout(15_000);
         // Two failed deliveries would dead-letter the message.
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), "",
                                              cfg -> cfg.addAddressSetting(SmsAddresses.gatewayQueue(B),
                                                                           new AddressSettings().setMaxDeliveryAttempts(2)))) {
            try (Connection c = new ActiveMQConnectionFactory(a.coreUrl()).createConnection();
                 Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                 MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.gatewayQueue(B)))) {
               TextMessage m = s.createTextMessage("to a full peer");
               m.setStringProperty("smsKind", "MT");
               m.setStringProperty("smsId", "00000000000000e1");
               m.setStringProperty("smsDestination", "13800138000");
               p.send(m);
            }
            try (CmppSocket peer = PeerBroker.acceptLink(server, A)) {
               for (int attempt = 1; attempt <= 4; attempt++) {
                  Fwd fwd = peer.read(Fwd.class);
                  assertEquals(0xE1L, fwd.msgId(), "attempt " + attempt + " sends the message refused with Result 8 again");
                  assertEquals(1, a.messageCount(SmsAddresses.gatewayQueue(B)), "still A's while the peer is full");
                  peer.send(fwd.response(CmppResult.FLOW_CONTROL_ERROR));
               }
               Fwd fwd = peer.read(Fwd.class);
               assertEquals(0xE1L, fwd.msgId());
               peer.send(fwd.response(CmppResult.OK));
               Wait.until("the FWD acknowledged once the peer stored it", DEADLINE,
                          () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
            }
         }
      }
   }
}
