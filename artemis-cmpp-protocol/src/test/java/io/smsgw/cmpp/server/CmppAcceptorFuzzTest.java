package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.PduFuzz;
import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.Cancel;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppCommandId;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.MalformedCmppPdu;
import io.smsgw.cmpp.codec.Query;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of the CMPP acceptor from the SP side, in CMPP 2.0 and 3.0: CONNECT, SUBMIT (a group send
 * with the version's layout), QUERY, CANCEL, ACTIVE_TEST and its response, TERMINATE and DELIVER_RESP are broken in one
 * to three ways ({@link PduFuzz}) and sent over a real connection to a real broker, one connection per case. Each case
 * must end in an answer to every request the gateway's framing cut from the bytes (the command's response, Result 1 or 4
 * for a body it cannot read, 0 where the mutation still made a valid PDU) and to the ACTIVE_TEST sent after it, or in a
 * closed connection (with TERMINATE first where the gateway ends the session), within the deadline; every PDU the gateway
 * writes decodes. Afterwards a fresh SP connects and submits, and the submit is stored; nothing was logged at ERROR, and
 * no exception but a socket's reached the log. A failure names the case seed and the bytes sent (a CONNECT's Timestamp
 * and authenticator follow the clock, so its bytes differ between runs).
 */
class CmppAcceptorFuzzTest {

   /** Fixed, so CI runs the same cases each time; -Dsmsgw.fuzz.seed / -Dsmsgw.fuzz.cases explore others. */
   private static final long RUN_SEED = Long.getLong("smsgw.fuzz.seed", 0xC3_2026L);
   private static final int CASES = Integer.getInteger("smsgw.fuzz.cases", 400);
   private static final Duration DEADLINE = Duration.ofSeconds(5);
   private static final int MAX_PDU = 1024;
   private static final int PROBE_SEQUENCE = 0x7FFFFF01;
   private static final int SEQ = 77;
   private static final String SP = "901298";
   private static final String SECRET = "fuzzsecret";

   private static final PduFuzz FUZZ = new PduFuzz(new PduFuzz.Framing(CmppCodec.HEADER_LENGTH, 8, MAX_PDU),
      CmppCommandId.CONNECT, CmppCommandId.TERMINATE, CmppCommandId.SUBMIT, CmppCommandId.DELIVER, CmppCommandId.QUERY,
      CmppCommandId.CANCEL, CmppCommandId.ACTIVE_TEST, CmppCommandId.FWD, CmppCommandId.MT_ROUTE, CmppCommandId.GET_MO_ROUTE);

   /** The seeds a case may start from; CONNECTs are made per case (their Timestamp follows the clock). */
   private static final String[] SEEDS = {"CONNECT", "SUBMIT", "QUERY", "CANCEL", "ACTIVE_TEST", "ACTIVE_TEST_RESP", "TERMINATE",
      "DELIVER_RESP", "SUBMIT"};

   @TempDir
   Path dir;

   @Test
   void mutatedPdusFromAnSpAreAnsweredOrCloseTheConnectionAndTheGatewayStaysHealthy() throws Exception {
      Map<String, Integer> outcomes = new TreeMap<>();
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppMaxPduSize=" + MAX_PDU + ";cmppAuthFailureLimit=1000000").start();
           LogCapture log = LogCapture.start()) {
         long heldId = submitValid(broker, CmppVersion.V30, "held for CANCEL");
         for (int i = 0; i < CASES; i++) {
            long caseSeed = PduFuzz.caseSeed(RUN_SEED, i);
            CmppVersion version = (i / SEEDS.length) % 2 == 0 ? CmppVersion.V30 : CmppVersion.V20;
            String name = SEEDS[i % SEEDS.length];
            PduFuzz.Seed seed = seed(name, version, heldId);
            PduFuzz.Mutant mutant = FUZZ.mutate(seed, caseSeed);
            boolean connectFirst = !name.equals("CONNECT");
            String what = "run seed " + RUN_SEED + ", case " + i + ", CMPP " + version + ", " + mutant.describe();
            try (RawFrameSocket socket = RawFrameSocket.connect(broker.port())) {
               if (connectFirst) {
                  connect(socket, version);
               }
               PduFuzz.Outcome outcome = FUZZ.exchange(socket, mutant.bytes(), !connectFirst, encode(new ActiveTest(PROBE_SEQUENCE), version),
                                                       DEADLINE, id -> false);
               check(what, outcome, version, connectFirst);
               outcomes.merge(outcome.closed() ? "closed" : "answered", 1, Integer::sum);
            }
         }
         System.out.println("CMPP acceptor fuzz, run seed " + RUN_SEED + ": " + CASES + " cases, " + outcomes);

         long id = submitValid(broker, CmppVersion.V20, "after the fuzz");
         assertStored(broker, id);
         PduFuzz.assertCleanLog(log);
      }
   }

   private static void check(String what, PduFuzz.Outcome outcome, CmppVersion version, boolean connected) {
      if (outcome.timedOut()) {
         fail("neither answered nor closed within " + DEADLINE + ": " + what + "; " + outcome.describe());
      }
      if (outcome.plan().closes()) {
         assertTrue(outcome.closed(), () -> "a length out of range must close the connection: " + what + "; " + outcome.describe());
      }
      for (byte[] frame : outcome.received()) {
         assertTrue(decodes(frame, version), () -> "the gateway wrote a PDU that does not decode: " + what + "; " + outcome.describe());
         int id = PduFuzz.commandId(frame);
         assertTrue(CmppCommandId.isResponse(id) || id == CmppCommandId.ACTIVE_TEST || id == CmppCommandId.DELIVER
                    || id == CmppCommandId.TERMINATE,
                    () -> "the gateway sent " + CmppCommandId.name(id) + ": " + what + "; " + outcome.describe());
      }
      if (outcome.closed() && !outcome.plan().closes()) {
         assertTrue(closeExplained(outcome, connected), () -> "closed without a TERMINATE, a refused CONNECT or a PDU that is no "
                                                             + "CONNECT before one: " + what + "; " + outcome.describe());
      }
   }

   /**
    * The closes the gateway may choose besides a length out of range: after its own TERMINATE (an unknown Command_Id, a
    * request it cannot answer), a refused CONNECT (answered first), the SP's TERMINATE or TERMINATE_RESP, and before a
    * CONNECT was accepted anything but a CONNECT or a PDU over 64 bytes.
    */
   private static boolean closeExplained(PduFuzz.Outcome outcome, boolean connected) {
      boolean accepted = connected;
      for (byte[] frame : outcome.received()) {
         int id = PduFuzz.commandId(frame);
         if (id == CmppCommandId.TERMINATE || id == CmppCommandId.TERMINATE_RESP) {
            return true;
         }
         if (id == CmppCommandId.CONNECT_RESP) {
            int status = connectStatus(frame);
            if (status != CmppResult.CONNECT_OK) {
               return true;
            }
            accepted = true;
         }
      }
      if (!accepted) {
         return true; // nothing but an accepted CONNECT opens the session: anything else before it closes
      }
      for (byte[] frame : outcome.plan().frames()) {
         int id = PduFuzz.commandId(frame);
         if (id == CmppCommandId.TERMINATE || id == CmppCommandId.TERMINATE_RESP) {
            return true;
         }
      }
      return false;
   }

   /** CONNECT_RESP's Status: one octet in 2.0, four in 3.0 (told apart by the length). */
   private static int connectStatus(byte[] frame) {
      return frame.length == 12 + 1 + 16 + 1 ? frame[12] & 0xFF
         : ((frame[12] & 0xFF) << 24) | ((frame[13] & 0xFF) << 16) | ((frame[14] & 0xFF) << 8) | (frame[15] & 0xFF);
   }

   /** Whether the frame decodes in the connection's version or, for a CONNECT_RESP to a mutated version byte, the other. */
   private static boolean decodes(byte[] frame, CmppVersion version) {
      for (CmppVersion v : new CmppVersion[] {version, version == CmppVersion.V30 ? CmppVersion.V20 : CmppVersion.V30}) {
         ByteBuf buf = Unpooled.wrappedBuffer(frame);
         try {
            if (!(CmppCodec.decode(buf, v) instanceof MalformedCmppPdu)) {
               return true;
            }
         } finally {
            buf.release();
         }
      }
      return false;
   }

   static byte[] encode(CmppPdu pdu, CmppVersion version) {
      return RawCmppClient.encode(pdu, version);
   }

   private static Connect connectPdu(int sequence, CmppVersion version) {
      long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), SP);
      return new Connect(sequence, SP, CmppAuthenticator.authenticatorSource(SP, SECRET, timestamp), version.code(), timestamp);
   }

   private static void connect(RawFrameSocket socket, CmppVersion version) throws Exception {
      socket.sendBytes(encode(connectPdu(1, version), version));
      CmppPdu answer = socket.read(10_000, frame -> CmppCodec.decode(frame, version));
      assertEquals(CmppResult.CONNECT_OK, assertInstanceOf(ConnectResp.class, answer, "CONNECT answered").status(),
                   "the fuzz SP connects");
   }

   private static Submit submit(int sequence, String text, String... recipients) {
      return new Submit(sequence, 0L, 1, 1, 1, 0, "FUZZ", 0, "", 0, 0, 0, 15, SP, "02", "000010", "", "",
                        "1065712345", List.of(recipients), 0, text.getBytes(java.nio.charset.Charset.forName("GBK")), "", "");
   }

   private static PduFuzz.Seed seed(String name, CmppVersion version, long heldId) {
      CmppPdu pdu = switch (name) {
         case "CONNECT" -> connectPdu(SEQ, version);
         case "SUBMIT" -> submit(SEQ, "模糊测试 fuzz", "13800138000", "+8613900139000");
         case "QUERY" -> new Query(SEQ, "20261128", 1, "FUZZ", "");
         case "CANCEL" -> new Cancel(SEQ, heldId);
         case "ACTIVE_TEST" -> new ActiveTest(SEQ);
         case "ACTIVE_TEST_RESP" -> new ActiveTestResp(SEQ, 0);
         case "TERMINATE" -> new Terminate(SEQ);
         case "DELIVER_RESP" -> new DeliverResp(SEQ, 0x1234_5678_9ABCL, 0);
         default -> throw new IllegalArgumentException(name);
      };
      return new PduFuzz.Seed(name + " " + version, encode(pdu, version));
   }

   /** Connects a fresh SP, submits one valid message and returns its Msg_Id: the gateway still takes submits. */
   private static long submitValid(TestBroker broker, CmppVersion version, String text) throws Exception {
      try (RawFrameSocket socket = RawFrameSocket.connect(broker.port())) {
         connect(socket, version);
         socket.sendBytes(encode(submit(2, text, "13800138000"), version));
         CmppPdu answer = socket.read(10_000, frame -> CmppCodec.decode(frame, version));
         SubmitResp resp = assertInstanceOf(SubmitResp.class, answer, "SUBMIT answered");
         assertEquals(CmppResult.OK, resp.result(), "a valid SUBMIT is taken");
         return resp.msgId();
      }
   }

   private static void assertStored(TestBroker broker, long msgId) throws Exception {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.MT),
                                                           "smsId = '" + CmppMsgId.toHex(msgId) + "'");
         assertNotNull(consumer.receive(10_000), "the SUBMIT answered 0 after the fuzz is on " + SmsAddresses.MT);
      }
   }
}
