package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.MessageState;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker whose SMSC links ran before and whose receipt correlation store ({@code <data>/sms-correlation}) is gone
 * (broker data restored or moved without it, only the journal on a persistent volume) does not start with an empty
 * store: an ERROR names the store, what is lost and how to recover, and neither the broker nor the links start until
 * the store is restored or the loss is accepted by deleting the journal's {@code sms-correlation.created}. A first start
 * is quiet.
 */
class SmscLinkStoreMissingTest {

   private static final String ERROR_PART = "correlation store";

   @TempDir
   Path dir;

   @BeforeEach
   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private Path store() {
      return dir.resolve("sms-correlation");
   }

   private Path marker() {
      return dir.resolve("journal").resolve("sms-correlation.created");
   }

   private void configureLink(int smscPort) throws IOException {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 2s, response-timeout = 3s, reconnect-min = 100ms, reconnect-max = 400ms }
         }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
   }

   private static void sendMt(TestBroker broker, String smsId, String destination) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.smscLinkQueue("sim")))) {
         TextMessage mt = session.createTextMessage("awaits its receipt");
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "smppclient1");
         mt.setStringProperty("smsProtocol", "SMPP");
         mt.setStringProperty("smsSource", "8610086");
         mt.setStringProperty("smsDestination", destination);
         mt.setIntProperty("smsRegisteredDelivery", 1);
         producer.send(mt);
      }
   }

   private static TextMessage receiveDr(TestBroker broker) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.DR));
         return (TextMessage) consumer.receive(10_000);
      }
   }

   /** The links' first start: an MT goes out and its record waits for the receipt; nothing is said of a missing store. */
   private JsmppSmsc.Received firstStartWithAnMtAwaitingItsReceipt(JsmppSmsc smsc, LogCapture log) throws Exception {
      JsmppSmsc.Received submit;
      try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         sendMt(broker, "00000000000000f1", "8613800138001");
         submit = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(submit, "submit_sm at the SMSC");
         Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
      }
      assertEquals(List.of(), log.lines("ERROR", ERROR_PART), "a first start is quiet");
      return submit;
   }

   private static void delete(Path directory) throws IOException {
      try (Stream<Path> files = Files.walk(directory)) {
         for (Path each : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(each);
         }
      }
   }

   private static void copy(Path from, Path to) throws IOException {
      try (Stream<Path> files = Files.walk(from)) {
         for (Path each : files.toList()) {
            Files.copy(each, to.resolve(from.relativize(each).toString()));
         }
      }
   }

   /** The one ERROR line: it names the store and the marker, what is lost and both ways out. */
   private void assertRefused(LogCapture log, TestBroker broker, JsmppSmsc smsc, int bindsBefore) {
      assertFalse(broker.server().isStarted(), "the broker does not start with an empty store");
      List<String> errors = log.lines("ERROR", ERROR_PART, store().toString());
      assertEquals(1, errors.size(), () -> log.lines(ERROR_PART).toString());
      String error = errors.get(0);
      assertTrue(error.contains("missing"), error);
      assertTrue(error.contains("receipts"), error);
      assertTrue(error.contains("restore"), error);
      assertTrue(error.contains(marker().toString()), error);
      assertFalse(Files.exists(store()), "no empty store created");
      assertTrue(Files.exists(marker()), "still refused at the next start");
      assertEquals(bindsBefore, smsc.binds.get(), "no link bound");
   }

   @Test
   void aMissingStoreStopsTheStartUntilItIsRestoredAndThenTheReceiptStillCorrelates() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port); LogCapture log = LogCapture.start()) {
         configureLink(port);
         JsmppSmsc.Received submit = firstStartWithAnMtAwaitingItsReceipt(smsc, log);
         Path backup = dir.resolve("backup");
         Files.createDirectories(backup);
         copy(store(), backup.resolve("sms-correlation"));
         delete(store());

         int bindsBefore = smsc.binds.get();
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            assertRefused(log, broker, smsc, bindsBefore);
         }

         // The operator restores the directory: the links start and the receipt finds its MT.
         Files.move(backup.resolve("sms-correlation"), store());
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            assertTrue(broker.server().isStarted());
            Wait.until("link bound again", Duration.ofSeconds(10), () -> smsc.binds.get() > bindsBefore && smsc.hasBoundSession());
            smsc.sendReceipt(submit, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            TextMessage dr = receiveDr(broker);
            assertNotNull(dr, "the MT's report");
            assertEquals("00000000000000f1", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
         }
         assertEquals(1, log.count("ERROR", ERROR_PART, store().toString()), "said once, at the refused start");
      }
   }

   @Test
   void deletingTheMarkerAcceptsTheLossAndTheLinksStartWithAnEmptyStore() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port); LogCapture log = LogCapture.start()) {
         configureLink(port);
         firstStartWithAnMtAwaitingItsReceipt(smsc, log);
         delete(store());

         int bindsBefore = smsc.binds.get();
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            assertRefused(log, broker, smsc, bindsBefore);
         }

         Files.delete(marker());
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            assertTrue(broker.server().isStarted());
            Wait.until("link bound again", Duration.ofSeconds(10), () -> smsc.binds.get() > bindsBefore && smsc.hasBoundSession());
            assertTrue(Files.exists(store()), "a new, empty store");
            assertTrue(Files.exists(marker()), "marked again: a later loss is caught too");
         }
         assertEquals(1, log.count("ERROR", ERROR_PART, store().toString()), "nothing more said once accepted");
      }
   }

   /** A store from a gateway that wrote no marker yet (an upgrade): it is marked, quietly. */
   @Test
   void aStoreWithoutAMarkerIsMarkedQuietly() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port); LogCapture log = LogCapture.start()) {
         configureLink(port);
         firstStartWithAnMtAwaitingItsReceipt(smsc, log);
         assertTrue(Files.exists(marker()), "the first start marks the journal");
         Files.delete(marker());
         int bindsBefore = smsc.binds.get();
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            assertTrue(broker.server().isStarted());
            Wait.until("link bound again", Duration.ofSeconds(10), () -> smsc.binds.get() > bindsBefore && smsc.hasBoundSession());
            assertTrue(Files.exists(marker()));
         }
         assertEquals(List.of(), log.lines("ERROR", ERROR_PART));
      }
   }
}
