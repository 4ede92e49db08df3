package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.MessageState;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long text an SMSC link sends whole in one {@code message_payload} ({@code long-messages = payload}) is one
 * submit_sm, one receipt and one billing record, but the SMSC cuts it into SMS and the carrier bills those: the CDR
 * line says how many (its {@code smsParts} column). The same text on a {@code long-messages = udh} link keeps its record
 * per part and the roll-up, with no count. Before, the payload link's CDR had one line and nothing saying it was 3 SMS.
 */
class PayloadLinkBillingTest {

   private static final Duration PATIENCE = Duration.ofSeconds(15);
   /** 400 GSM characters: three SMS of at most 153. */
   private static final String LONG_TEXT = "0123456789".repeat(40);
   /** The CDR columns as they were before this one was added (decision 167 added the last). */
   private static final String COLUMNS_BEFORE = "recordId,smsRecordTime,smsId,smsAccount,smsServiceId,smsFeeUserType,smsFeeType,"
      + "smsFeeCode,smsFeeTerminal,smsSource,smsDestination,smsSegmentNumber,smsSegmentTotal,smsSubmitTime,smsDoneTime,"
      + "smsStatus,smsErrorCode,smsBillable,smsRollup,smsLink,smsOriginGateway,smsServiceType";

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private Path writeConfig(int payloadPort, int udhPort) throws IOException {
      Path cdr = Files.createDirectory(dir.resolve("cdr"));
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         links {
           payload { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms,
                     long-messages = payload }
           udh { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms,
                 long-messages = udh }
         }
         routes {
           mt = [ { prefix = "86138", links = [ payload ] }, { prefix = "86139", links = [ udh ] } ]
         }
         billing {
           cdr { directory = "%s", max-records = 1 }
         }
         """.formatted(payloadPort, udhPort, cdr));
      System.setProperty("smsgw.config", file.toString());
      return cdr;
   }

   /** An application's MT, as JMS sends it to {@code sms.mt}. */
   private static void sendMt(Session session, String destination) throws Exception {
      TextMessage mt = session.createTextMessage(LONG_TEXT);
      mt.setStringProperty("smsAccount", "app1");
      mt.setStringProperty("smsSource", "10086");
      mt.setStringProperty("smsDestination", destination);
      try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
         producer.send(mt);
      }
   }

   private static List<JsmppSmsc.Received> deliverAll(JsmppSmsc smsc, int submits) throws Exception {
      List<JsmppSmsc.Received> received = new ArrayList<>();
      for (int i = 0; i < submits; i++) {
         JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(submit, "submit_sm " + (i + 1) + " of " + submits + " reached the SMSC");
         received.add(submit);
      }
      for (JsmppSmsc.Received submit : received) {
         smsc.sendReceipt(submit, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
      }
      return received;
   }

   /** The header and lines of the closed CDR files, as a mediation system reads them (no field here needs quoting). */
   private static List<List<String>> lines(Path cdr) throws IOException {
      List<List<String>> lines = new ArrayList<>();
      for (Path file : CdrFilesTest.files(cdr, ".csv")) {
         String[] rows = Files.readString(file, StandardCharsets.UTF_8).split("\r\n");
         if (lines.isEmpty()) {
            lines.add(List.of(rows[0].split(",", -1)));
         }
         for (int i = 1; i < rows.length; i++) {
            lines.add(List.of(rows[i].split(",", -1)));
         }
      }
      return lines;
   }

   private static int countLines(Path cdr) {
      try {
         return Math.max(0, lines(cdr).size() - 1);
      } catch (IOException e) {
         return -1;
      }
   }

   @Test
   void aPayloadLinksCdrLineSaysHowManySmsTheTextIsAndAUdhLinksLinesAreUnchanged() throws Exception {
      int payloadPort = JsmppSmsc.freePort();
      int udhPort = JsmppSmsc.freePort();
      Path cdr = writeConfig(payloadPort, udhPort);
      try (JsmppSmsc payloadSmsc = new JsmppSmsc(payloadPort);
           JsmppSmsc udhSmsc = new JsmppSmsc(udhPort);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         Wait.until("both links bound", PATIENCE, () -> payloadSmsc.hasBoundSession() && udhSmsc.hasBoundSession());

         sendMt(session, "8613800138000");
         List<JsmppSmsc.Received> payload = deliverAll(payloadSmsc, 1);
         assertEquals(0, payload.get(0).shortMessage().length, "the text went whole in message_payload");
         Wait.until("the payload MT's CDR line", PATIENCE, () -> countLines(cdr) == 1);

         sendMt(session, "8613900139000");
         deliverAll(udhSmsc, 3);
         Wait.until("the udh MT's three lines and its roll-up", PATIENCE, () -> countLines(cdr) == 5);

         List<List<String>> lines = lines(cdr);
         List<String> header = lines.get(0);
         assertEquals("smsParts", header.get(header.size() - 1), "the new column is the last, so existing parsers keep working: " + header);
         assertEquals(COLUMNS_BEFORE + ",smsParts", String.join(",", header), "the columns before it keep their places");
         int parts = header.indexOf("smsParts");
         int link = header.indexOf("smsLink");
         int segmentNumber = header.indexOf("smsSegmentNumber");
         int rollup = header.indexOf("smsRollup");

         List<List<String>> payloadLines = lines.subList(1, lines.size()).stream().filter(l -> l.get(link).equals("payload")).toList();
         assertEquals(1, payloadLines.size(), "one submit_sm, one receipt, one record: " + payloadLines);
         assertEquals("3", payloadLines.get(0).get(parts), "the CDR line says the message was 3 SMS: " + payloadLines.get(0));
         assertEquals("", payloadLines.get(0).get(segmentNumber));

         List<List<String>> udhLines = lines.subList(1, lines.size()).stream().filter(l -> l.get(link).equals("udh")
                                                                                          || l.get(rollup).equals("true")).toList();
         assertEquals(4, udhLines.size(), "a udh link keeps a record per part and the roll-up: " + udhLines);
         assertEquals(List.of("", "1", "2", "3"), udhLines.stream().map(l -> l.get(segmentNumber)).sorted().toList());
         assertEquals(1, udhLines.stream().filter(l -> l.get(rollup).equals("true")).count());
         assertTrue(udhLines.stream().allMatch(l -> l.get(parts).isEmpty()), "each udh line is one SMS, no count: " + udhLines);
      }
   }
}
