package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.smsgw.broker.testing.PipeliningPeer;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.DeliverSmResp;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.EnquireLinkResp;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppCommandId;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SMSC that sends without reading what the link writes (enquire_link back to back, before or after the bind), or
 * that sends deliveries faster than the broker stores them, cannot make the gateway buffer without limit: the link
 * stops reading from it, and reads again once the SMSC takes its answers or the store catches up (decision "A link
 * stops reading from an SMSC or peer gateway that does not read...").
 */
class SmscLinkBackpressureTest {

   private static final int CAP = 50;
   /** Far more than the gateway could hold back once it stops reading (socket buffers, one read, the write buffer). */
   private static final long LIMIT = 16L << 20;
   private static final Duration DEADLINE = Duration.ofSeconds(60);

   @TempDir
   Path dir;

   @BeforeEach
   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void configureLink(int smscPort) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      // Probes and timeouts far off: only what the SMSC sends matters here.
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 60s, response-timeout = 60s, reconnect-min = 100ms, reconnect-max = 400ms
                 max-unanswered-deliveries = %d }
         }
         """.formatted(smscPort, CAP));
      System.setProperty("smsgw.config", file.toString());
   }

   /** A server socket whose accepted connections start with a small receive buffer, so a stopped reader shows soon. */
   private static ServerSocketChannel smscSocket() throws Exception {
      ServerSocketChannel server = ServerSocketChannel.open();
      server.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      return server;
   }

   private static PipeliningPeer accept(ServerSocketChannel server) throws Exception {
      SocketChannel accepted = server.accept();
      accepted.setOption(StandardSocketOptions.SO_SNDBUF, 16384);
      return PipeliningPeer.accepted(accepted);
   }

   private static byte[] bytes(SmppPdu pdu) {
      ByteBuf buf = Unpooled.buffer();
      try {
         SmppCodec.encode(pdu, buf);
         byte[] out = new byte[buf.readableBytes()];
         buf.readBytes(out);
         return out;
      } finally {
         buf.release();
      }
   }

   private static SmppPdu read(PipeliningPeer smsc) throws Exception {
      ByteBuf buf = Unpooled.wrappedBuffer(smsc.read(DEADLINE));
      try {
         return SmppCodec.decode(buf);
      } finally {
         buf.release();
      }
   }

   /** Reads the transceiver bind and answers it ESME_ROK. */
   private static void bind(PipeliningPeer smsc) throws Exception {
      BindRequest bind = assertInstanceOf(BindRequest.class, read(smsc));
      smsc.send(RawSmsc.frame(SmppCommandId.BIND_TRANSCEIVER_RESP, 0, bind.sequenceNumber(), RawSmsc.cString("raw")), DEADLINE);
   }

   private static SmscLink link(TestBroker broker) {
      return ((SmscLinkControl) broker.server().getManagementService().getUntypedControl("smsc-link.sim")).link();
   }

   private static SmscLinkControlMBean control(TestBroker broker) {
      return (SmscLinkControlMBean) broker.server().getManagementService().getUntypedControl("smsc-link.sim");
   }

   private static SmscConnection connection(TestBroker broker) throws Exception {
      List<SmscConnection> connections = link(broker).connectionsNow();
      return connections.isEmpty() ? null : connections.get(0);
   }

   private static Channel channel(TestBroker broker) throws Exception {
      SmscConnection connection = connection(broker);
      return connection == null ? null : connection.channel();
   }

   private static boolean stoppedReading(TestBroker broker) {
      try {
         Channel channel = channel(broker);
         return channel != null && !channel.config().isAutoRead();
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }

   /** Bytes the link has written to the SMSC that its socket has not taken. */
   private static long unsent(Channel channel) {
      ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
      return outbound == null ? 0 : outbound.totalPendingWriteBytes();
   }

   private static String state(TestBroker broker) {
      try {
         SmscConnection connection = connection(broker);
         if (connection == null) {
            return "the link has no connection";
         }
         Channel channel = connection.channel();
         int unanswered = link(broker).readOnLoop(connection::deliveriesUnanswered);
         return "link channel active=" + channel.isActive() + " writable=" + channel.isWritable() + " autoRead="
            + channel.config().isAutoRead() + " unsent=" + unsent(channel) + " bytes, deliveries unanswered=" + unanswered;
      } catch (Exception e) {
         return "(state not known: " + e + ")";
      }
   }

   private static int unanswered(TestBroker broker, SmscConnection connection) {
      try {
         return link(broker).readOnLoop(connection::deliveriesUnanswered);
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }

   private static void release(OperationContext context, int stall) {
      for (int i = 0; i < stall; i++) {
         context.done();
      }
   }

   @Test
   void anSmscThatSendsEnquireLinksWithoutReadingIsNoLongerReadUntilItTakesTheAnswers() throws Exception {
      try (ServerSocketChannel server = smscSocket()) {
         configureLink(server.socket().getLocalPort());
         try (TestBroker broker = TestBroker.smpp(dir, "").start();
              PipeliningPeer smsc = accept(server)) {
            bind(smsc);
            Wait.until("link bound", DEADLINE, () -> "BOUND".equals(control(broker).getState()));
            Channel channel = channel(broker);

            int sent = smsc.flood(sequence -> bytes(new EnquireLink(sequence)), () -> stoppedReading(broker),
                                  () -> state(broker), LIMIT, DEADLINE);

            assertTrue(unsent(channel) < 1 << 20, "answers the link holds for an SMSC that does not read: " + state(broker));
            assertTrue(broker.server().isActive(), "the broker runs on");
            // Every enquire_link read is answered, in order, once the SMSC reads; then the link reads again.
            for (int i = 1; i <= sent; i++) {
               EnquireLinkResp resp = assertInstanceOf(EnquireLinkResp.class, read(smsc), "answer " + i);
               assertEquals(i, resp.sequenceNumber(), "answers in order");
            }
            Wait.until("the link reads again", DEADLINE, () -> channel.config().isAutoRead(), () -> state(broker));
            smsc.send(RawSmsc.mo(0x7_0000, "8613800138000", "1065712345", "after the flood"), DEADLINE);
            DeliverSmResp answered = assertInstanceOf(DeliverSmResp.class, read(smsc));
            assertEquals(0x7_0000, answered.sequenceNumber());
            assertEquals(SmppStatus.ESME_ROK, answered.commandStatus());
            assertSame(channel, channel(broker), "the same connection: the link did not rebind");
            assertEquals("BOUND", control(broker).getState());
         }
      }
   }

   @Test
   void deliveriesTheStoreHasNotTakenYetStopTheLinkReadingAtTheCap() throws Exception {
      int deliveries = 2000;
      try (ServerSocketChannel server = smscSocket()) {
         configureLink(server.socket().getLocalPort());
         try (TestBroker broker = TestBroker.smpp(dir, "").start();
              PipeliningPeer smsc = accept(server)) {
            bind(smsc);
            Wait.until("link bound", DEADLINE, () -> "BOUND".equals(control(broker).getState()));
            SmscConnection connection = connection(broker);
            // The link's stores complete in its session's operation context, each once as many are done as were lined up
            // before it: operations lined up there and not done, more than the SMSC sends, hold back every completion of
            // the test, as a journal that stalls.
            ServerSession session = broker.server().getSessions().stream()
               .filter(s -> s.getName().startsWith("smsc-link-sim-")).findFirst().orElseThrow();
            OperationContext context = session.getSessionContext();
            int stall = deliveries + 100;
            for (int i = 0; i < stall; i++) {
               context.storeLineUp();
            }
            boolean stalled = true;
            AtomicReference<Exception> writeFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
               try {
                  for (int i = 1; i <= deliveries; i++) {
                     smsc.send(RawSmsc.mo(i, "8613800138000", "1065712345", "MO number      "), DEADLINE);
                  }
               } catch (Exception e) {
                  writeFailure.set(e);
               }
            }, "flooding-smsc");
            try {
               writer.start();
               Wait.until("the link took " + CAP + " deliveries and stopped reading (or took more)", DEADLINE, () -> {
                  int unanswered = unanswered(broker, connection);
                  return unanswered > CAP || unanswered == CAP && stoppedReading(broker);
               }, () -> state(broker));
               assertEquals(CAP, (int) link(broker).readOnLoop(connection::deliveriesUnanswered),
                            "deliveries taken while none could be stored: " + state(broker));
               assertTrue(broker.server().isActive(), "the broker runs on");
               release(context, stall);
               stalled = false;
               writer.join(DEADLINE.toMillis());
               assertNull(writeFailure.get(), "the SMSC could send everything once the store caught up");
               for (int i = 1; i <= deliveries; i++) {
                  DeliverSmResp resp = assertInstanceOf(DeliverSmResp.class, read(smsc), "answer " + i);
                  assertEquals(SmppStatus.ESME_ROK, resp.commandStatus(), "answer " + i);
               }
            } finally {
               if (stalled) {
                  release(context, stall);
               }
               writer.join(DEADLINE.toMillis());
            }
            Wait.until("every MO stored", DEADLINE, () -> broker.messageCount(SmsAddresses.MO) == deliveries);
            assertEquals(0, (int) link(broker).readOnLoop(connection::deliveriesUnanswered));
            assertTrue(channel(broker).config().isAutoRead(), "the link reads again");
         }
      }
   }
}
