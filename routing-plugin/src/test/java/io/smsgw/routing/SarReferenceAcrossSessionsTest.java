package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of one MO an SMSC sent with SAR TLVs go round-robin to the account's receiving sessions, whatever their
 * protocol: a 3.4 ESME reads the reference from sar_msg_ref_num, a 3.3 ESME and a CMPP SP from the concatenation UDH.
 * A receiver that binds several sessions joins the parts across them, so every session must see the same number.
 * Real broker with both acceptors and routing, the SMSC a jSMPP server, the ESMEs jSMPP (3.4 and 3.3), the SP a
 * byte-level CMPP client.
 */
class SarReferenceAcrossSessionsTest {

   private static final String ACCOUNT = "900001";
   private static final String SECRET = "secret1";
   private static final int REFERENCE = 0x1234;

   @TempDir
   Path dir;
   private int smscPort;

   @BeforeEach
   void writeConfig() throws Exception {
      smscPort = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           "900001" { password = "secret1" }
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes {
           mt = [ { prefix = "86138", links = [ sim ] } ]
           mo = [ { prefix = "1065712345", account = "900001" } ]
         }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
   }

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void everySessionOfTheAccountSeesTheSameReferenceForThePartsOfOneSarMo() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = startBroker();
           RawFrameSocket sp = connectCmpp(broker)) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         RoutingEndToEndTest.Inbox inbox34 = new RoutingEndToEndTest.Inbox();
         RoutingEndToEndTest.Inbox inbox33 = new RoutingEndToEndTest.Inbox();
         SMPPSession receiver34 = bind(broker, InterfaceVersion.IF_34, inbox34);
         SMPPSession receiver33 = bind(broker, InterfaceVersion.IF_33, inbox33);
         try {
            Wait.until("three consumers on the account's queue", Duration.ofSeconds(10),
                       () -> broker.consumerCount(SmsAddresses.accountQueue(ACCOUNT)) == 3);
            for (int number = 1; number <= 3; number++) {
               smsc.sendMo("8613800138000", "1065712345", "part " + number + " of three",
                  new OptionalParameter.Short(OptionalParameter.Tag.SAR_MSG_REF_NUM, (short) REFERENCE),
                  new OptionalParameter.Byte(OptionalParameter.Tag.SAR_TOTAL_SEGMENTS, (byte) 3),
                  new OptionalParameter.Byte(OptionalParameter.Tag.SAR_SEGMENT_SEQNUM, (byte) number));
            }

            // part number → "session: reference" for every part any session got
            Map<Integer, String> parts = new TreeMap<>();
            List<String> seen = new ArrayList<>();
            Wait.until("the three parts at the account's sessions", Duration.ofSeconds(15), () -> {
               DeliverSm deliverSm;
               while ((deliverSm = inbox34.received.poll()) != null) {
                  record(parts, seen, "3.4", sarReference(deliverSm), deliverSm.getOptionalParameter(OptionalParameter.Tag.SAR_SEGMENT_SEQNUM));
               }
               while ((deliverSm = inbox33.received.poll()) != null) {
                  int[] concat = concatenation(deliverSm.getShortMessage());
                  record(parts, seen, "3.3", concat[0], concat[2]);
               }
               Deliver deliver = readDeliver(sp);
               if (deliver != null) {
                  assertEquals(1, deliver.tpUdhi(), "the SP gets the part with a UDH");
                  int[] concat = concatenation(deliver.msgContent());
                  record(parts, seen, "CMPP", concat[0], concat[2]);
               }
               return parts.size() == 3;
            }, seen::toString);
            assertEquals(3, seen.size(), "each part once: " + seen);
            assertTrue(seen.stream().map(s -> s.substring(0, s.indexOf(' '))).distinct().count() >= 2,
                       "the parts went round-robin to more than one session: " + seen);
            assertEquals(1, seen.stream().map(s -> s.substring(s.indexOf("ref "))).distinct().count(),
                         "every session sees the same reference for the parts of one message: " + seen);
         } finally {
            receiver34.unbindAndClose();
            receiver33.unbindAndClose();
         }
      }
   }

   private static void record(Map<Integer, String> parts, List<String> seen, String session, int reference, Object number) {
      int part = number instanceof OptionalParameter.Byte b ? b.getValue() & 0xFF : (Integer) number;
      String entry = session + " part " + part + " ref " + Integer.toHexString(reference);
      seen.add(entry);
      parts.put(part, entry);
   }

   private static int sarReference(DeliverSm deliverSm) {
      OptionalParameter.Short reference = (OptionalParameter.Short) deliverSm.getOptionalParameter(OptionalParameter.Tag.SAR_MSG_REF_NUM);
      assertNotNull(reference, "the 3.4 session gets the part with SAR TLVs");
      return reference.getValue() & 0xFFFF;
   }

   /** Reference, total and number from the concatenation element (IE 0x00 or 0x08) of the UDH in front of {@code userData}. */
   private static int[] concatenation(byte[] userData) {
      int end = 1 + (userData[0] & 0xFF);
      for (int i = 1; i < end; ) {
         int ie = userData[i] & 0xFF;
         int length = userData[i + 1] & 0xFF;
         if (ie == 0x00 && length == 3) {
            return new int[] {userData[i + 2] & 0xFF, userData[i + 3] & 0xFF, userData[i + 4] & 0xFF};
         }
         if (ie == 0x08 && length == 4) {
            return new int[] {((userData[i + 2] & 0xFF) << 8) | (userData[i + 3] & 0xFF), userData[i + 4] & 0xFF, userData[i + 5] & 0xFF};
         }
         i += 2 + length;
      }
      throw new AssertionError("no concatenation element in the UDH");
   }

   private TestBroker startBroker() throws Exception {
      return TestBroker.cmpp(dir.resolve("broker"), "").configure(cfg -> {
         try {
            cfg.addAcceptorConfiguration("smpp", "tcp://127.0.0.1:0?protocols=SMPP");
         } catch (Exception e) {
            throw new IllegalStateException(e);
         }
         TestBroker.withDeadLetterQueue(cfg);
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
      }).start();
   }

   private static SMPPSession bind(TestBroker broker, InterfaceVersion version, RoutingEndToEndTest.Inbox inbox) throws Exception {
      SMPPSession esme = new SMPPSession();
      esme.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
      esme.setMessageReceiverListener(inbox);
      int port = broker.server().getRemotingService().getAcceptor("smpp").getActualPort();
      esme.connectAndBind("127.0.0.1", port, new BindParameter(BindType.BIND_RX, ACCOUNT, SECRET, "",
         TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, version));
      return esme;
   }

   private static RawFrameSocket connectCmpp(TestBroker broker) throws Exception {
      RawFrameSocket sp = RawFrameSocket.connect(broker.port());
      long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), ACCOUNT);
      send(sp, new Connect(1, ACCOUNT, CmppAuthenticator.authenticatorSource(ACCOUNT, SECRET, timestamp), 0x30, timestamp));
      CmppPdu resp = sp.read(10_000, frame -> CmppCodec.decode(frame, CmppVersion.V30));
      assertEquals(0, assertInstanceOf(ConnectResp.class, resp).status());
      return sp;
   }

   /** The next MO DELIVER, answered Result 0, or null when none comes within a moment. */
   private static Deliver readDeliver(RawFrameSocket sp) {
      try {
         while (true) {
            CmppPdu pdu = sp.read(200, frame -> CmppCodec.decode(frame, CmppVersion.V30));
            if (pdu instanceof ActiveTest test) {
               send(sp, test.response());
               continue;
            }
            if (pdu == null) {
               return null;
            }
            Deliver deliver = assertInstanceOf(Deliver.class, pdu);
            send(sp, new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
            return deliver;
         }
      } catch (IOException e) {
         throw new IllegalStateException(e);
      }
   }

   private static void send(RawFrameSocket socket, CmppPdu pdu) throws IOException {
      socket.send(buf -> CmppCodec.encode(pdu, CmppVersion.V30, buf));
   }
}
