package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.PduFuzz;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.AlertNotification;
import io.smsgw.smpp.codec.DataSm;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.MalformedPdu;
import io.smsgw.smpp.codec.Outbind;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppCommandId;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.Tlv;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of an SMSC link from the SMSC side: {@link RawSmsc} binds and answers submits as a correct
 * SMSC, and between them sends mutated deliver_sm (MO and receipts with TLVs), data_sm, enquire_link, outbind,
 * alert_notification and submit_sm_resp (the last to a submit_sm really outstanding). After each one the SMSC sends an
 * enquire_link; the link must answer it and every request the frame decoder cut from the bytes (alert_notification has
 * no response), or close the connection and bind again, within the deadline; every PDU it writes decodes. MT are not
 * lost: the MT a submit_sm_resp case answers, and an MT queued before every tenth case, are acknowledged on the link's
 * queue (sent again after a rebind where the mutated answer settled nothing). Afterwards a fresh MT goes out and is
 * acknowledged, a valid MO is answered ESME_ROK, and nothing was logged at ERROR or with an exception.
 */
class SmscLinkFuzzTest {

   /** Fixed, so CI runs the same cases each time; -Dsmsgw.fuzz.seed / -Dsmsgw.fuzz.cases explore others. */
   private static final long RUN_SEED = Long.getLong("smsgw.fuzz.seed", 0x11_2026L);
   private static final int CASES = Integer.getInteger("smsgw.fuzz.cases", 200);
   private static final Duration DEADLINE = Duration.ofSeconds(5);
   /** The link's frame decoder takes PDUs up to this (SmscLink). */
   private static final int LINK_MAX_PDU = 70_000;
   private static final int PROBE_SEQUENCE = 0x7FFFFF01;
   private static final int SEQ = 0x7000;
   private static final String LINK_QUEUE = SmsAddresses.smscLinkQueue("sim");

   private static final PduFuzz FUZZ = new PduFuzz(new PduFuzz.Framing(16, 12, LINK_MAX_PDU),
      SmppCommandId.GENERIC_NACK, SmppCommandId.BIND_TRANSCEIVER_RESP, SmppCommandId.SUBMIT_SM_RESP, SmppCommandId.DELIVER_SM,
      SmppCommandId.UNBIND, SmppCommandId.UNBIND_RESP, SmppCommandId.OUTBIND, SmppCommandId.ENQUIRE_LINK,
      SmppCommandId.ENQUIRE_LINK_RESP, SmppCommandId.ALERT_NOTIFICATION, SmppCommandId.DATA_SM, SmppCommandId.DATA_SM_RESP,
      SmppCommandId.QUERY_SM_RESP, SmppCommandId.SUBMIT_SM);

   private static final String[] SEEDS = {"deliver_sm MO", "deliver_sm receipt", "data_sm", "submit_sm_resp", "enquire_link",
      "outbind", "alert_notification", "submit_sm_resp"};

   @TempDir
   Path dir;

   private int mtNumber;

   @BeforeEach
   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void mutatedPdusFromAnSmscAreAnsweredOrTheLinkRebindsAndNoMtIsLost() throws Exception {
      int port = JsmppSmsc.freePort();
      Map<String, Integer> outcomes = new TreeMap<>();
      try (RawSmsc smsc = new RawSmsc(port)) {
         Path file = dir.resolve("sms-gateway.conf");
         Files.writeString(file, """
            gateway { code = "001001" }
            accounts { smppclient1 { password = "password", protocols = [SMPP] } }
            links {
              sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                    enquire-link-interval = 2s, response-timeout = 500ms, reconnect-min = 20ms, reconnect-max = 100ms }
            }
            """.formatted(port));
         System.setProperty("smsgw.config", file.toString());
         try (TestBroker broker = TestBroker.smpp(dir.resolve("broker"), "").start(); LogCapture log = LogCapture.start()) {
            for (int i = 0; i < CASES; i++) {
               long caseSeed = PduFuzz.caseSeed(RUN_SEED, i);
               String name = SEEDS[i % SEEDS.length];
               int connection = awaitBound(broker, smsc, "before case " + i);
               smsc.frames.clear();
               String queued = null;
               byte[] valid;
               if (name.equals("submit_sm_resp")) {
                  // an answer to a submit_sm the link really waits for
                  smsc.holdSubmits = true;
                  queued = sendMt(broker);
                  RawSmsc.Submit submit = smsc.submits.poll(10, TimeUnit.SECONDS);
                  assertNotNull(submit, "the MT of case " + i + " reached the SMSC");
                  smsc.holdSubmits = false;
                  smsc.frames.clear();
                  valid = encode(new SubmitSmResp(submit.sequence(), SmppStatus.ESME_ROK, "fz" + i, Tlvs.EMPTY));
               } else {
                  if (i % 10 == 0) {
                     queued = sendMt(broker); // answered as usual, before or after the mutated PDU
                  }
                  valid = seed(name);
               }
               PduFuzz.Mutant mutant = FUZZ.mutate(new PduFuzz.Seed(name, valid, tlvOffset(name)), caseSeed);
               String what = "run seed " + RUN_SEED + ", case " + i + ", " + mutant.describe();
               boolean closed = exchange(smsc, connection, mutant, what);
               outcomes.merge(closed ? "rebound" : "answered", 1, Integer::sum);
               if (closed) {
                  awaitBound(broker, smsc, "the rebind after " + what);
               }
               if (queued != null) {
                  String mt = queued;
                  Wait.until("the MT " + mt + " acknowledged on " + LINK_QUEUE + " after " + what, Duration.ofSeconds(15),
                             () -> broker.messageCount(LINK_QUEUE) == 0, () -> "state " + control(broker).getState()
                                + ", last error " + control(broker).getLastError());
                  smsc.submits.clear();
               }
            }
            System.out.println("SMSC link fuzz, run seed " + RUN_SEED + ": " + CASES + " cases, " + outcomes);

            // Still a working link: an MT goes out and is acknowledged, an MO is answered ESME_ROK.
            awaitBound(broker, smsc, "after the fuzz");
            smsc.submits.clear();
            sendMt(broker);
            assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "an MT after the fuzz reaches the SMSC");
            Wait.until("the MT after the fuzz acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
            smsc.deliveryAnswers.clear();
            smsc.sendRaw(RawSmsc.mo(0x6000, "8613800138000", "10086", "still there"));
            assertEquals(SmppStatus.ESME_ROK, smsc.deliveryAnswers.poll(10, TimeUnit.SECONDS), "an MO after the fuzz is taken");
            PduFuzz.assertCleanLog(log);
         }
      }
   }

   /**
    * Sends the case, the filler its framing asks for and the probe on the link's connection; true if the connection
    * ended, false once the probe and every request were answered. Fails on the deadline or on a PDU that does not
    * decode.
    */
   private static boolean exchange(RawSmsc smsc, int connection, PduFuzz.Mutant mutant, String what) throws Exception {
      PduFuzz.Plan plan = FUZZ.plan(mutant.bytes());
      List<Integer> expected = new ArrayList<>();
      for (byte[] frame : plan.frames()) {
         int id = PduFuzz.commandId(frame);
         if (!SmppCommandId.isResponse(id) && id != SmppCommandId.ALERT_NOTIFICATION) {
            expected.add(FUZZ.sequence(frame));
         }
      }
      boolean probeAnswered = plan.closes();
      List<byte[]> received = new ArrayList<>();
      try {
         smsc.sendRaw(mutant.bytes());
         smsc.sendRaw(new byte[plan.filler()]);
         if (!plan.closes()) {
            smsc.sendRaw(encode(new EnquireLink(PROBE_SEQUENCE)));
         }
      } catch (IOException e) {
         return true;
      }
      long end = System.nanoTime() + DEADLINE.toNanos();
      while (!(probeAnswered && expected.isEmpty()) || plan.closes()) {
         if (smsc.ended.contains(connection)) {
            return true;
         }
         long left = end - System.nanoTime();
         if (left <= 0) {
            fail("neither answered nor closed within " + DEADLINE + ": " + what + "; unanswered " + expected + ", probe answered "
                 + probeAnswered + ", plan closes " + plan.closes() + ", received " + received.stream().map(PduFuzz::hex).toList());
         }
         RawSmsc.Frame frame = smsc.frames.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
         if (frame == null || frame.connection() != connection) {
            continue;
         }
         byte[] bytes = frame.bytes();
         received.add(bytes);
         SmppPdu pdu = decode(bytes);
         assertFalse(pdu instanceof MalformedPdu, () -> "the link wrote a PDU that does not decode (" + pdu + "): " + what);
         int id = PduFuzz.commandId(bytes);
         if (SmppCommandId.isResponse(id)) {
            int sequence = FUZZ.sequence(bytes);
            if (sequence == PROBE_SEQUENCE && id == SmppCommandId.ENQUIRE_LINK_RESP) {
               probeAnswered = true;
            } else {
               expected.remove(Integer.valueOf(sequence));
            }
         }
      }
      return false;
   }

   private static int awaitBound(TestBroker broker, RawSmsc smsc, String when) {
      Wait.until("the link bound " + when, Duration.ofSeconds(15),
                 () -> control(broker) != null && "BOUND".equals(control(broker).getState()) && !smsc.ended.contains(smsc.latestConnection()),
                 () -> control(broker) == null ? "no link" : "state " + control(broker).getState() + ", last error " + control(broker).getLastError());
      return smsc.latestConnection();
   }

   private static SmscLinkControlMBean control(TestBroker broker) {
      return (SmscLinkControlMBean) broker.server().getManagementService().getUntypedControl("smsc-link.sim");
   }

   private String sendMt(TestBroker broker) throws JMSException {
      String smsId = String.format("%016x", 0xF0220000L + ++mtNumber);
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(LINK_QUEUE))) {
         Message mt = session.createTextMessage("fuzz MT " + mtNumber);
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "smppclient1");
         mt.setStringProperty("smsProtocol", "SMPP");
         mt.setStringProperty("smsSource", "8610086");
         mt.setStringProperty("smsDestination", "8613800138000");
         mt.setIntProperty("smsRegisteredDelivery", 1);
         producer.send(mt);
      }
      return smsId;
   }

   private static final Address HANDSET = Address.of(1, 1, "8613800138000");
   private static final Address SERVICE = Address.of(0, 0, "10086");

   private static byte[] seed(String name) {
      return encode(switch (name) {
         case "deliver_sm MO" -> new DeliverSm(SEQ, "", HANDSET, SERVICE, 0, 0, 0, "", "", 0, 0, 0, 0,
                                               "an MO".getBytes(StandardCharsets.US_ASCII), Tlvs.EMPTY);
         case "deliver_sm receipt" -> receipt(true);
         case "data_sm" -> dataSm(true);
         case "enquire_link" -> new EnquireLink(SEQ);
         case "outbind" -> new Outbind(SEQ, "gw", "pw");
         case "alert_notification" -> new AlertNotification(SEQ, HANDSET, SERVICE, Tlvs.of(Tlv.ofU8(TlvTag.MS_AVAILABILITY_STATUS, 0)));
         default -> throw new IllegalArgumentException(name);
      });
   }

   private static int tlvOffset(String name) {
      return switch (name) {
         case "deliver_sm receipt" -> encode(receipt(false)).length;
         case "data_sm" -> encode(dataSm(false)).length;
         case "alert_notification" -> encode(new AlertNotification(SEQ, HANDSET, SERVICE, Tlvs.EMPTY)).length;
         default -> -1;
      };
   }

   private static DeliverSm receipt(boolean tlvs) {
      String text = "id:raw9 sub:001 dlvrd:001 submit date:2611272330 done date:2611272331 stat:DELIVRD err:000 text:";
      return new DeliverSm(SEQ, "", HANDSET, SERVICE, 0x04, 0, 0, "", "", 0, 0, 0, 0, text.getBytes(StandardCharsets.US_ASCII),
                           tlvs ? Tlvs.of(Tlv.ofCString(TlvTag.RECEIPTED_MESSAGE_ID, "raw9"), Tlv.ofU8(TlvTag.MESSAGE_STATE, 2))
                                : Tlvs.EMPTY);
   }

   private static DataSm dataSm(boolean tlvs) {
      return new DataSm(SEQ, "", HANDSET, SERVICE, 0, 0, 0,
                        tlvs ? Tlvs.of(new Tlv(TlvTag.MESSAGE_PAYLOAD, "an MO in data_sm".getBytes(StandardCharsets.US_ASCII)))
                             : Tlvs.EMPTY);
   }

   private static byte[] encode(SmppPdu pdu) {
      ByteBuf buf = Unpooled.buffer();
      try {
         SmppCodec.encode(pdu, buf);
         return ByteBufUtil.getBytes(buf);
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
}
