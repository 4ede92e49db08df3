package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.CancelSm;
import io.smsgw.smpp.codec.CancelSmResp;
import io.smsgw.smpp.codec.DestinationAddress;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.EnquireLinkResp;
import io.smsgw.smpp.codec.QuerySm;
import io.smsgw.smpp.codec.QuerySmResp;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitMulti;
import io.smsgw.smpp.codec.SubmitMultiResp;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMPP acceptor stops reading from a connection whose peer does not read its answers, and from one with
 * {@code smppMaxPendingRequests} requests unanswered, so neither can make the broker buffer without limit; it reads
 * again once the answers are taken, and every request gets its answer in order.
 */
class SmppFlowControlTest {

   private static final int CAP = 8;
   /** Far more than the broker could hold back once it stops reading (its and this peer's socket buffers, one read). */
   private static final long LIMIT = 16L << 20;
   private static final Duration DEADLINE = Duration.ofSeconds(60);
   private static final Address ESME = new Address((byte) 1, (byte) 1, "8610086");
   private static final Address HANDSET = new Address((byte) 1, (byte) 1, "8613900139000");

   @TempDir
   static Path dataDir;
   static TestBroker broker;

   @BeforeAll
   static void start() throws Exception {
      // Small socket buffers on the broker's side too, so "stopped reading" shows after a few hundred KiB.
      broker = TestBroker.smpp(dataDir, ";smppMaxPendingRequests=" + CAP + ";smppBindTimeout=120000;tcpSendBufferSize=65536;tcpReceiveBufferSize=65536")
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

   private static SmppPdu decode(byte[] frame) {
      ByteBuf buf = Unpooled.wrappedBuffer(frame);
      try {
         return SmppCodec.decode(buf);
      } finally {
         buf.release();
      }
   }

   private static SmppPdu read(PipeliningPeer peer) throws Exception {
      return decode(peer.read(DEADLINE));
   }

   private static BindRequest bind(int sequence) {
      return new BindRequest(sequence, BindType.TRANSCEIVER, "smppclient1", "password", "", 0x34, 0, 0, "");
   }

   private static byte[] submit(int sequence) {
      return bytes(ShortMessagePdu.builder().sequenceNumber(sequence).sourceAddr(ESME).destinationAddr(HANDSET)
                      .shortMessage("after the flood".getBytes(StandardCharsets.US_ASCII)).buildSubmitSm());
   }

   /** Pipelines enquire_link without reading until the broker stops reading; returns how many were sent. */
   private static int floodEnquireLinks(PipeliningPeer peer) throws Exception {
      SocketAddress self = peer.localAddress();
      int sent = peer.flood(sequence -> bytes(new EnquireLink(sequence)), broker.server(), LIMIT, DEADLINE);
      long unsent = PipeliningPeer.serverUnsentBytes(broker.server(), self);
      assertTrue(unsent < 1 << 20, "answers the broker holds for a peer that does not read: " + unsent + " bytes");
      return sent;
   }

   private static void readEnquireLinkAnswers(PipeliningPeer peer, int count) throws Exception {
      for (int i = 1; i <= count; i++) {
         EnquireLinkResp resp = assertInstanceOf(EnquireLinkResp.class, read(peer), "answer " + i);
         assertEquals(i, resp.sequenceNumber(), "answers in order");
      }
   }

   @Test
   void enquireLinksPipelinedBeforeBindStopBeingReadAndAreAllAnsweredOnceThePeerReads() throws Exception {
      try (PipeliningPeer peer = PipeliningPeer.connect(broker.port(), 4096, 16384)) {
         int sent = floodEnquireLinks(peer);

         readEnquireLinkAnswers(peer, sent);
         peer.send(bytes(bind(sent + 1)), DEADLINE);
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, read(peer)).commandStatus());
         peer.send(submit(sent + 2), DEADLINE);
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, read(peer)).commandStatus());
      }
   }

   @Test
   void enquireLinksPipelinedByABoundSessionStopBeingReadAndAreAllAnsweredOnceThePeerReads() throws Exception {
      try (PipeliningPeer peer = PipeliningPeer.connect(broker.port(), 4096, 16384)) {
         peer.send(bytes(bind(0x7000_0000)), DEADLINE);
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, read(peer)).commandStatus());
         int sent = floodEnquireLinks(peer);

         readEnquireLinkAnswers(peer, sent);
         peer.send(submit(sent + 1), DEADLINE);
         SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, read(peer));
         assertEquals(SmppStatus.ESME_ROK, resp.commandStatus());
         assertEquals(sent + 1, resp.sequenceNumber());
      }
   }

   @Test
   void theAnswersToRequestsReadTogetherLeaveTogether() throws Exception {
      // One TCP segment per 16-byte answer overran a small receive buffer and could stall the connection for minutes.
      int requests = 100;
      try (PipeliningPeer peer = PipeliningPeer.connect(broker.port(), 4096, 16384)) {
         peer.send(bytes(bind(0x7000_0000)), DEADLINE);
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, read(peer)).commandStatus());
         AtomicInteger flushes = PipeliningPeer.countFlushes(broker.server(), peer.localAddress());
         byte[] pipelined = new byte[0];
         for (int i = 1; i <= requests; i++) {
            byte[] frame = bytes(new EnquireLink(i));
            byte[] joined = Arrays.copyOf(pipelined, pipelined.length + frame.length);
            System.arraycopy(frame, 0, joined, pipelined.length, frame.length);
            pipelined = joined;
         }
         peer.send(pipelined, DEADLINE);
         readEnquireLinkAnswers(peer, requests);
         assertTrue(flushes.get() <= requests / 10, requests + " answers took " + flushes.get() + " writes to the socket");
      }
   }

   @Test
   void aPeerThatClosesWhileTheBrokerIsNotReadingIsNoticed() throws Exception {
      SocketAddress self;
      try (PipeliningPeer peer = PipeliningPeer.connect(broker.port(), 4096, 16384)) {
         peer.send(bytes(bind(0x7000_0000)), DEADLINE);
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, read(peer)).commandStatus());
         self = peer.localAddress();
         floodEnquireLinks(peer);
      }
      Wait.until("the broker dropped the connection of a peer that went away", DEADLINE,
                 () -> !PipeliningPeer.serverHasConnection(broker.server(), self),
                 () -> PipeliningPeer.serverState(broker.server(), self));
   }

   @Test
   void pipelinedQueriesAndCancelsWaitAtTheCapAndAreAllAnsweredInOrder() throws Exception {
      int requests = 3000;
      CountDownLatch stall = new CountDownLatch(1);
      Recorder.calls.stall.set(stall);
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(bind(1));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         // Unknown ids, as an ESME asking about messages an SMSC outage left it unsure of.
         AtomicReference<Exception> writeFailure = new AtomicReference<>();
         Thread writer = new Thread(() -> {
            try {
               for (int i = 0; i < requests; i++) {
                  String id = String.format("%016x", 0xFFFF_0000_0000_0000L + i);
                  client.send(i % 2 == 0 ? new QuerySm(2 + i, id, ESME) : new CancelSm(2 + i, "", id, ESME, HANDSET));
               }
            } catch (Exception e) {
               writeFailure.set(e);
            }
         }, "pipelining-esme");
         writer.start();
         try {
            // The first answer is held up inside the broker, so nothing is answered: the broker takes CAP requests
            // and stops reading; it would take all of them without the cap.
            SocketAddress self = client.localAddress();
            Wait.until("the broker took " + CAP + " requests and stopped reading", DEADLINE,
                       () -> Recorder.calls.taken.get() >= CAP && PipeliningPeer.serverStoppedReading(broker.server(), self),
                       () -> Recorder.calls.taken.get() + " requests taken; " + PipeliningPeer.serverState(broker.server(), self)
                             + "\n   the ESME's writer: " + PipeliningPeer.threadState(writer));
            assertEquals(CAP, Recorder.calls.taken.get(), "requests taken while none was answered");
         } finally {
            stall.countDown();
         }
         for (int i = 0; i < requests; i++) {
            SmppPdu answer = client.read();
            assertEquals(2 + i, answer.sequenceNumber(), "answers in order");
            if (i % 2 == 0) {
               assertEquals(SmppStatus.ESME_RQUERYFAIL, assertInstanceOf(QuerySmResp.class, answer).commandStatus());
            } else {
               assertEquals(SmppStatus.ESME_RCANCELFAIL, assertInstanceOf(CancelSmResp.class, answer).commandStatus());
            }
         }
         writer.join(TimeUnit.SECONDS.toMillis(30));
         assertEquals(null, writeFailure.get());
         assertEquals(requests, Recorder.calls.taken.get());
         assertEquals(CAP, Recorder.calls.mostUnanswered.get(), "requests taken and not yet answered, at most");
         client.send(new EnquireLink(99_999));
         assertEquals(99_999, assertInstanceOf(EnquireLinkResp.class, client.read()).sequenceNumber());
      }
   }

   @Test
   void refusedSubmitsOfEveryKindAreCountedAsAnswered() throws Exception {
      // Each refusal must count its request down: twice the cap of any refusal that did not would stop the
      // connection reading, and the next request would never be answered.
      Tlvs payload = Tlvs.builder().add(TlvTag.MESSAGE_PAYLOAD, "in the payload".getBytes(StandardCharsets.US_ASCII)).build();
      byte[] text = "in short_message".getBytes(StandardCharsets.US_ASCII);
      Address tooLong = new Address((byte) 1, (byte) 1, "8".repeat(21));
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(bind(1));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         int sequence = 2;
         for (int i = 0; i < 2 * CAP; i++) {
            client.send(ShortMessagePdu.builder().sequenceNumber(sequence++).sourceAddr(ESME).destinationAddr(HANDSET)
                           .shortMessage(text).tlvs(payload).buildSubmitSm());
            assertEquals(SmppStatus.ESME_RINVPARLEN, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
            client.send(new SubmitMulti(sequence++, "", ESME, List.of(new DestinationAddress.Sme(HANDSET)), 0, 0, 0, "", "", 0,
                                        0, 0, 0, text, payload));
            assertEquals(SmppStatus.ESME_RINVPARLEN, assertInstanceOf(SubmitMultiResp.class, client.read()).commandStatus());
            client.send(ShortMessagePdu.builder().sequenceNumber(sequence++).sourceAddr(ESME)
                           .destinationAddr(new Address((byte) 1, (byte) 1, "")).shortMessage(text).buildSubmitSm());
            assertEquals(SmppStatus.ESME_RINVDSTADR, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
            client.send(ShortMessagePdu.builder().sequenceNumber(sequence++).sourceAddr(ESME).destinationAddr(HANDSET)
                           .scheduleDeliveryTime("not a time").shortMessage(text).buildSubmitSm());
            assertEquals(SmppStatus.ESME_RINVSCHED, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
            // The codec will not write a 21-character address, so this one is written by hand from a valid one.
            byte[] valid = submit(sequence++);
            client.sendBytes(withDestination(valid, tooLong.address()));
            assertEquals(SmppStatus.ESME_RINVDSTADR, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
         }
         client.sendBytes(submit(sequence));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus(),
                      "a valid submit after " + (sequence - 2) + " refused ones");
      }
   }

   /** {@code submit} (from {@link #submit}) with its destination address replaced by {@code destination}. */
   private static byte[] withDestination(byte[] submit, String destination) {
      String handset = HANDSET.address();
      int at = indexOf(submit, (handset + "\0").getBytes(StandardCharsets.US_ASCII));
      byte[] replacement = destination.getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[submit.length - handset.length() + replacement.length];
      System.arraycopy(submit, 0, out, 0, at);
      System.arraycopy(replacement, 0, out, at, replacement.length);
      System.arraycopy(submit, at + handset.length(), out, at + replacement.length, submit.length - at - handset.length());
      java.nio.ByteBuffer.wrap(out).putInt(0, out.length);
      return out;
   }

   private static int indexOf(byte[] haystack, byte[] needle) {
      outer:
      for (int i = 0; i <= haystack.length - needle.length; i++) {
         for (int j = 0; j < needle.length; j++) {
            if (haystack[i + j] != needle[j]) {
               continue outer;
            }
         }
         return i;
      }
      throw new IllegalArgumentException("not found");
   }

   @Test
   void aPeerThatClosesWhileItsRequestsWaitForAnswersIsNoticed() throws Exception {
      CountDownLatch stall = new CountDownLatch(1);
      Recorder.calls.stall.set(stall);
      try {
         SocketAddress self;
         try (RawSmppClient client = new RawSmppClient(broker.port())) {
            client.send(bind(1));
            assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
            self = client.localAddress();
            for (int i = 0; i < 2 * CAP; i++) {
               client.send(new QuerySm(2 + i, "ffffffffffffffff", ESME));
            }
            Wait.until("the broker took " + CAP + " requests and stopped reading", DEADLINE,
                       () -> Recorder.calls.taken.get() >= CAP && PipeliningPeer.serverStoppedReading(broker.server(), self),
                       () -> Recorder.calls.taken.get() + " requests taken; " + PipeliningPeer.serverState(broker.server(), self));
         }
         // Closed with nothing unread, while the broker is not reading and no answer can come yet.
         Wait.until("the broker dropped the connection of a peer that went away", DEADLINE,
                    () -> !PipeliningPeer.serverHasConnection(broker.server(), self),
                    () -> PipeliningPeer.serverState(broker.server(), self));
      } finally {
         stall.countDown();
      }
   }

   @Test
   void answersAnInterceptorDropsStillLetTheConnectionRead() throws Exception {
      Recorder.calls.veto = true;
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(bind(1));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         for (int i = 0; i < 3 * CAP; i++) {
            client.send(new QuerySm(2 + i, "ffffffffffffffff", ESME));
         }
         client.send(new EnquireLink(77));
         EnquireLinkResp resp = assertInstanceOf(EnquireLinkResp.class, client.read(), "read past " + 3 * CAP + " dropped answers");
         assertEquals(77, resp.sequenceNumber());
      }
   }

   /**
    * Configured as incoming and outgoing interceptor: counts query_sm and cancel_sm taken and answered, can hold the
    * first answer up (on the broker thread that writes it) and can drop answers, as an admin's interceptor may.
    */
   public static final class Recorder implements SmppInterceptor {

      static final AnswerRecorder calls = new AnswerRecorder();

      @Override
      public boolean intercept(SmppPdu pdu, RemotingConnection connection) {
         if (pdu instanceof QuerySm || pdu instanceof CancelSm) {
            calls.requestTaken();
         } else if (pdu instanceof QuerySmResp || pdu instanceof CancelSmResp) {
            return calls.answerLeaving();
         }
         return true;
      }
   }
}
