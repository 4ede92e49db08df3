package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.FwdResp;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.contract.SmsAddresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker stop ends a peer gateway's FWD session on the acceptor as an SP's (decision 141 and its follow-up): the
 * gateway's TERMINATE, a FWD sent meanwhile answered Result 8 (the peer's link sends it again later without counting
 * a failed delivery), and the close at the peer's TERMINATE_RESP. Before, the session wrote TERMINATE and closed at
 * once: the FWD got no answer (the peer's link waited its response-timeout for it) and TERMINATE_RESP was not awaited.
 */
class FwdAcceptorStopTest {

   private static final String A = "001001";
   private static final String B = "020001";

   @TempDir
   Path dir;

   @Test
   void aPeerIsTerminatedItsNewFwdGetsResult8AndTheSessionWaitsForTerminateResp() throws Exception {
      int portB = PeerBroker.freePort();
      // A's own acceptor is never started: B's link to it only retries, which the stop ends.
      PeerBroker b = PeerBroker.start(dir, B, portB, A, PeerBroker.freePort(), "");
      CompletableFuture<Long> stop;
      try (CmppSocket peer = CmppSocket.connect(portB)) {
         assertEquals(CmppResult.CONNECT_OK, peer.login(A, "pair-secret").status());
         peer.send(FwdEndToEndTest.fwd(peer.nextSequence(), "13800138000", 0x51L));
         assertEquals(CmppResult.OK, peer.read(FwdResp.class).result(), "a FWD before the stop is stored");
         Wait.until("the forwarded MT stored", Duration.ofSeconds(10), () -> b.messageCount(SmsAddresses.MT) == 1);

         stop = b.closeInBackground();
         b.waitUntilSessionsEnding();
         // A round trip: the FWD below is read after the session's end, which the stop queued at its start.
         Terminate terminate = null;
         peer.send(new ActiveTest(peer.nextSequence()));
         for (CmppPdu pdu; !((pdu = peer.read()) instanceof ActiveTestResp); ) {
            terminate = pdu instanceof Terminate t ? t : terminate;
         }
         int sequence = peer.nextSequence();
         peer.send(FwdEndToEndTest.fwd(sequence, "13800138001", 0x52L));
         // The FWD_RESP and the gateway's TERMINATE, in either order (the FWD may be read before the TERMINATE is written).
         FwdResp refused = null;
         while (refused == null || terminate == null) {
            CmppPdu pdu = peer.read();
            if (pdu instanceof FwdResp resp) {
               refused = resp;
            } else if (pdu instanceof Terminate t) {
               terminate = t;
            }
         }
         assertEquals(sequence, refused.sequenceId());
         assertEquals(CmppResult.FLOW_CONTROL_ERROR, refused.result(), "no new FWD while the broker stops: send again later");

         // Still open after the TERMINATE: the gateway waits for the peer's answer.
         peer.send(new ActiveTest(peer.nextSequence()));
         assertInstanceOf(ActiveTestResp.class, peer.read(), "the connection stays open until TERMINATE_RESP");
         peer.send(terminate.response());
         assertTrue(peer.closedByPeer(10_000), "closed at TERMINATE_RESP");
      }
      stop.get(60, TimeUnit.SECONDS);
   }
}
