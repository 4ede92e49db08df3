package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
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
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer gateway that sends ACTIVE_TEST on gateway A's FWD link without reading the answers cannot make A buffer them
 * without limit: the link stops reading from it, answers everything it read once the peer reads, and forwards again.
 */
class FwdLinkBackpressureTest {

   private static final String A = "001001";
   private static final String B = "020001";
   /** Far more than the gateway could hold back once it stops reading (socket buffers, one read, the write buffer). */
   private static final long LIMIT = 16L << 20;
   private static final Duration DEADLINE = Duration.ofSeconds(60);

   @TempDir
   Path dir;

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

   /** The next PDU that is not one of the link's own ACTIVE_TEST probes. */
   private static CmppPdu readAnswer(PipeliningPeer peer) throws Exception {
      CmppPdu pdu;
      while ((pdu = read(peer)) instanceof ActiveTest) {
         // the link's keep-alive; unanswered it does no harm within the long response-timeout
      }
      return pdu;
   }

   private static Channel channel(PeerBroker a) throws Exception {
      return ((FwdLinkControl) a.server().getManagementService().getUntypedControl(FwdLinkService.resourceName(B))).link()
         .channelNow();
   }

   private static boolean stoppedReading(PeerBroker a) {
      try {
         Channel channel = channel(a);
         return channel != null && !channel.config().isAutoRead();
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }

   private static long unsent(Channel channel) {
      ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
      return outbound == null ? 0 : outbound.totalPendingWriteBytes();
   }

   private static String state(PeerBroker a) {
      try {
         Channel channel = channel(a);
         return channel == null ? "the link has no connection" : "link channel active=" + channel.isActive() + " writable="
            + channel.isWritable() + " autoRead=" + channel.config().isAutoRead() + " unsent=" + unsent(channel) + " bytes";
      } catch (Exception e) {
         return "(state not known: " + e + ")";
      }
   }

   private static void sendMt(PeerBroker a, String smsId) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(a.coreUrl()).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.gatewayQueue(B)))) {
         TextMessage m = s.createTextMessage("after the flood");
         m.setStringProperty("smsKind", "MT");
         m.setStringProperty("smsId", smsId);
         m.setStringProperty("smsDestination", "13800138000");
         p.send(m);
      }
   }

   @Test
   void aPeerThatSendsActiveTestsWithoutReadingIsNoLongerReadUntilItTakesTheAnswers() throws Exception {
      try (ServerSocketChannel server = ServerSocketChannel.open()) {
         server.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
         server.bind(new InetSocketAddress("127.0.0.1", 0));
         String slowTimeouts = "peers { \"" + B + "\" { response-timeout = 60s } }";
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.socket().getLocalPort(),
                                              slowTimeouts)) {
            SocketChannel accepted = server.accept();
            accepted.setOption(StandardSocketOptions.SO_SNDBUF, 16384);
            try (PipeliningPeer peer = PipeliningPeer.accepted(accepted)) {
               Connect connect = assertInstanceOf(Connect.class, read(peer));
               peer.send(bytes(connect.response(CmppResult.CONNECT_OK, CmppAuthenticator.authenticatorIsmg(CmppResult.CONNECT_OK,
                  connect.authenticatorSource(), "pair-secret", CmppVersion.V30), CmppVersion.V30.code())), DEADLINE);
               FwdLinkControlMBean link = a.fwdLink(B);
               Wait.until("the link connected", DEADLINE, () -> link.getState().equalsIgnoreCase("connected"));
               Channel channel = channel(a);

               int sent = peer.flood(sequence -> bytes(new ActiveTest(sequence)), () -> stoppedReading(a), () -> state(a),
                                     LIMIT, DEADLINE);

               assertTrue(unsent(channel) < 1 << 20, "answers the link holds for a peer that does not read: " + state(a));
               assertTrue(a.server().isActive(), "the broker runs on");
               for (int i = 1; i <= sent; i++) {
                  ActiveTestResp resp = assertInstanceOf(ActiveTestResp.class, readAnswer(peer), "answer " + i);
                  assertEquals(i, resp.sequenceId(), "answers in order");
               }
               Wait.until("the link reads again", DEADLINE, () -> channel.config().isAutoRead(), () -> state(a));
               sendMt(a, "00000000000000e1");
               Fwd fwd = assertInstanceOf(Fwd.class, readAnswer(peer));
               assertEquals(0xE1L, fwd.msgId());
               peer.send(bytes(fwd.response(CmppResult.OK)), DEADLINE);
               Wait.until("the FWD acknowledged", DEADLINE, () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
               assertSame(channel, channel(a), "the same connection: the link did not reconnect");
            }
         }
      }
   }
}
