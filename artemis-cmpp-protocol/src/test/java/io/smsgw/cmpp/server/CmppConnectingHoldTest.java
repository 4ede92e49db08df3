package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smsgw.broker.testing.PipeliningPeer;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.SubmitResp;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.protocol.SessionCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SP pipelines SUBMITs right after its CONNECT while the broker is slow to open its session (CONNECTING): the
 * session holds them until it exists, and holds at most {@code cmppMaxPendingRequests}; at that the acceptor stops
 * reading, so a client cannot make the gateway buffer without bound before its CONNECT_RESP. Once the session opens,
 * every one held or left unread is answered.
 */
class CmppConnectingHoldTest {

   private static final int CAP = 8;
   /** Far more than the broker's and this peer's socket buffers and one read hold once reading stops. */
   private static final long LIMIT = 16L << 20;
   private static final Duration DEADLINE = Duration.ofSeconds(60);

   @TempDir
   Path dir;

   /** Holds the broker's session creation (on the connection's broker executor, not the event loop) until released. */
   static final class SlowSessionOpening implements ActiveMQServerPlugin {
      final CountDownLatch entered = new CountDownLatch(1);
      final CountDownLatch released = new CountDownLatch(1);

      @Override
      public void beforeCreateSession(String name, String username, int minLargeMessageSize, RemotingConnection connection,
                                      boolean autoCommitSends, boolean autoCommitAcks, boolean preAcknowledge, boolean xa,
                                      String defaultAddress, SessionCallback callback, boolean autoCreateQueues,
                                      OperationContext context, Map<SimpleString, RoutingType> prefixes) throws ActiveMQException {
         entered.countDown();
         try {
            released.await(60, TimeUnit.SECONDS);
         } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
         }
      }
   }

   private static byte[] bytes(CmppPdu pdu) {
      return RawCmppClient.encode(pdu, CmppVersion.V30);
   }

   /** The next PDU that is not the broker's ACTIVE_TEST. */
   private static CmppPdu read(PipeliningPeer peer) throws Exception {
      for (;;) {
         ByteBuf buf = Unpooled.wrappedBuffer(peer.read(DEADLINE));
         try {
            CmppPdu pdu = CmppCodec.decode(buf, CmppVersion.V30);
            if (!(pdu instanceof ActiveTest)) {
               return pdu;
            }
         } finally {
            buf.release();
         }
      }
   }

   @Test
   void submitsPipelinedWhileTheSessionOpensAreHeldUpToTheCapThenAllAnswered() throws Exception {
      SlowSessionOpening slow = new SlowSessionOpening();
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppMaxPendingRequests=" + CAP + ";tcpSendBufferSize=65536;tcpReceiveBufferSize=65536")
              .configure(cfg -> cfg.registerBrokerPlugin(slow)).start();
           PipeliningPeer peer = PipeliningPeer.connect(broker.port(), 4096, 16384)) {
         try {
            long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), "901234");
            peer.send(bytes(new Connect(0x7000_0000, "901234", CmppAuthenticator.authenticatorSource("901234", "secret", timestamp),
                                        0x30, timestamp)), DEADLINE);
            assertTrue(slow.entered.await(10, TimeUnit.SECONDS), "the CONNECT's broker session is being opened");

            // Before any CONNECT_RESP: SUBMITs back to back, none of the answers read, until the broker stops reading.
            int sent = peer.flood(sequence -> bytes(RawCmppClient.ascii(sequence, "901234", "pipelined", "13800138000")),
                                  broker.server(), LIMIT, DEADLINE);
            assertTrue(sent > CAP, "more sent than the cap: " + sent);
            SocketAddress self = peer.localAddress();
            String flow = PipeliningPeer.serverState(broker.server(), self);
            assertTrue(flow.contains(" pending=" + CAP + " of " + CAP + " "),
                       "the session holds the cap's worth and no more while it opens: " + flow);
            assertTrue(flow.contains("autoRead=false"), flow);

            slow.released.countDown();
            assertEquals(CmppResult.CONNECT_OK, assertInstanceOf(ConnectResp.class, read(peer)).status());
            for (int i = 1; i <= sent; i++) {
               SubmitResp resp = assertInstanceOf(SubmitResp.class, read(peer), "answer " + i + " of " + sent);
               assertEquals(i, resp.sequenceId(), "in the order sent");
               assertEquals(CmppResult.OK, resp.result());
            }
         } finally {
            slow.released.countDown();
         }
      }
   }
}
