package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.routing.RoutingEndToEndTest.Inbox;
import io.smsgw.smpp.client.JsmppSmsc;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full client-split parts whose data_coding 0 means Latin-1 to the peer that sent them: an ESME on an account with
 * {@code smpp-default-alphabet = latin1} sends 134-octet parts with an 'ã' over a {@code gsm7} link, and an SMSC on a
 * {@code default-alphabet = latin1} link sends such an MO part to a GSM 7-bit ESME. Neither GSM 7-bit (no 'ã') nor UCS2
 * (268 octets) holds such a part in one SMS; Latin-1, the alphabet it came in, does. Real broker, routing plugin, SMPP
 * acceptor and SMSC link; the ESME and the SMSC are jSMPP.
 */
class DefaultAlphabetPartsTest {

   private static final int ESM_UDHI = 0x40;
   private static final int LATIN1 = 0x03;

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private int writeConfig(String linkSettings) throws Exception {
      int port = JsmppSmsc.freePort();
      Files.writeString(dir.resolve("sms-gateway.conf"), """
         gateway { code = "001001" }
         accounts {
           smppclient1 { password = "password", protocols = [SMPP] }
           latin { password = "password", protocols = [SMPP], smpp-default-alphabet = latin1 }
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms
                 %s }
         }
         routes {
           mt = [ { prefix = "86138", links = [ sim ] } ]
           mo = [ { prefix = "1065712345", account = smppclient1 } ]
         }
         """.formatted(port, linkSettings));
      System.setProperty("smsgw.config", dir.resolve("sms-gateway.conf").toString());
      return port;
   }

   @Test
   void fullLatin1PartsOfALatin1AccountReachAGsm7LinkAsLatin1AndAreDelivered() throws Exception {
      int port = writeConfig("");
      byte[] part1 = udh(0x2A, 1, latin1("ã" + "a".repeat(133)));
      byte[] part2 = udh(0x2A, 2, latin1("b".repeat(120) + "ã" + "c".repeat(13)));
      assertEquals(140, part1.length);
      assertEquals(140, part2.length);
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         Inbox inbox = new Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, "latin", "password", inbox);
         try {
            Map<String, String> sent = new TreeMap<>(); // user data (hex) → the id the ESME got
            sent.put(hex(part1), submit(esme, part1));
            sent.put(hex(part2), submit(esme, part2));

            // Until the SMSC answers, a report the ESME gets is one the gateway made: a refusal (REJECTD 108).
            List<JsmppSmsc.Received> atSmsc = new ArrayList<>();
            Wait.until("two parts at the SMSC", Duration.ofSeconds(15), () -> {
               smsc.submits.drainTo(atSmsc);
               return atSmsc.size() == 2 || !inbox.received.isEmpty();
            });
            assertEquals(List.of(), reportTexts(inbox.received), "no report before the SMSC sent one");
            Map<String, Integer> received = new TreeMap<>();
            for (JsmppSmsc.Received part : atSmsc) {
               received.put(hex(part.shortMessage()), part.dataCoding() & 0xFF);
               assertEquals(ESM_UDHI, part.esmClass() & ESM_UDHI, "the ESME's UDH goes on");
            }
            assertEquals(Map.of(hex(part1), LATIN1, hex(part2), LATIN1), received,
                         "the SMSC gets the 134 Latin-1 octets of each part with data_coding 0x03");

            for (JsmppSmsc.Received part : atSmsc) {
               smsc.sendReceipt(part, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            }
            Wait.until("two reports", Duration.ofSeconds(10), () -> inbox.received.size() >= 2,
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
   void aFullLatin1MoPartFromALatin1LinkReachesAGsm7EsmeAsLatin1InOneShortMessage() throws Exception {
      int port = writeConfig("default-alphabet = latin1");
      byte[] part = udh(0x2B, 1, latin1("ã" + "a".repeat(133)));
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         Inbox inbox = new Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, "smppclient1", "password", inbox);
         try {
            smsc.sendMo("8613800138000", "1065712345", 0x00, part, true);
            DeliverSm mo = inbox.received.poll(10, TimeUnit.SECONDS);
            assertNotNull(mo, "deliver_sm at the ESME");
            assertEquals(LATIN1, mo.getDataCoding() & 0xFF, "Latin-1 as it came, not 274 octets of UCS2");
            assertEquals(ESM_UDHI, mo.getEsmClass() & ESM_UDHI);
            assertArrayEquals(part, mo.getShortMessage(), "the part's 140 octets in short_message");
            assertNull(mo.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD), "no message_payload");
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   private static byte[] latin1(String text) {
      return text.getBytes(StandardCharsets.ISO_8859_1);
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

   /** A submit_sm with data_coding 0, which the account reads as Latin-1. */
   private static String submit(SMPPSession esme, byte[] userData) throws Exception {
      return esme.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138000", new ESMClass(ESM_UDHI), (byte) 0, (byte) 1,
         null, null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0, DataCodings.ZERO, (byte) 0,
         userData).getMessageId();
   }

   private static List<String> reportTexts(Iterable<DeliverSm> reports) {
      List<String> texts = new ArrayList<>();
      for (DeliverSm report : reports) {
         texts.add(new String(report.getShortMessage(), StandardCharsets.US_ASCII));
      }
      return texts;
   }

   private static String hex(byte[] octets) {
      return HexFormat.of().formatHex(octets);
   }
}
