package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.smpp.client.JsmppSmsc;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of a long message its submitter split itself all leave through one link of a weighted route, so they reach
 * the handset from one SMSC (with one originator and one reference) and it can join them; whole messages still share the
 * route's links. Real broker with both acceptors and routing, two jSMPP SMSCs on one route weighted 1:1, the ESME jSMPP,
 * the SP a byte-level CMPP client.
 */
class SplitMessagePartsLinkTest {

   private static final String ACCOUNT = "900001";
   private static final String SECRET = "secret1";
   private static final int PARTS = 3;

   @TempDir
   Path dir;
   private int portOne;
   private int portTwo;

   @BeforeEach
   void writeConfig() throws Exception {
      portOne = JsmppSmsc.freePort();
      portTwo = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           "900001" { password = "secret1" }
         }
         links {
           one { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
           two { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes { mt = [ { prefix = "86138", links = [ { link = one, weight = 1 }, { link = two, weight = 1 } ] } ] }
         """.formatted(portOne, portTwo));
      System.setProperty("smsgw.config", file.toString());
   }

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void theUdhPartsOfEachMessageAnEsmeSplitLeaveThroughOneLink() throws Exception {
      int messages = 30;
      try (JsmppSmsc one = new JsmppSmsc(portOne);
           JsmppSmsc two = new JsmppSmsc(portTwo);
           TestBroker broker = startBroker()) {
         awaitLinksUp(broker);
         SMPPSession esme = new SMPPSession();
         esme.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
         esme.connectAndBind("127.0.0.1", smppPort(broker), new BindParameter(BindType.BIND_TX, ACCOUNT, SECRET, "",
            TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
         try {
            for (int reference = 1; reference <= messages; reference++) {
               for (int number = 1; number <= PARTS; number++) {
                  byte[] udh = {0x05, 0x00, 0x03, (byte) reference, PARTS, (byte) number};
                  byte[] text = ("Part " + number + " of message " + reference).getBytes(StandardCharsets.US_ASCII);
                  byte[] userData = new byte[udh.length + text.length];
                  System.arraycopy(udh, 0, userData, 0, udh.length);
                  System.arraycopy(text, 0, userData, udh.length, text.length);
                  esme.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
                     TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138000", new ESMClass(0x40), (byte) 0,
                     (byte) 1, null, null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
                     new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, userData);
               }
            }
         } finally {
            esme.unbindAndClose();
         }
         awaitSubmits(one, two, messages * PARTS);

         // reference -> the SMSCs its parts reached, and the part numbers each SMSC got
         Map<Integer, Set<String>> smscsByReference = new TreeMap<>();
         Map<Integer, Set<Integer>> numbersByReference = new TreeMap<>();
         int[] perSmsc = new int[2];
         for (JsmppSmsc.Received part : drain(one, two)) {
            String smsc = part.messageId().startsWith("one:") ? "one" : "two";
            byte[] sm = part.shortMessage();
            assertEquals(0x40, part.esmClass() & 0x40, "the part keeps its UDH");
            assertEquals(0x05, sm[0], "the ESME's concatenation UDH as sent");
            int reference = sm[3] & 0xFF;
            smscsByReference.computeIfAbsent(reference, r -> new TreeSet<>()).add(smsc);
            numbersByReference.computeIfAbsent(reference, r -> new TreeSet<>()).add(sm[5] & 0xFF);
            perSmsc[smsc.equals("one") ? 0 : 1]++;
         }
         assertEquals(messages, smscsByReference.size(), "every message's parts arrived");
         for (Map.Entry<Integer, Set<String>> message : smscsByReference.entrySet()) {
            assertEquals(1, message.getValue().size(),
                         "the 3 parts of reference " + message.getKey() + " reached one SMSC, not " + message.getValue()
                            + " (all: " + smscsByReference + ")");
            assertEquals(Set.of(1, 2, 3), numbersByReference.get(message.getKey()), "all parts of reference " + message.getKey());
         }
         assertTrue(perSmsc[0] > 0 && perSmsc[1] > 0,
                    "the messages still share the route's links: one got " + perSmsc[0] + " parts, two " + perSmsc[1]);
      }
   }

   @Test
   void thePkPartsOfEachMessageAnSpSplitLeaveThroughOneLink() throws Exception {
      int messages = 12;
      try (JsmppSmsc one = new JsmppSmsc(portOne);
           JsmppSmsc two = new JsmppSmsc(portTwo);
           TestBroker broker = startBroker();
           RawFrameSocket sp = connectCmpp(broker)) {
         awaitLinksUp(broker);
         int sequence = 1;
         for (int m = 0; m < messages; m++) {
            String recipient = "86138001382" + (m < 10 ? "0" : "") + m;
            for (int number = 1; number <= PARTS; number++) {
               cmppSubmit(sp, sequence++, recipient, number, "Part " + number + " of the SP's message to " + recipient);
            }
         }
         awaitSubmits(one, two, messages * PARTS);

         Map<String, Set<String>> smscsByRecipient = new TreeMap<>();
         int[] perSmsc = new int[2];
         for (JsmppSmsc.Received part : drain(one, two)) {
            String smsc = part.messageId().startsWith("one:") ? "one" : "two";
            smscsByRecipient.computeIfAbsent(part.destination(), d -> new TreeSet<>()).add(smsc);
            perSmsc[smsc.equals("one") ? 0 : 1]++;
         }
         assertEquals(messages, smscsByRecipient.size(), "every message's parts arrived");
         for (Map.Entry<String, Set<String>> message : smscsByRecipient.entrySet()) {
            assertEquals(1, message.getValue().size(), "the 3 Pk parts to " + message.getKey() + " reached one SMSC, not "
               + message.getValue() + " (all: " + smscsByRecipient + ")");
         }
         assertTrue(perSmsc[0] > 0 && perSmsc[1] > 0,
                    "the messages still share the route's links: one got " + perSmsc[0] + " parts, two " + perSmsc[1]);
      }
   }

   private TestBroker startBroker() throws Exception {
      return TestBroker.cmpp(dir.resolve("broker"), "").configure(cfg -> {
         try {
            cfg.addAcceptorConfiguration("smpp", "tcp://127.0.0.1:0?protocols=SMPP");
         } catch (Exception e) {
            throw new IllegalStateException(e);
         }
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
      }).start();
   }

   private static void awaitLinksUp(TestBroker broker) {
      // Routing skips a link it does not count as up (bound, as the link saw its bind_resp) while the other one is.
      Wait.until("both links up", Duration.ofSeconds(10), () -> GatewayRuntime.of(broker.server()).links().isUp("one")
         && GatewayRuntime.of(broker.server()).links().isUp("two"));
   }

   private static void awaitSubmits(JsmppSmsc one, JsmppSmsc two, int count) {
      Wait.until(count + " parts at the SMSCs", Duration.ofSeconds(20), () -> one.submits.size() + two.submits.size() >= count,
                 () -> "one has " + one.submits.size() + ", two " + two.submits.size());
   }

   /** Everything the two SMSCs got, each submit's messageId prefixed with the SMSC's name. */
   private static List<JsmppSmsc.Received> drain(JsmppSmsc one, JsmppSmsc two) {
      List<JsmppSmsc.Received> all = new ArrayList<>();
      for (JsmppSmsc.Received r : one.submits) {
         all.add(new JsmppSmsc.Received("one:" + r.messageId(), r.destination(), r.source(), r.dataCoding(), r.shortMessage(), r.esmClass()));
      }
      for (JsmppSmsc.Received r : two.submits) {
         all.add(new JsmppSmsc.Received("two:" + r.messageId(), r.destination(), r.source(), r.dataCoding(), r.shortMessage(), r.esmClass()));
      }
      return all;
   }

   private static int smppPort(TestBroker broker) {
      return broker.server().getRemotingService().getAcceptor("smpp").getActualPort();
   }

   private static RawFrameSocket connectCmpp(TestBroker broker) throws Exception {
      RawFrameSocket sp = RawFrameSocket.connect(broker.port());
      long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), ACCOUNT);
      send(sp, new Connect(1, ACCOUNT, CmppAuthenticator.authenticatorSource(ACCOUNT, SECRET, timestamp), 0x30, timestamp));
      assertEquals(0, assertInstanceOf(ConnectResp.class, read(sp)).status());
      return sp;
   }

   /** One part of a long message the SP split: Pk_total 3, Pk_number {@code number}, no UDH. */
   private static void cmppSubmit(RawFrameSocket sp, int sequence, String recipient, int number, String text) throws Exception {
      send(sp, new Submit(sequence, 0L, PARTS, number, 1, 0, "TEST", 0, "", 0, 0, 0, 0, ACCOUNT, "02", "000010", "", "",
                          "1065712345", List.of(recipient), 0, text.getBytes(StandardCharsets.US_ASCII), "", ""));
      while (true) {
         CmppPdu pdu = read(sp);
         if (pdu instanceof ActiveTest test) {
            send(sp, test.response());
            continue;
         }
         assertEquals(CmppResult.OK, assertInstanceOf(SubmitResp.class, pdu).result(), "part " + number + " to " + recipient);
         return;
      }
   }

   private static void send(RawFrameSocket socket, CmppPdu pdu) throws Exception {
      socket.send(buf -> CmppCodec.encode(pdu, CmppVersion.V30, buf));
   }

   private static CmppPdu read(RawFrameSocket socket) throws Exception {
      CmppPdu pdu = socket.read(10_000, frame -> CmppCodec.decode(frame, CmppVersion.V30));
      assertNotNull(pdu, "a PDU from the gateway within 10 s");
      return pdu;
   }
}
