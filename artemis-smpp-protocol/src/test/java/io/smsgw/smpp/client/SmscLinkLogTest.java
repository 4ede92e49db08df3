package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.bean.MessageState;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an SMSC link writes to the log for things that happen per message: an SMSC refusing a whole number range, a
 * flood of receipts that match nothing, parts throttled until they expire, receipts matched after parking. Each was an
 * INFO line per message (thousands a second); now each is a DEBUG line and the link writes one count per interval.
 */
class SmscLinkLogTest {

   private static final String SUMMARY = "SMSC link sim in the last";

   @TempDir
   Path dir;

   @BeforeEach
   void summariesOften() {
      System.clearProperty("smsgw.config");
      System.clearProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY);
      System.setProperty(SmscLinkService.LOG_SUMMARY_INTERVAL_PROPERTY, "200");
   }

   @AfterEach
   void restore() {
      System.clearProperty("smsgw.config");
      System.clearProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY);
      System.clearProperty(SmscLinkService.LOG_SUMMARY_INTERVAL_PROPERTY);
   }

   private void configureLink(int smscPort) throws Exception {
      configureLink(smscPort, "");
   }

   private void configureLink(int smscPort, String extra) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 2s, response-timeout = 3s, reconnect-min = 100ms, reconnect-max = 400ms %s }
         }
         """.formatted(smscPort, extra));
      System.setProperty("smsgw.config", file.toString());
   }

   private static SmscLinkControlMBean control(TestBroker broker) {
      return (SmscLinkControlMBean) broker.server().getManagementService().getUntypedControl("smsc-link.sim");
   }

   private static void sendMts(TestBroker broker, int count, long validUntil) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.smscLinkQueue("sim")))) {
         for (int i = 0; i < count; i++) {
            Message mt = session.createTextMessage("mt " + i);
            mt.setStringProperty("smsKind", "MT");
            mt.setStringProperty("smsId", String.format("00000000000001%02x", i));
            mt.setStringProperty("smsAccount", "smppclient1");
            mt.setStringProperty("smsProtocol", "SMPP");
            mt.setStringProperty("smsSource", "8610086");
            mt.setStringProperty("smsDestination", "86138001381" + String.format("%02d", i));
            mt.setIntProperty("smsRegisteredDelivery", 1);
            if (validUntil > 0) {
               mt.setLongProperty("smsValidityTime", validUntil);
            }
            producer.send(mt);
         }
      }
   }

   /** The sum of the counts that the link's summary lines give before {@code what}. */
   private static long summed(LogCapture log, String what) {
      Pattern count = Pattern.compile("(\\d+) " + Pattern.quote(what));
      long sum = 0;
      for (String line : log.lines(SUMMARY, what)) {
         Matcher m = count.matcher(line);
         assertTrue(m.find(), line);
         sum += Long.parseLong(m.group(1));
      }
      return sum;
   }

   @Test
   void anSmscRefusingEveryPartLeavesCountsNotALinePerPart() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port); LogCapture log = LogCapture.start()) {
         smsc.refuseWith.set(0x0b); // ESME_RINVDSTADR: a number range the SMSC does not serve
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMts(broker, 40, 0);
            Wait.until("all refused", Duration.ofSeconds(20), () -> control(broker).getRefused() == 40);
            Wait.until("the refusals counted in the log", Duration.ofSeconds(10), () -> summed(log, "part(s) refused") == 40);
            assertEquals(0, log.count("refused a part"), "no line per part");
            assertTrue(log.lines(SUMMARY, "part(s) refused").stream().allMatch(line -> line.contains("(latest ESME_RINVDSTADR)")),
                       () -> log.lines(SUMMARY).toString());
            assertTrue(log.lines(SUMMARY).stream().allMatch(line -> line.contains("part(s) refused")),
                       () -> "nothing else happened, and an interval without anything writes nothing: " + log.lines(SUMMARY));
         }
      }
   }

   @Test
   void receiptsThatMatchNothingAreCountedNotLoggedEach() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port); LogCapture log = LogCapture.start()) {
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            for (int i = 0; i < 20; i++) {
               smsc.sendReceipt(new JsmppSmsc.Received(String.format("dead%04x", i), "8613800138000", "8610086", 0, new byte[0], (byte) 0),
                                DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            }
            Wait.until("all parked", Duration.ofSeconds(20), () -> control(broker).getReceiptsUnmatched() == 20);
            Wait.until("the parked receipts counted in the log", Duration.ofSeconds(10),
                       () -> summed(log, "receipt(s) for unknown message ids parked on sms.dr.unmatched") == 20);
            assertEquals(0, log.count("receipt for unknown message id"), "no line per receipt");
         }
      }
   }

   @Test
   void partsThrottledUntilTheyExpireAreCountedNotLoggedEach() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port); LogCapture log = LogCapture.start()) {
         smsc.throttleNext.set(Integer.MAX_VALUE);
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMts(broker, 4, System.currentTimeMillis() + 1_000); // the whole window
            Wait.until("all four expired", Duration.ofSeconds(20), () -> control(broker).getExpiredThrottled() == 4);
            Wait.until("the expired parts counted in the log", Duration.ofSeconds(10),
                       () -> summed(log, "part(s) still throttled at their validity's end") == 4);
            assertEquals(0, log.count("was still throttled when its validity ended"), "no line per part");
         }
      }
   }

   @Test
   void receiptsMatchedAfterParkingAreCountedNotLoggedEach() throws Exception {
      System.setProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY, "300,1000");
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port); LogCapture log = LogCapture.start()) {
         smsc.receiptsBeforeResponse.set(1); // each submit's receipt overtakes its submit_sm_resp and is parked
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMts(broker, 1, 0); // one at a time: the simulator's thread waits for the answer to its receipt
            Wait.until("matched on a later try", Duration.ofSeconds(20), () -> control(broker).getReceiptsRematched() == 1);
            Wait.until("the later match counted in the log", Duration.ofSeconds(10),
                       () -> summed(log, "parked receipt(s) matched on a later try") == 1);
            assertEquals(0, log.count("matched its record"), "no line per receipt");
         }
      }
   }

   /**
    * on-unanswered = requeue against an SMSC that loses one submit_sm: each resend on the same bind was an INFO line, one
    * per tick that resent something; now each is a DEBUG line and the summary counts them.
    */
   @Test
   void submitSmSentAgainOnTheSameBindAreCountedNotLoggedEach() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port); LogCapture log = LogCapture.start()) {
         smsc.dropFor = "8613800138100";
         configureLink(port, ", response-timeout = 1s, on-unanswered = requeue, max-unanswered-attempts = 3");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            sendMts(broker, 1, 0); // to 8613800138100, lost by the SMSC each time
            Wait.until("given up after three sends", Duration.ofSeconds(30), () -> control(broker).getUnansweredGivenUp() == 1);
            assertEquals(3, smsc.dropped.size(), "sent three times");
            Wait.until("the two resends counted in the log", Duration.ofSeconds(10),
                       () -> summed(log, "submit_sm unanswered for response-timeout sent again on the same bind") == 2);
            assertEquals(0, log.count("sending it again on the same bind"), "no line per resend");
            assertEquals(1, smsc.binds.get(), "the bind stayed");
         }
      }
   }

   /**
    * A retry list that is no list of milliseconds used to be ignored with a WARN, and a log summary interval that is no
    * number without a word: the broker now does not start, naming the property, its value and what it takes.
    */
   @Test
   void aLinksSystemPropertyThatCannotBeReadStopsTheStart() throws Exception {
      configureLink(JsmppSmsc.freePort());
      String[][] cases = {
         {SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY, "1s,5s", "expected ages in milliseconds of at least 1, comma-separated"},
         {SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY, "1000,,5000", "expected ages in milliseconds"},
         {SmscLinkService.LOG_SUMMARY_INTERVAL_PROPERTY, "1m", "expected milliseconds, at least 10"},
         {SmscLinkService.LOG_SUMMARY_INTERVAL_PROPERTY, "5", "expected milliseconds, at least 10"},
      };
      for (String[] wrong : cases) {
         System.clearProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY);
         System.clearProperty(SmscLinkService.LOG_SUMMARY_INTERVAL_PROPERTY);
         System.setProperty(wrong[0], wrong[1]);
         try (LogCapture log = LogCapture.start(); TestBroker broker = TestBroker.smpp(dir.resolve("data-" + wrong[1].hashCode()), "").start()) {
            assertFalse(broker.server().isStarted(), "the broker does not start with " + wrong[0] + "=" + wrong[1]);
            assertEquals(1, log.count("System property " + wrong[0] + "=" + wrong[1] + " is not valid: " + wrong[2]),
                         () -> log.lines(wrong[0]).toString());
         }
      }
   }

   /**
    * A full address (FAIL policy) refuses what the link would store: each MO the SMSC sent meanwhile was a WARN with a
    * stack trace ("broker send failed"); now the SMSC gets a temporary error and the summary counts them.
    */
   @Test
   void mosRefusedByAFullAddressAreCountedNotALineWithAStackTraceEach() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port); LogCapture log = LogCapture.start()) {
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg
                 .addAddressSetting(SmsAddresses.MO, new AddressSettings().setMaxSizeBytes(1L)
                    .setAddressFullMessagePolicy(AddressFullMessagePolicy.FAIL))
                 .addQueueConfiguration(QueueConfiguration.of(SmsAddresses.MO).setRoutingType(RoutingType.ANYCAST))).start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
                 Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
               session.createProducer(session.createQueue(SmsAddresses.MO)).send(session.createTextMessage("filler"));
            }
            for (int i = 0; i < 3; i++) {
               int mo = i;
               NegativeResponseException refused = assertThrows(NegativeResponseException.class,
                  () -> smsc.sendMo("8613800138000", "1065712345", "mo " + mo));
               assertEquals(0x64, refused.getCommandStatus(), "ESME_RX_T_APPN: the SMSC sends it again later");
            }
            Wait.until("the refusals counted in the log", Duration.ofSeconds(10),
                       () -> summed(log, "message(s) not stored as their address was full") == 3);
            assertEquals(0, log.count("broker send failed"), "no WARN with a stack trace per MO");
         }
      }
   }
}
