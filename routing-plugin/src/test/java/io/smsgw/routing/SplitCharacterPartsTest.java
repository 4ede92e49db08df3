package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
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
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.routing.RoutingEndToEndTest.Inbox;
import io.smsgw.smpp.client.JsmppSmsc;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ESME whose own splitter cuts a long message inside a character: a GSM 7-bit part that ends with the escape septet
 * of a euro sign (the 0x65 that completes it starts the next part), and a UCS2 part that ends with the high surrogate of
 * an emoji (the low one starts the next part). The parts join on the handset, so the SMSC must get the user data octets
 * the ESME sent, and the ESME a DELIVRD report for each, not REJECTD 108 (decision 81); a CMPP SP's Msg_Fmt 8 parts
 * likewise. Real broker, routing and SMSC link; the ESME and the SMSC are jSMPP, the SP a byte-level CMPP client.
 */
class SplitCharacterPartsTest {

   private static final int ESM_UDHI = 0x40;
   private static final int UCS2 = 0x08;
   private static final String SP = "901234";

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private int writeConfig() throws Exception {
      int port = JsmppSmsc.freePort();
      Files.writeString(dir.resolve("sms-gateway.conf"), """
         gateway { code = "001001" }
         accounts {
           smppclient1 { password = "password", protocols = [SMPP] }
           "%s" { password = "secret", protocols = [CMPP] }
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes { mt = [ { prefix = "86138", links = [ sim ] } ] }
         """.formatted(SP, port));
      System.setProperty("smsgw.config", dir.resolve("sms-gateway.conf").toString());
      return port;
   }

   @Test
   void partsCutInsideAnEscapeOrASurrogatePairReachTheSmscAsSentAndAreDelivered() throws Exception {
      int port = writeConfig();

      // data_coding 0 (GSM 7-bit, one septet an octet): 152 'a' and the escape; then the 0x65 that makes it a euro sign
      byte[] gsmPart1 = new byte[153];
      java.util.Arrays.fill(gsmPart1, (byte) 'a');
      gsmPart1[152] = 0x1B;
      byte[] gsmPart2 = {0x65, ' ', '1', '0'};
      // data_coding 8: 66 characters and the high surrogate of U+1F600; then its low surrogate and " ok"
      byte[] ucs2Part1 = new byte[134];
      for (int i = 0; i < 132; i += 2) {
         ucs2Part1[i + 1] = 'b';
      }
      ucs2Part1[132] = (byte) 0xD8;
      ucs2Part1[133] = 0x3D;
      byte[] ucs2Part2 = {(byte) 0xDE, 0x00, 0x00, ' ', 0x00, 'o', 0x00, 'k'};

      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         Inbox inbox = new Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, "smppclient1", "password", inbox);
         try {
            // sent user data (UDH included, hex) → what the ESME was told its id is
            Map<String, String> sent = new TreeMap<>();
            sent.put(hex(udh(0x2A, 1, gsmPart1)), submit(esme, 0, udh(0x2A, 1, gsmPart1)));
            sent.put(hex(udh(0x2A, 2, gsmPart2)), submit(esme, 0, udh(0x2A, 2, gsmPart2)));
            sent.put(hex(udh(0x2B, 1, ucs2Part1)), submit(esme, UCS2, udh(0x2B, 1, ucs2Part1)));
            sent.put(hex(udh(0x2B, 2, ucs2Part2)), submit(esme, UCS2, udh(0x2B, 2, ucs2Part2)));

            // Until the SMSC answers nothing, a report the ESME gets is one the gateway made: a refusal.
            List<JsmppSmsc.Received> atSmsc = new ArrayList<>();
            Wait.until("four parts at the SMSC", Duration.ofSeconds(15), () -> {
               smsc.submits.drainTo(atSmsc);
               return atSmsc.size() == 4 || !inbox.received.isEmpty();
            });
            assertEquals(List.of(), reportTexts(inbox.received), "no report before the SMSC sent one");
            Map<String, Integer> received = new TreeMap<>();
            for (JsmppSmsc.Received part : atSmsc) {
               received.put(hex(part.shortMessage()), part.dataCoding());
               assertEquals(ESM_UDHI, part.esmClass() & ESM_UDHI, "the ESME's UDH goes on");
            }
            assertEquals(sent.keySet(), received.keySet(), "the SMSC gets the user data octets the ESME sent");
            assertEquals(0, received.get(hex(udh(0x2A, 1, gsmPart1))), "GSM 7-bit stays GSM 7-bit");
            assertEquals(UCS2, received.get(hex(udh(0x2B, 1, ucs2Part1))), "UCS2 stays UCS2");

            for (JsmppSmsc.Received part : atSmsc) {
               smsc.sendReceipt(part, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            }
            Wait.until("four reports", Duration.ofSeconds(10), () -> inbox.received.size() >= 4,
                       () -> reportTexts(inbox.received).toString());
            Map<String, DeliveryReceiptState> reported = new TreeMap<>();
            for (DeliverSm report : inbox.received) {
               DeliveryReceipt receipt = report.getShortMessageAsDeliveryReceipt();
               reported.put(receipt.getId(), receipt.getFinalStatus());
            }
            Map<String, DeliveryReceiptState> expected = new TreeMap<>();
            sent.values().forEach(id -> expected.put(id, DeliveryReceiptState.DELIVRD));
            assertEquals(expected, reported, "every part delivered: " + reportTexts(inbox.received));
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   @Test
   void aCmppSpsUcs2PartsCutInsideASurrogatePairReachTheSmscAsSent() throws Exception {
      int port = writeConfig();
      byte[] part1 = udh(0x2C, 1, Hex.bytes("4f60 597d d83d"));
      byte[] part2 = udh(0x2C, 2, Hex.bytes("de00 0021"));
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = TestBroker.cmpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           RawFrameSocket sp = RawFrameSocket.connect(broker.port())) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), SP);
         send(sp, new Connect(1, SP, CmppAuthenticator.authenticatorSource(SP, "secret", timestamp), 0x30, timestamp));
         assertEquals(0, assertInstanceOf(ConnectResp.class, read(sp)).status());
         int sequence = 2;
         for (byte[] content : List.of(part1, part2)) {
            send(sp, new Submit(sequence++, 0L, 2, content[5], 1, 0, "TEST", 0, "", 0, 0, 1, UCS2, SP, "02", "000010", "", "",
                                "1065712345", List.of("8613800138060"), 0, content, "", ""));
            assertEquals(CmppResult.OK, assertInstanceOf(SubmitResp.class, read(sp)).result());
         }

         Map<String, Integer> received = new TreeMap<>();
         for (int i = 0; i < 2; i++) {
            JsmppSmsc.Received part = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(part, "part " + (i + 1) + " at the SMSC");
            received.put(hex(part.shortMessage()), part.dataCoding());
            smsc.sendReceipt(part, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
         }
         assertEquals(Map.of(hex(part1), UCS2, hex(part2), UCS2), received, "the SMSC gets the SP's UCS2 octets");
         for (int i = 0; i < 2; i++) {
            Deliver deliver = assertInstanceOf(Deliver.class, read(sp));
            assertEquals(Deliver.STATUS_REPORT, deliver.registeredDelivery());
            assertEquals("DELIVRD", StatusReport.parse(deliver.msgContent(), CmppVersion.V30).orElseThrow().stat());
            send(sp, new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
         }
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

   /** A concatenation UDH (8-bit reference, two parts) followed by {@code text}. */
   private static byte[] udh(int reference, int number, byte[] text) {
      byte[] userData = new byte[6 + text.length];
      userData[0] = 0x05;
      userData[2] = 0x03;
      userData[3] = (byte) reference;
      userData[4] = 0x02;
      userData[5] = (byte) number;
      System.arraycopy(text, 0, userData, 6, text.length);
      return userData;
   }

   private static String submit(SMPPSession esme, int dataCoding, byte[] userData) throws Exception {
      return esme.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138000", new ESMClass(ESM_UDHI), (byte) 0, (byte) 1,
         null, null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
         new GeneralDataCoding(dataCoding == UCS2 ? Alphabet.ALPHA_UCS2 : Alphabet.ALPHA_DEFAULT), (byte) 0, userData).getMessageId();
   }

   private static List<String> reportTexts(Iterable<DeliverSm> reports) {
      List<String> texts = new ArrayList<>();
      for (DeliverSm report : reports) {
         texts.add(new String(report.getShortMessage(), java.nio.charset.StandardCharsets.US_ASCII));
      }
      return texts;
   }

   private static String hex(byte[] octets) {
      return HexFormat.of().formatHex(octets);
   }

   private static final class Hex {
      static byte[] bytes(String hex) {
         return HexFormat.of().parseHex(hex.replace(" ", ""));
      }
   }
}
