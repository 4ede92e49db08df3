package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.PduFuzz;
import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.CancelSm;
import io.smsgw.smpp.codec.DataSm;
import io.smsgw.smpp.codec.DeliverSmResp;
import io.smsgw.smpp.codec.DestinationAddress;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.GenericNack;
import io.smsgw.smpp.codec.MalformedPdu;
import io.smsgw.smpp.codec.QuerySm;
import io.smsgw.smpp.codec.ReplaceSm;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppCommandId;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitMulti;
import io.smsgw.smpp.codec.SubmitSm;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.Tlv;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import io.smsgw.smpp.codec.Unbind;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of the SMPP acceptor from the ESME side: every PDU an ESME sends (the three binds in 3.4 and
 * a 3.3 bind, submit_sm with TLVs, submit_multi, data_sm, query_sm, cancel_sm, replace_sm, enquire_link, unbind,
 * generic_nack, deliver_sm_resp) is broken in one to three ways ({@link PduFuzz}) and sent over a real connection
 * to a real broker, one connection per case. Each case must end in an answer to every request the gateway's framing cut
 * from the bytes (generic_nack, the command's response with an error status, or ESME_ROK where the mutation still made a
 * valid PDU) and to the enquire_link sent after it, or in a closed connection, within the deadline; every PDU the
 * gateway writes decodes. Afterwards a fresh ESME binds and submits, and the submit is stored; nothing was logged at
 * ERROR, and no exception but a socket's reached the log. A failure names the case seed and the bytes sent.
 */
class SmppAcceptorFuzzTest {

   /** Fixed, so CI runs the same cases each time; -Dsmsgw.fuzz.seed / -Dsmsgw.fuzz.cases explore others. */
   private static final long RUN_SEED = Long.getLong("smsgw.fuzz.seed", 0x5A9E_2026L);
   private static final int CASES = Integer.getInteger("smsgw.fuzz.cases", 400);
   private static final Duration DEADLINE = Duration.ofSeconds(5);
   private static final int MAX_PDU = 2048;
   /** The enquire_link after each case: a sequence no seed uses. */
   private static final int PROBE_SEQUENCE = 0x7FFFFF01;
   private static final int SEQ = 77;

   private static final Address SOURCE = Address.of(1, 1, "8610086");
   private static final Address DESTINATION = Address.of(1, 1, "8613800138000");

   private static final PduFuzz FUZZ = new PduFuzz(new PduFuzz.Framing(16, 12, MAX_PDU),
      SmppCommandId.GENERIC_NACK, SmppCommandId.BIND_RECEIVER, SmppCommandId.BIND_TRANSMITTER, SmppCommandId.QUERY_SM,
      SmppCommandId.SUBMIT_SM, SmppCommandId.DELIVER_SM, SmppCommandId.UNBIND, SmppCommandId.REPLACE_SM,
      SmppCommandId.CANCEL_SM, SmppCommandId.BIND_TRANSCEIVER, SmppCommandId.OUTBIND, SmppCommandId.ENQUIRE_LINK,
      SmppCommandId.SUBMIT_MULTI, SmppCommandId.PARAM_RETRIEVE, SmppCommandId.QUERY_LAST_MSGS,
      SmppCommandId.QUERY_MSG_DETAILS, SmppCommandId.ALERT_NOTIFICATION, SmppCommandId.DATA_SM);

   /** What a case's connection starts as: unbound (the seed is a bind) or bound in one of these ways. */
   private enum Start { UNBOUND, TRX34, TX33 }

   @TempDir
   Path dir;

   @Test
   void mutatedPdusFromAnEsmeAreAnsweredOrCloseTheConnectionAndTheGatewayStaysHealthy() throws Exception {
      Map<String, Integer> outcomes = new TreeMap<>();
      try (TestBroker broker = TestBroker.smpp(dir, ";smppMaxPduSize=" + MAX_PDU + ";smppAuthFailureLimit=1000000").start();
           LogCapture log = LogCapture.start()) {
         String heldId = submitValid(broker, "held for query, cancel and replace");
         List<PduFuzz.Seed> seeds = seeds(heldId);
         for (int i = 0; i < CASES; i++) {
            long caseSeed = PduFuzz.caseSeed(RUN_SEED, i);
            PduFuzz.Seed seed = seeds.get(i % seeds.size());
            PduFuzz.Mutant mutant = FUZZ.mutate(seed, caseSeed);
            Start start = seed.name().startsWith("bind") ? Start.UNBOUND : i % 5 == 4 ? Start.TX33 : Start.TRX34;
            String what = "run seed " + RUN_SEED + ", case " + i + ", " + start + ", " + mutant.describe();
            try (RawFrameSocket socket = RawFrameSocket.connect(broker.port())) {
               if (start != Start.UNBOUND) {
                  bind(socket, start);
               }
               PduFuzz.Outcome outcome = FUZZ.exchange(socket, mutant.bytes(), start == Start.UNBOUND, encode(new EnquireLink(PROBE_SEQUENCE)), DEADLINE,
                                                       id -> id == SmppCommandId.ALERT_NOTIFICATION || id == SmppCommandId.OUTBIND);
               check(what, outcome);
               outcomes.merge(outcome.closed() ? "closed" : "answered", 1, Integer::sum);
            }
         }
         System.out.println("SMPP acceptor fuzz, run seed " + RUN_SEED + ": " + CASES + " cases, " + outcomes);

         String id = submitValid(broker, "after the fuzz");
         assertStored(broker, id);
         PduFuzz.assertCleanLog(log);
      }
   }

   /** Every PDU written decodes and is a response or a request the gateway may start; a close has its reason. */
   private static void check(String what, PduFuzz.Outcome outcome) {
      if (outcome.timedOut()) {
         fail("neither answered nor closed within " + DEADLINE + ": " + what + "; " + outcome.describe());
      }
      if (outcome.plan().closes()) {
         assertTrue(outcome.closed(), () -> "a length out of range must close the connection: " + what + "; " + outcome.describe());
      }
      for (byte[] frame : outcome.received()) {
         SmppPdu pdu = decode(frame);
         assertFalse(pdu instanceof MalformedPdu, () -> "the gateway wrote a PDU that does not decode (" + pdu + "): " + what
                                                         + "; " + outcome.describe());
         int id = PduFuzz.commandId(frame);
         assertTrue(SmppCommandId.isResponse(id) || id == SmppCommandId.ENQUIRE_LINK || id == SmppCommandId.DELIVER_SM,
                    () -> "the gateway sent " + SmppCommandId.name(id) + ": " + what + "; " + outcome.describe());
      }
      if (outcome.closed() && !outcome.plan().closes()) {
         assertTrue(closeExplained(outcome), () -> "closed without a refused bind, an unbind(_resp) or an oversized PDU before the bind: "
                                                  + what + "; " + outcome.describe());
      }
   }

   /**
    * The closes the gateway may choose besides a length out of range: a refused bind (answered first), an unbind
    * (answered first) or unbind_resp, a PDU over the limit before a bind was accepted (512 bytes).
    */
   private static boolean closeExplained(PduFuzz.Outcome outcome) {
      for (byte[] frame : outcome.received()) {
         int id = PduFuzz.commandId(frame);
         if (id == SmppCommandId.UNBIND_RESP) {
            return true;
         }
         if (decode(frame) instanceof BindResponse bind && bind.commandStatus() != SmppStatus.ESME_ROK) {
            return true;
         }
      }
      boolean bound = outcome.received().stream().anyMatch(f -> decode(f) instanceof BindResponse b && b.commandStatus() == 0);
      for (byte[] frame : outcome.plan().frames()) {
         int id = PduFuzz.commandId(frame);
         if (id == SmppCommandId.UNBIND || id == SmppCommandId.UNBIND_RESP) {
            return true; // unbind_resp: the ESME ended the session itself
         }
         if (frame.length > 512 && !bound) {
            return true;
         }
      }
      return false;
   }

   private static SmppPdu decode(byte[] frame) {
      ByteBuf buf = Unpooled.wrappedBuffer(frame);
      try {
         return SmppCodec.decode(buf);
      } finally {
         buf.release();
      }
   }

   static byte[] encode(SmppPdu pdu) {
      ByteBuf buf = Unpooled.buffer();
      try {
         SmppCodec.encode(pdu, buf);
         return ByteBufUtil.getBytes(buf);
      } finally {
         buf.release();
      }
   }

   private static void bind(RawFrameSocket socket, Start start) throws Exception {
      BindRequest bind = start == Start.TX33
         ? new BindRequest(1, BindType.TRANSMITTER, "fuzz", "fuzzpw", "", 0x33, 0, 0, "")
         : new BindRequest(1, BindType.TRANSCEIVER, "fuzz", "fuzzpw", "", 0x34, 0, 0, "");
      socket.sendBytes(encode(bind));
      SmppPdu answer = socket.read(10_000, SmppCodec::decode);
      assertNotNull(answer, "bind answered");
      assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, answer).commandStatus(), "the fuzz account binds");
   }

   /** The valid PDUs the cases start from; TLVs where an ESME may send them, with where they start. */
   private static List<PduFuzz.Seed> seeds(String heldId) {
      List<PduFuzz.Seed> seeds = new ArrayList<>();
      seeds.add(new PduFuzz.Seed("bind_transmitter", encode(new BindRequest(SEQ, BindType.TRANSMITTER, "fuzz", "fuzzpw", "SYS", 0x34, 1, 1, ""))));
      seeds.add(new PduFuzz.Seed("bind_receiver", encode(new BindRequest(SEQ, BindType.RECEIVER, "fuzz", "fuzzpw", "", 0x34, 0, 0, "^86"))));
      seeds.add(new PduFuzz.Seed("bind_transceiver", encode(new BindRequest(SEQ, BindType.TRANSCEIVER, "fuzz", "fuzzpw", "", 0x34, 0, 0, ""))));
      seeds.add(new PduFuzz.Seed("bind_transmitter 3.3", encode(new BindRequest(SEQ, BindType.TRANSMITTER, "fuzz", "fuzzpw", "", 0x33, 0, 0, ""))));

      Tlvs submitTlvs = Tlvs.of(Tlv.ofU16(TlvTag.USER_MESSAGE_REFERENCE, 4711), Tlv.ofU16(TlvTag.SAR_MSG_REF_NUM, 9),
                                Tlv.ofU8(TlvTag.SAR_TOTAL_SEGMENTS, 2), Tlv.ofU8(TlvTag.SAR_SEGMENT_SEQNUM, 1));
      ShortMessagePdu.Builder submit = ShortMessagePdu.builder().sequenceNumber(SEQ).sourceAddr(SOURCE).destinationAddr(DESTINATION)
         .registeredDelivery(1).shortMessage("fuzz me".getBytes(StandardCharsets.US_ASCII));
      seeds.add(withTlvs("submit_sm with TLVs", submit.tlvs(submitTlvs).buildSubmitSm(), submit.tlvs(Tlvs.EMPTY).buildSubmitSm()));
      seeds.add(new PduFuzz.Seed("submit_sm", encode(ShortMessagePdu.builder().sequenceNumber(SEQ).serviceType("CMT").sourceAddr(SOURCE)
         .destinationAddr(DESTINATION).esmClass(0x40).dataCoding(8).validityPeriod("000001000000000R")
         .shortMessage(new byte[] {0x05, 0x00, 0x03, 0x2A, 0x02, 0x01, 0x00, 0x41, 0x00, 0x42}).buildSubmitSm())));

      List<DestinationAddress> destinations = List.of(new DestinationAddress.Sme(DESTINATION),
                                                      new DestinationAddress.Sme(Address.of(1, 1, "8613900139000")),
                                                      new DestinationAddress.DistributionList("friends"));
      byte[] multiText = "to many".getBytes(StandardCharsets.US_ASCII);
      Tlvs multiTlvs = Tlvs.of(Tlv.ofU16(TlvTag.USER_MESSAGE_REFERENCE, 12));
      seeds.add(withTlvs("submit_multi",
         new SubmitMulti(SEQ, "", SOURCE, destinations, 0, 0, 0, "", "", 1, 0, 0, 0, multiText, multiTlvs),
         new SubmitMulti(SEQ, "", SOURCE, destinations, 0, 0, 0, "", "", 1, 0, 0, 0, multiText, Tlvs.EMPTY)));

      Tlvs payload = Tlvs.of(new Tlv(TlvTag.MESSAGE_PAYLOAD, "a payload in a TLV".getBytes(StandardCharsets.US_ASCII)),
                             Tlv.ofU16(TlvTag.USER_MESSAGE_REFERENCE, 5));
      seeds.add(withTlvs("data_sm", new DataSm(SEQ, "", SOURCE, DESTINATION, 0, 1, 0, payload),
                         new DataSm(SEQ, "", SOURCE, DESTINATION, 0, 1, 0, Tlvs.EMPTY)));

      seeds.add(new PduFuzz.Seed("query_sm", encode(new QuerySm(SEQ, heldId, SOURCE))));
      seeds.add(new PduFuzz.Seed("cancel_sm", encode(new CancelSm(SEQ, "", heldId, SOURCE, DESTINATION))));
      seeds.add(new PduFuzz.Seed("replace_sm", encode(new ReplaceSm(SEQ, heldId, SOURCE, "", "", 1, 0,
                                                                     "replaced".getBytes(StandardCharsets.US_ASCII)))));
      seeds.add(new PduFuzz.Seed("enquire_link", encode(new EnquireLink(SEQ))));
      seeds.add(new PduFuzz.Seed("unbind", encode(new Unbind(SEQ))));
      seeds.add(new PduFuzz.Seed("generic_nack", encode(new GenericNack(SEQ, SmppStatus.ESME_RINVCMDID))));
      seeds.add(new PduFuzz.Seed("deliver_sm_resp", encode(new DeliverSmResp(SEQ, SmppStatus.ESME_ROK, "", Tlvs.EMPTY))));
      return seeds;
   }

   private static PduFuzz.Seed withTlvs(String name, SmppPdu with, SmppPdu without) {
      return new PduFuzz.Seed(name, encode(with), encode(without).length);
   }

   /** Binds a fresh ESME, submits one valid message and returns its id: the gateway still takes submits. */
   private static String submitValid(TestBroker broker, String text) throws Exception {
      try (RawFrameSocket socket = RawFrameSocket.connect(broker.port())) {
         bind(socket, Start.TRX34);
         socket.sendBytes(encode(ShortMessagePdu.builder().sequenceNumber(2).sourceAddr(SOURCE).destinationAddr(DESTINATION)
                                    .registeredDelivery(1).shortMessage(text.getBytes(StandardCharsets.US_ASCII)).buildSubmitSm()));
         SmppPdu answer = socket.read(10_000, SmppCodec::decode);
         SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, answer, "submit_sm answered");
         assertEquals(SmppStatus.ESME_ROK, resp.commandStatus(), "a valid submit is taken");
         return resp.messageId();
      }
   }

   private static void assertStored(TestBroker broker, String smsId) throws Exception {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.MT), "smsId = '" + smsId + "'");
         Message stored = consumer.receive(10_000);
         assertNotNull(stored, "the submit answered ESME_ROK after the fuzz is on " + SmsAddresses.MT);
      }
   }
}
