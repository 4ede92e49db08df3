package io.smsgw.cmpp.gns.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.smsgw.broker.testing.PipeliningPeer;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppRequest;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.core.config.GnsClientConfig;
import org.junit.jupiter.api.Test;

/**
 * A tandem that sends ACTIVE_TEST to a gateway's GNS client without reading the answers cannot make the gateway buffer
 * them without limit: the client stops reading from it, and answers everything it read, in order, once it reads.
 */
class GnsClientBackpressureTest {

   private static final String TIANJIN = "022001";
   private static final String SECRET = "tj";
   /** Far more than the gateway could hold back once it stops reading (socket buffers, one read, the write buffer). */
   private static final long LIMIT = 16L << 20;
   private static final Duration DEADLINE = Duration.ofSeconds(60);

   private static byte[] bytes(CmppPdu pdu) {
      ByteBuf buf = Unpooled.buffer();
      try {
         CmppCodec.encode(pdu, CmppVersion.V30, buf);
         byte[] out = new byte[buf.readableBytes()];
         buf.readBytes(out);
         return out;
      } finally {
         buf.release();
      }
   }

   private static CmppPdu read(PipeliningPeer peer) throws Exception {
      ByteBuf buf = Unpooled.wrappedBuffer(peer.read(DEADLINE));
      try {
         return CmppCodec.decode(buf, CmppVersion.V30);
      } finally {
         buf.release();
      }
   }

   /** The next PDU that is not one of the client's own requests (its route download, which stays unanswered here). */
   private static CmppPdu readAnswer(PipeliningPeer peer) throws Exception {
      CmppPdu pdu;
      while ((pdu = read(peer)) instanceof CmppRequest) {
         // the download every CONNECT starts; its query timeout is far off
      }
      return pdu;
   }

   private static boolean stoppedReading(GnsClient client) {
      try {
         Channel channel = client.channelNow();
         return channel != null && !channel.config().isAutoRead();
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }

   private static long unsent(Channel channel) {
      ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
      return outbound == null ? 0 : outbound.totalPendingWriteBytes();
   }

   private static String state(GnsClient client) {
      try {
         Channel channel = client.channelNow();
         return channel == null ? "the client has no connection" : "client channel active=" + channel.isActive() + " writable="
            + channel.isWritable() + " autoRead=" + channel.config().isAutoRead() + " unsent=" + unsent(channel) + " bytes";
      } catch (Exception e) {
         return "(state not known: " + e + ")";
      }
   }

   @Test
   void aTandemThatSendsActiveTestsWithoutReadingIsNoLongerReadUntilItTakesTheAnswers() throws Exception {
      try (ServerSocketChannel server = ServerSocketChannel.open()) {
         server.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
         server.bind(new InetSocketAddress("127.0.0.1", 0));
         GnsClientConfig config = new GnsClientConfig("127.0.0.1", server.socket().getLocalPort(), SECRET, Duration.ZERO,
                                                      Duration.ofSeconds(60), Duration.ofMillis(50), Duration.ofMillis(200));
         try (RouteCache cache = new RouteCache(new GnsClient(config, TIANJIN))) {
            GnsClient client = cache.client();
            cache.start();
            SocketChannel accepted = server.accept();
            accepted.setOption(StandardSocketOptions.SO_SNDBUF, 16384);
            try (PipeliningPeer tandem = PipeliningPeer.accepted(accepted)) {
               Connect connect = assertInstanceOf(Connect.class, read(tandem));
               tandem.send(bytes(connect.response(CmppResult.CONNECT_OK,
                  CmppAuthenticator.authenticatorIsmg(0, connect.authenticatorSource(), SECRET, CmppVersion.V30), 0x30)), DEADLINE);
               Wait.until("the client connected", DEADLINE, () -> client.state() == GnsClient.State.CONNECTED);
               Channel channel = client.channelNow();

               int sent = tandem.flood(sequence -> bytes(new ActiveTest(sequence)), () -> stoppedReading(client),
                                       () -> state(client), LIMIT, DEADLINE);

               assertTrue(unsent(channel) < 1 << 20, "answers the client holds for a tandem that does not read: " + state(client));
               for (int i = 1; i <= sent; i++) {
                  ActiveTestResp resp = assertInstanceOf(ActiveTestResp.class, readAnswer(tandem), "answer " + i);
                  assertEquals(i, resp.sequenceId(), "answers in order");
               }
               Wait.until("the client reads again", DEADLINE, () -> channel.config().isAutoRead(), () -> state(client));
               tandem.send(bytes(new ActiveTest(sent + 1)), DEADLINE);
               assertEquals(sent + 1, assertInstanceOf(ActiveTestResp.class, readAnswer(tandem)).sequenceId());
               assertSame(channel, client.channelNow(), "the same connection");
            }
         }
      }
   }
}
