package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smsgw.broker.testing.AnswerRecorder;
import io.smsgw.broker.testing.PipeliningPeer;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.Cancel;
import io.smsgw.cmpp.codec.CancelResp;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.SubmitResp;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CMPP acceptor stops reading from an SP that does not read its answers, and from one with
 * {@code cmppMaxPendingRequests} requests unanswered, so neither can make the broker buffer without limit; it reads
 * again once the answers are taken, and every request gets its answer in order.
 */
class CmppFlowControlTest {

   private static final int CAP = 8;
   /** Far more than the broker could hold back once it stops reading (its and this peer's socket buffers, one read). */
   private static final long LIMIT = 16L << 20;
   private static final Duration DEADLINE = Duration.ofSeconds(60);

   @TempDir
   static Path dataDir;
   static TestBroker broker;

   @BeforeAll
   static void start() throws Exception {
      // Small socket buffers on the broker's side too, so "stopped reading" shows after a few hundred KiB.
      broker = TestBroker.cmpp(dataDir, ";cmppMaxPendingRequests=" + CAP + ";tcpSendBufferSize=65536;tcpReceiveBufferSize=65536")
         .configure(cfg -> {
            cfg.getIncomingInterceptorClassNames().add(Recorder.class.getName());
            cfg.getOutgoingInterceptorClassNames().add(Recorder.class.getName());
         }).start();
   }

   @AfterAll
   static void stop() throws Exception {
      broker.close();
   }

   @AfterEach
   void reset() {
      Recorder.calls.reset();
   }

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

   private static PipeliningPeer connected() throws Exception {
      PipeliningPeer peer = PipeliningPeer.connect(broker.port(), 4096, 16384);
      long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), "901234");
      peer.send(bytes(new Connect(0x7000_0000, "901234", CmppAuthenticator.authenticatorSource("901234", "secret", timestamp), 0x30, timestamp)), DEADLINE);
      assertEquals(CmppResult.CONNECT_OK, assertInstanceOf(ConnectResp.class, read(peer)).status());
      return peer;
   }

   /** Pipelines ACTIVE_TEST without reading until the broker stops reading; returns how many were sent. */
   private static int floodActiveTests(PipeliningPeer peer) throws Exception {
      SocketAddress self = peer.localAddress();
      int sent = peer.flood(sequence -> bytes(new ActiveTest(sequence)), broker.server(), LIMIT, DEADLINE);
      long unsent = PipeliningPeer.serverUnsentBytes(broker.server(), self);
      assertTrue(unsent < 1 << 20, "answers the broker holds for an SP that does not read: " + unsent + " bytes");
      return sent;
   }

   @Test
   void activeTestsPipelinedWithoutReadingStopBeingReadAndAreAllAnsweredOnceTheSpReads() throws Exception {
      try (PipeliningPeer peer = connected()) {
         int sent = floodActiveTests(peer);

         for (int i = 1; i <= sent; i++) {
            ActiveTestResp resp = assertInstanceOf(ActiveTestResp.class, read(peer), "answer " + i);
            assertEquals(i, resp.sequenceId(), "answers in order");
         }
         peer.send(bytes(RawCmppClient.ascii(sent + 1, "901234", "after the flood", "13800138000")), DEADLINE);
         SubmitResp resp = assertInstanceOf(SubmitResp.class, read(peer));
         assertEquals(CmppResult.OK, resp.result());
         assertEquals(sent + 1, resp.sequenceId());
      }
   }

   @Test
   void theAnswersToRequestsReadTogetherLeaveTogether() throws Exception {
      // One TCP segment per 13-byte answer overran a small receive buffer and could stall the connection for minutes.
      int requests = 100;
      try (PipeliningPeer peer = connected()) {
         AtomicInteger flushes = PipeliningPeer.countFlushes(broker.server(), peer.localAddress());
         byte[] pipelined = new byte[0];
         for (int i = 1; i <= requests; i++) {
            byte[] frame = bytes(new ActiveTest(i));
            byte[] joined = Arrays.copyOf(pipelined, pipelined.length + frame.length);
            System.arraycopy(frame, 0, joined, pipelined.length, frame.length);
            pipelined = joined;
         }
         peer.send(pipelined, DEADLINE);
         for (int i = 1; i <= requests; i++) {
            assertEquals(i, assertInstanceOf(ActiveTestResp.class, read(peer), "answer " + i).sequenceId());
         }
         assertTrue(flushes.get() <= requests / 10, requests + " answers took " + flushes.get() + " writes to the socket");
      }
   }

   @Test
   void anSpThatClosesWhileTheBrokerIsNotReadingIsNoticed() throws Exception {
      SocketAddress self;
      try (PipeliningPeer peer = connected()) {
         self = peer.localAddress();
         floodActiveTests(peer);
      }
      Wait.until("the broker dropped the connection of an SP that went away", DEADLINE,
                 () -> !PipeliningPeer.serverHasConnection(broker.server(), self),
                 () -> PipeliningPeer.serverState(broker.server(), self));
   }

   @Test
   void pipelinedCancelsWaitAtTheCapAndAreAllAnsweredInOrder() throws Exception {
      int requests = 3000;
      CountDownLatch stall = new CountDownLatch(1);
      Recorder.calls.stall.set(stall);
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         // Unknown Msg_Ids, as an SP unsure what an SMSC outage left behind.
         AtomicReference<Exception> writeFailure = new AtomicReference<>();
         Thread writer = new Thread(() -> {
            try {
               for (int i = 0; i < requests; i++) {
                  client.send(new Cancel(1 + i, 0x7FFF_0000_0000_0000L + i));
               }
            } catch (Exception e) {
               writeFailure.set(e);
            }
         }, "pipelining-sp");
         writer.start();
         try {
            // The first answer is held up inside the broker, so nothing is answered: the broker takes CAP CANCELs
            // and stops reading; it would take all of them without the cap.
            SocketAddress self = client.localAddress();
            Wait.until("the broker took " + CAP + " CANCELs and stopped reading", DEADLINE,
                       () -> Recorder.calls.taken.get() >= CAP && PipeliningPeer.serverStoppedReading(broker.server(), self),
                       () -> Recorder.calls.taken.get() + " CANCELs taken; " + PipeliningPeer.serverState(broker.server(), self)
                             + "\n   the SP's writer: " + PipeliningPeer.threadState(writer));
            assertEquals(CAP, Recorder.calls.taken.get(), "CANCELs taken while none was answered");
         } finally {
            stall.countDown();
         }
         for (int i = 0; i < requests; i++) {
            CancelResp answer = assertInstanceOf(CancelResp.class, client.read());
            assertEquals(1 + i, answer.sequenceId(), "answers in order");
            assertEquals(CmppResult.CANCEL_FAILURE, answer.successId());
         }
         writer.join(TimeUnit.SECONDS.toMillis(30));
         assertNull(writeFailure.get());
         assertEquals(requests, Recorder.calls.taken.get());
         assertEquals(CAP, Recorder.calls.mostUnanswered.get(), "CANCELs taken and not yet answered, at most");
         client.send(new ActiveTest(99_999));
         assertEquals(99_999, assertInstanceOf(ActiveTestResp.class, client.read()).sequenceId());
      }
   }

   @Test
   void answersAnInterceptorDropsStillLetTheConnectionRead() throws Exception {
      Recorder.calls.veto = true;
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         for (int i = 0; i < 3 * CAP; i++) {
            client.send(new Cancel(1 + i, 0x7FFF_0000_0000_0000L + i));
         }
         client.send(new ActiveTest(77));
         assertEquals(77, assertInstanceOf(ActiveTestResp.class, client.read(), "read past " + 3 * CAP + " dropped answers").sequenceId());
      }
   }

   /**
    * Configured as incoming and outgoing interceptor: counts CANCELs taken and answered, can hold the first answer
    * up (on the broker thread that writes it) and can drop answers, as an admin's interceptor may.
    */
   public static final class Recorder implements CmppInterceptor {

      static final AnswerRecorder calls = new AnswerRecorder();

      @Override
      public boolean intercept(CmppPdu pdu, RemotingConnection connection) {
         if (pdu instanceof Cancel) {
            calls.requestTaken();
         } else if (pdu instanceof CancelResp) {
            return calls.answerLeaving();
         }
         return true;
      }
   }
}
