package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStoreConfig;
import io.smsgw.correlation.RocksDbCorrelationStore;
import io.smsgw.correlation.SmsProtocol;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
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
 * An MT the SMSC accepted just before the gateway crashed (its correlation record durable, its acknowledgement not) is
 * back on its link's queue after the restart, and the link is down until the MT's validity has passed. Its expiry in
 * the broker makes no EXPIRED report for what the SMSC took: the SMSC's receipt, matched by the record made before the
 * crash, gives the one final report and billing record. A long MT of which the SMSC took one part of two gets an
 * EXPIRED report for the other part only. Before, the SP got EXPIRED and then DELIVRD for the same MT, and two billing
 * records.
 */
class ExpiryAfterACrashTest {

   private static final String SINGLE = "00000000000000a7";
   private static final String LONG = "00000000000000a8";
   private static final String RECIPIENT = "8613800138077";

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void writeConfig(int smscPort) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 200ms }
         }
         routes { mt = [ { prefix = "86", links = [ sim ] } ] }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
   }

   private TestBroker startBroker() throws Exception {
      return startBroker(100);
   }

   /**
    * The broker before the crash scans for nothing expired ({@code -1}): the MT must still wait on the link's queue when
    * the crash's records are written, however long a loaded host takes until then.
    */
   private TestBroker startBroker(long expiryScanMillis) throws Exception {
      return TestBroker.smpp(dir, "")
         .configure(cfg -> cfg.setMessageExpiryScanPeriod(expiryScanMillis).registerBrokerPlugin(new SmsRoutingPlugin())).start();
   }

   private static void sendMt(Session session, String smsId, String text, long validUntil) throws Exception {
      try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
         TextMessage mt = session.createTextMessage(text);
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "app1");
         mt.setStringProperty("smsSource", "10086");
         mt.setStringProperty("smsDestination", RECIPIENT);
         mt.setLongProperty("smsValidityTime", validUntil);
         producer.setTimeToLive(validUntil - System.currentTimeMillis());
         producer.send(mt);
      }
   }

   /**
    * The record the link stores once the SMSC accepted a part: what the crash left behind. Registered delivery 1: what
    * the link keeps for an MT without smsRegisteredDelivery, whose reports the application gets.
    */
   private static CorrelationRecord accepted(String smscMessageId, String smsId, int ref, int total, int number, long validUntil) {
      return new CorrelationRecord("sim", smscMessageId, smsId, "app1", null, "10086", RECIPIENT, null, 0, null, null, null,
         System.currentTimeMillis(), validUntil, ref, total, number, 1, SmsProtocol.APP, "");
   }

   /** The next billing record of a segment or single MT (the long MT's rolled-up record, once complete, is skipped). */
   private static Message segmentRecord(MessageConsumer billing) throws Exception {
      Message record = billing.receive(10_000);
      while (record != null && record.propertyExists("smsRollup") && record.getBooleanProperty("smsRollup")) {
         record = billing.receive(10_000);
      }
      return record;
   }

   @Test
   void anMtTheSmscAcceptedBeforeACrashAndThatExpiresAfterItGetsOnlyItsReceiptsReport() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port); // no SMSC there yet: the link stays down
      long validUntil = System.currentTimeMillis() + 8_000;
      Path store;
      try (TestBroker broker = startBroker(-1);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing");
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr").close();
         session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1"))).close();
         sendMt(session, SINGLE, "accepted before the crash", validUntil);
         sendMt(session, LONG, "long ".repeat(40), validUntil);
         Wait.until("both MT on the link's queue", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 2);
         store = broker.server().getConfiguration().getJournalLocation().getAbsoluteFile().getParentFile().toPath()
            .resolve("sms-correlation");
      }
      // What the crash left in the correlation store: the SMSC had accepted the single MT and part 1 of the long one.
      try (RocksDbCorrelationStore records = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(store).build())) {
         records.put(accepted("smsc-1", SINGLE, 0, 0, 0, validUntil)).toCompletableFuture().get(10, TimeUnit.SECONDS);
         records.put(accepted("smsc-2", LONG, 7, 2, 1, validUntil)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      }

      try (TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing");
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer billing = session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         Wait.until("both MT expired and handled", Duration.ofSeconds(20),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0 && broker.messageCount(SmsAddresses.EXPIRED) == 0);

         Message expired = reports.receive(10_000);
         assertNotNull(expired, "an EXPIRED report for the part no SMSC took");
         assertEquals("EXPIRED", expired.getStringProperty("smsStatus"));
         assertEquals(LONG, expired.getStringProperty("smsId"));
         assertEquals(2, expired.getIntProperty("smsSegmentNumber"));
         assertEquals(2, expired.getIntProperty("smsSegmentTotal"));
         assertEquals("EXPIRED", segmentRecord(billing).getStringProperty("smsStatus"));
         // Any EXPIRED report for what the SMSC took would have been stored with its MT's removal, so before this.
         assertNull(reports.receiveNoWait(), "no EXPIRED report for what the SMSC took");

         try (JsmppSmsc smsc = new JsmppSmsc(port)) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            smsc.sendReceipt(new JsmppSmsc.Received("smsc-1", RECIPIENT, "10086", 0, new byte[0], (byte) 0),
                             DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            smsc.sendReceipt(new JsmppSmsc.Received("smsc-2", RECIPIENT, "10086", 0, new byte[0], (byte) 0),
                             DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            for (String smsId : new String[] {SINGLE, LONG}) {
               Message delivered = reports.receive(10_000);
               assertNotNull(delivered, "the receipt's report");
               assertEquals(smsId, delivered.getStringProperty("smsId"));
               assertEquals("DELIVRD", delivered.getStringProperty("smsStatus"));
               Message record = segmentRecord(billing);
               assertNotNull(record, "its billing record");
               assertEquals("DELIVRD", record.getStringProperty("smsStatus"));
            }
            assertNull(reports.receiveNoWait(), "one final report per segment");
         }
      }
   }

   /**
    * Two crashes with a change of the link's alphabet between them: the SMSC had taken parts 1 and 2 of the MT split 3
    * ways, then (the MT sent again, split 4 ways) parts 1 and 2 of that split, and the MT then expired on the link's
    * queue. A segment counts as accepted only with its total: each split's missing parts get an EXPIRED report, 3/3,
    * 3/4 and 4/4, and the four records give the other four final states. Before, the parts were matched by number
    * alone against one of the splits: 3/3 got no final state at all.
    */
   @Test
   void eachSplitAnSmscTookPartOfGetsExpiredForItsOtherParts() throws Exception {
      String smsId = "00000000000000a9";
      int port = JsmppSmsc.freePort();
      writeConfig(port); // no SMSC there: the link stays down
      long validUntil = System.currentTimeMillis() + 8_000;
      Path store;
      try (TestBroker broker = startBroker(-1);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1"))).close();
         sendMt(session, smsId, "latin1 ".repeat(60), validUntil);
         Wait.until("the MT on the link's queue", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 1);
         store = broker.server().getConfiguration().getJournalLocation().getAbsoluteFile().getParentFile().toPath()
            .resolve("sms-correlation");
      }
      try (RocksDbCorrelationStore records = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(store).build())) {
         records.put(accepted("m-3-1", smsId, 9, 3, 1, validUntil)).toCompletableFuture().get(10, TimeUnit.SECONDS);
         records.put(accepted("m-3-2", smsId, 9, 3, 2, validUntil)).toCompletableFuture().get(10, TimeUnit.SECONDS);
         records.put(accepted("m-4-1", smsId, 9, 4, 1, validUntil)).toCompletableFuture().get(10, TimeUnit.SECONDS);
         records.put(accepted("m-4-2", smsId, 9, 4, 2, validUntil)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      }

      try (TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         Wait.until("the MT expired and handled", Duration.ofSeconds(20),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0 && broker.messageCount(SmsAddresses.EXPIRED) == 0);
         java.util.List<String> expired = new java.util.ArrayList<>();
         for (int i = 0; i < 3; i++) {
            Message report = reports.receive(10_000);
            assertNotNull(report, "EXPIRED report " + (i + 1) + " of 3");
            assertEquals("EXPIRED", report.getStringProperty("smsStatus"));
            assertEquals(9, report.getIntProperty("smsSegmentRef"));
            expired.add(report.getIntProperty("smsSegmentNumber") + "/" + report.getIntProperty("smsSegmentTotal"));
         }
         java.util.Collections.sort(expired);
         assertEquals(java.util.List.of("3/3", "3/4", "4/4"), expired);
         // All of them were stored with the MT's removal, so before this.
         assertNull(reports.receiveNoWait(), "no EXPIRED report for a part an SMSC took");
      }
   }
}
