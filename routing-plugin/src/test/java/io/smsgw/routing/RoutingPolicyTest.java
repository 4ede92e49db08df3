package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.TrafficCounters;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.persistence.impl.journal.JournalStorageManager;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Failover between the links of a route, and EXPIRED reports for MT that expire before any SMSC took them. */
class RoutingPolicyTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void writeConfig(int port1, int port2) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         links {
           one { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 200ms }
           two { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 200ms }
         }
         routes { mt = [ { prefix = "86", links = [ { link = one, weight = 5 }, { link = two, weight = 1 } ] } ] }
         """.formatted(port1, port2));
      System.setProperty("smsgw.config", file.toString());
   }

   private static void sendMt(Session session, String destination, String text, long validityMillis) throws Exception {
      sendMt(session, destination, text, validityMillis, null);
   }

   /** {@code kind}: the smsKind the application writes, null for none. */
   private static void sendMt(Session session, String destination, String text, long validityMillis, String kind)
      throws Exception {
      MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT));
      TextMessage mt = session.createTextMessage(text);
      if (kind != null) {
         mt.setStringProperty("smsKind", kind);
      }
      mt.setStringProperty("smsAccount", "app1");
      mt.setStringProperty("smsSource", "10086");
      mt.setStringProperty("smsDestination", destination);
      if (validityMillis > 0) {
         mt.setLongProperty("smsValidityTime", System.currentTimeMillis() + validityMillis);
         mt.setJMSExpiration(System.currentTimeMillis() + validityMillis);
         producer.setTimeToLive(validityMillis);
      }
      producer.send(mt);
      producer.close();
   }

   @Test
   void aRouteFailsOverToItsLinkThatIsUp() throws Exception {
      int downPort = JsmppSmsc.freePort();
      int upPort = JsmppSmsc.freePort();
      writeConfig(downPort, upPort);
      try (JsmppSmsc up = new JsmppSmsc(upPort);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         // Routing fails over to links the gateway counts as up: bound in every role, as the link saw its bind_resp
         // (the SMSC sees the session bound before that, and an MT routed in between may wait on link one).
         Wait.until("link two up", Duration.ofSeconds(10), () -> GatewayRuntime.of(broker.server()).links().isUp("two"));
         for (int i = 0; i < 10; i++) {
            sendMt(session, "861380013800" + i, "failover " + i, 0);
         }
         for (int i = 0; i < 10; i++) {
            assertNotNull(up.submits.poll(10, TimeUnit.SECONDS), "MT " + i + " through the link that is up, though weighted 1:5");
         }
         assertEquals(0, broker.messageCount(SmsAddresses.smscLinkQueue("one")), "nothing parked on the link that is down");
      }
   }

   @Test
   void aReportArrivingAfterMidnightCountsOnTheDayItsMtWasSubmitted() throws Exception {
      writeConfig(JsmppSmsc.freePort(), JsmppSmsc.freePort());
      LocalDate yesterday = LocalDate.now().minusDays(1);
      long submitted = yesterday.atTime(23, 59, 50).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         TrafficCounters traffic = GatewayRuntime.of(broker.server()).traffic();
         int day = TrafficCounters.dayNumber(yesterday);
         traffic.recordMt("app1", day, "svc", 1); // what the submit counted at 23:59:50
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         TextMessage dr = session.createTextMessage("");
         dr.setStringProperty("smsKind", "DR");
         dr.setStringProperty("smsId", "0000000000000042");
         dr.setStringProperty("smsAccount", "app1");
         dr.setStringProperty("smsServiceId", "svc");
         dr.setStringProperty("smsSource", "8613800138000");
         dr.setStringProperty("smsStatus", "DELIVRD");
         dr.setLongProperty("smsSubmitTime", submitted);
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.DR))) {
            producer.send(dr);
         }
         // CMPP QUERY for yesterday answers from these counters: the MT delivered, none waiting.
         Wait.until("the outcome counted yesterday", Duration.ofSeconds(10),
                    () -> traffic.snapshot("app1", day, null)[TrafficCounters.MT_DELIVERED] == 1);
         long[] counted = traffic.snapshot("app1", day, null);
         assertEquals(0, counted[TrafficCounters.MT_MESSAGES] - counted[TrafficCounters.MT_DELIVERED] - counted[TrafficCounters.MT_FAILED]);
         assertEquals(0, traffic.snapshot("app1", traffic.today(), null)[TrafficCounters.MT_DELIVERED], "nothing today");
      }
   }

   @Test
   void managementRefusesARouteThatWouldFailOrLoseEveryMtToItsPrefix() throws Exception {
      writeConfig(JsmppSmsc.freePort(), JsmppSmsc.freePort());
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> control.addMtRoute("86150", "one:0,two:0"));
         assertTrue(zero.getMessage().contains("weight must be between 1 and 1000000, got 0"), zero.getMessage());
         assertThrows(IllegalArgumentException.class, () -> control.addMtRoute("86150", "one:-1"));
         // weights that overflow the route's total, or one link listed twice, would make every MT to the prefix fail
         IllegalArgumentException huge = assertThrows(IllegalArgumentException.class, () -> control.addMtRoute("86150", "one:2147483647,two:1"));
         assertTrue(huge.getMessage().contains("weight must be between 1 and 1000000, got 2147483647"), huge.getMessage());
         IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> control.addMtRoute("86150", "one:1,one:2"));
         assertTrue(twice.getMessage().contains("link \"one\" is listed twice in this route"), twice.getMessage());
         IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> control.addMtRoute("86150", "cmcc9:1"));
         assertTrue(unknown.getMessage().contains("no link \"cmcc9\" in links"), unknown.getMessage());
         assertThrows(IllegalArgumentException.class, () -> control.addMtRoute("86x", "one"));
         assertEquals(List.of("86 -> one:5, two:1"), List.of(control.getMtRoutes()), "the routes are as the file made them");
         // and an MT to that prefix still goes where the file's route sends it (its links are down: it waits there)
         sendMt(jms.createSession(false, Session.AUTO_ACKNOWLEDGE), "8615000150000", "still routed", 0);
         Wait.until("the MT on a link of route 86", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("one")) + broker.messageCount(SmsAddresses.smscLinkQueue("two")) == 1);
         // the largest weights are accepted and share the prefix's MT between the links
         control.addMtRoute("86150", "one:1000000,two:1000000");
         sendMt(jms.createSession(false, Session.AUTO_ACKNOWLEDGE), "8615000150001", "routed by weight", 0);
         Wait.until("the MT on a link of route 86150", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("one")) + broker.messageCount(SmsAddresses.smscLinkQueue("two")) == 2);
      }
   }

   /** Links one and two (no SMSC behind them: MT wait on their queues), route 86138 to one, app1 allowed {@code mtRoutes}. */
   private void writeTwoLinkConfig(String mtRoutes) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP], mt-routes = [ %s ] } }
         links {
           one { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 200ms }
           two { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 200ms }
         }
         routes { mt = [ { prefix = "86138", links = [ one ] } ] }
         """.formatted(mtRoutes, JsmppSmsc.freePort(), JsmppSmsc.freePort()));
      System.setProperty("smsgw.config", file.toString());
   }

   /** An account allowed "+86138" in its mt-routes may use the file's route "86138": one route, written two ways. */
   @Test
   void anAccountMayUseTheRouteItsMtRoutesNameInAnotherForm() throws Exception {
      writeTwoLinkConfig("\"+86138\"");
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         sendMt(jms.createSession(false, Session.AUTO_ACKNOWLEDGE), "8613800138000", "allowed +86138", 0);
         Wait.until("app1's MT on link one, not refused as unrouted", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("one")) == 1);
      }
   }

   /**
    * "86138", "+86138" and "0086138" are one route to management: adding one replaces the other instead of shadowing
    * it, and removing one removes the other.
    */
   @Test
   void managementReplacesAndRemovesARouteWrittenInAnyOfItsForms() throws Exception {
      writeTwoLinkConfig("");
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         String one = SmsAddresses.smscLinkQueue("one");
         String two = SmsAddresses.smscLinkQueue("two");
         control.addMtRoute("+86138", "two");
         assertEquals(List.of("+86138 -> two:1"), List.of(control.getMtRoutes()), "one route, replaced, not a second one beside it");
         sendMt(session, "8613800138001", "through the replaced route", 0);
         Wait.until("the MT on link two", Duration.ofSeconds(10), () -> broker.messageCount(two) == 1);

         assertTrue(control.removeMtRoute("86138"), "the route is removed in another of its forms");
         assertEquals(List.of(), List.of(control.getMtRoutes()));
         sendMt(session, "8613800138002", "no route now", 0);
         Wait.until("the MT without route counted as unrouted", Duration.ofSeconds(10),
                    () -> control.getAccountCounters("app1")[1] == 1);
         assertEquals(List.of(0L, 1L), List.of(broker.messageCount(one), broker.messageCount(two)), "nothing more on the links");
         assertFalse(control.removeMtRoute("0086138"), "nothing left to remove");
      }
   }

   @ParameterizedTest(name = "smsKind {0}")
   @NullSource
   @ValueSource(strings = {"MT", "mt"})
   void anMtThatExpiresWhileWaitingGetsAnExpiredReportAndANonBillableRecord(String kind) throws Exception {
      int downPort = JsmppSmsc.freePort();
      writeConfig(downPort, JsmppSmsc.freePort());
      try (TestBroker broker = TestBroker.smpp(dir, "")
              .configure(cfg -> cfg.setMessageExpiryScanPeriod(100).registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing");
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer billing = session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         sendMt(session, "8613800138099", "too late", 1000, kind);
         Message report = reports.receive(15_000);
         assertNotNull(report, "EXPIRED report for the sender");
         assertEquals("EXPIRED", report.getStringProperty("smsStatus"));
         assertEquals("8613800138099", report.getStringProperty("smsSource"));
         Message record = billing.receive(10_000);
         assertNotNull(record, "its billing record");
         assertEquals("EXPIRED", record.getStringProperty("smsStatus"));
         assertFalse(record.getBooleanProperty("smsBillable"));
      }
   }

   /** Its SP's queue refuses everything while one message (the filler) waits there: address full, FAIL policy. */
   private static void refusingAccountQueue(org.apache.activemq.artemis.core.config.Configuration cfg) {
      cfg.addAddressSetting(SmsAddresses.accountQueue("app1"), new AddressSettings().setMaxSizeBytes(1L)
            .setAddressFullMessagePolicy(AddressFullMessagePolicy.FAIL))
         .addQueueConfiguration(QueueConfiguration.of(SmsAddresses.accountQueue("app1")).setRoutingType(RoutingType.ANYCAST));
   }

   /** Sends an MT that expires on link one (down) while the SP's queue refuses its report; returns once it expired. */
   private static void anMtExpiresWhileItsReportIsRefused(TestBroker broker, Session session) throws Exception {
      session.createProducer(session.createQueue(SmsAddresses.accountQueue("app1"))).send(session.createTextMessage("filler"));
      sendMt(session, "8613800138098", "expires waiting", 1000);
      // Waited for, not inferred from another message's expiry: on a busy machine the scan may reach the link's
      // queue after a later-expiring message elsewhere.
      Wait.until("the MT expired off its link's queue, its report refused", Duration.ofSeconds(15),
                 () -> broker.messageCount(SmsAddresses.smscLinkQueue("one")) + broker.messageCount(SmsAddresses.smscLinkQueue("two")) == 0
                    && broker.messageCount("sms.expired") == 1);
   }

   /** The filler first, then the EXPIRED report; and its billing record. */
   private static void theExpiredReportArrivesAfterTheFiller(Session session, MessageConsumer billing) throws Exception {
      MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
      Message filler = reports.receive(10_000);
      assertNotNull(filler);
      assertEquals("filler", ((TextMessage) filler).getText());
      Message report = reports.receive(15_000);
      assertNotNull(report, "the EXPIRED report, stored once the SP's queue takes it");
      assertEquals("EXPIRED", report.getStringProperty("smsStatus"));
      assertEquals("8613800138098", report.getStringProperty("smsSource"));
      Message record = billing.receive(10_000);
      assertNotNull(record, "its billing record");
      assertEquals("EXPIRED", record.getStringProperty("smsStatus"));
      assertFalse(record.getBooleanProperty("smsBillable"));
      assertEquals(null, reports.receive(500), "one report");
   }

   @Test
   void anExpiredReportTheSpsQueueRefusesAtFirstArrivesOnceItTakesIt() throws Exception {
      writeConfig(JsmppSmsc.freePort(), JsmppSmsc.freePort());
      try (TestBroker broker = TestBroker.smpp(dir, "")
              .configure(cfg -> {
                 cfg.setMessageExpiryScanPeriod(100).registerBrokerPlugin(new SmsRoutingPlugin());
                 refusingAccountQueue(cfg);
              }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing");
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer billing = session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
         anMtExpiresWhileItsReportIsRefused(broker, session);
         theExpiredReportArrivesAfterTheFiller(session, billing);
         Wait.until("the expired MT gone with its report", Duration.ofSeconds(10), () -> broker.messageCount("sms.expired") == 0);
      }
   }

   /**
    * An embedded broker whose journal, once {@link #failOneCommit} is called, cannot write the commit record of the next
    * transaction that acknowledges a message on sms.expired, as on a disk error; everything else is stored as usual.
    */
   private static final class CommitFailingBroker extends EmbeddedActiveMQ {
      private final AtomicBoolean armed = new AtomicBoolean();
      private final AtomicInteger failedCommits = new AtomicInteger();
      private volatile long expiredQueueId = -1;

      void failOneCommit() {
         expiredQueueId = getActiveMQServer().locateQueue(SimpleString.of(SmsAddresses.EXPIRED)).getID();
         armed.set(true);
      }

      @Override
      public void createActiveMQServer() {
         if (activeMQServer != null) {
            return;
         }
         activeMQServer = new ActiveMQServerImpl(configuration, new ActiveMQJAASSecurityManager()) {
            @Override
            protected StorageManager createStorageManager() {
               JournalStorageManager journal = new JournalStorageManager(getConfiguration(), getCriticalAnalyzer(), executorFactory,
                                                                         scheduledPool, ioExecutorFactory, ioCriticalErrorListener) {
                  private final Set<Long> ackingExpired = ConcurrentHashMap.newKeySet();

                  @Override
                  public void storeAcknowledgeTransactional(long txID, long queueID, long messageID) throws Exception {
                     if (queueID == expiredQueueId && armed.get()) {
                        ackingExpired.add(txID);
                     }
                     super.storeAcknowledgeTransactional(txID, queueID, messageID);
                  }

                  @Override
                  public void commit(long txID, boolean lineUpContext) throws Exception {
                     if (ackingExpired.remove(txID) && armed.compareAndSet(true, false)) {
                        failedCommits.incrementAndGet();
                        throw new IOException("test: the commit record could not be written");
                     }
                     super.commit(txID, lineUpContext);
                  }
               };
               getCriticalAnalyzer().add(journal);
               return journal;
            }
         };
      }
   }

   @Test
   void anExpiredMtWhoseReportsCommitFailedGetsItsReportOnTheRetry() throws Exception {
      writeConfig(JsmppSmsc.freePort(), JsmppSmsc.freePort());
      org.apache.activemq.artemis.core.config.Configuration cfg = TestBroker.configuration(dir, "SMPP", "");
      cfg.setMessageExpiryScanPeriod(100).registerBrokerPlugin(new SmsRoutingPlugin());
      cfg.addQueueConfiguration(QueueConfiguration.of(SmsAddresses.accountQueue("app1")).setRoutingType(RoutingType.ANYCAST));
      CommitFailingBroker embedded = new CommitFailingBroker();
      embedded.setConfiguration(cfg);
      try (TestBroker broker = TestBroker.wrap(embedded.start(), "SMPP");
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing");
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer billing = session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         embedded.failOneCommit();
         sendMt(session, "8613800138097", "its report's commit fails", 1000);
         Wait.until("the journal failed the commit of the EXPIRED report", Duration.ofSeconds(15),
                    () -> embedded.failedCommits.get() == 1);
         Message report = reports.receive(15_000);
         assertNotNull(report, "the EXPIRED report, stored by the retry");
         assertEquals("EXPIRED", report.getStringProperty("smsStatus"));
         assertEquals("8613800138097", report.getStringProperty("smsSource"));
         Message record = billing.receive(10_000);
         assertNotNull(record, "its billing record");
         assertEquals("EXPIRED", record.getStringProperty("smsStatus"));
         assertEquals(null, reports.receive(500), "one report");
         Wait.until("the expired MT gone with its report", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.EXPIRED) == 0);
      }
   }

   @Test
   void anExpiredMtWhoseReportWasNotStoredYetGetsItAfterARestart() throws Exception {
      writeConfig(JsmppSmsc.freePort(), JsmppSmsc.freePort());
      try (TestBroker broker = TestBroker.smpp(dir, "")
              .configure(cfg -> {
                 cfg.setMessageExpiryScanPeriod(100).registerBrokerPlugin(new SmsRoutingPlugin());
                 refusingAccountQueue(cfg);
              }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing");
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr").close();
         anMtExpiresWhileItsReportIsRefused(broker, session);
      }
      // the broker stops with the report still refused; it comes back with the same configuration
      try (TestBroker broker = TestBroker.smpp(dir, "")
              .configure(cfg -> {
                 cfg.setMessageExpiryScanPeriod(100).registerBrokerPlugin(new SmsRoutingPlugin());
                 refusingAccountQueue(cfg);
              }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing");
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         theExpiredReportArrivesAfterTheFiller(session, session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr"));
      }
   }

   @Test
   void theNoRouteReportAndItsBillingRecordOutliveTheMtsValidity() throws Exception {
      writeConfig(JsmppSmsc.freePort(), JsmppSmsc.freePort());
      String canary = "canary";
      try (TestBroker broker = TestBroker.smpp(dir, "")
              .configure(cfg -> {
                 cfg.setMessageExpiryScanPeriod(100).registerBrokerPlugin(new SmsRoutingPlugin());
                 // the SP's queue exists (it connected once) but nobody reads it while the MT's validity runs out
                 cfg.addQueueConfiguration(QueueConfiguration.of(SmsAddresses.accountQueue("app1")).setRoutingType(RoutingType.ANYCAST))
                    .addQueueConfiguration(QueueConfiguration.of(canary).setRoutingType(RoutingType.ANYCAST));
              }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing");
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr").close(); // reads in batches, later
         sendMt(session, "4412345678", "nowhere", 1000);
         // a message that expires after the MT: once the expiry scan removed it, it has passed everything the MT left
         MessageProducer producer = session.createProducer(session.createQueue(canary));
         producer.setTimeToLive(1500);
         producer.send(session.createTextMessage("canary"));
         Wait.until("the expiry scan passed the MT's validity", Duration.ofSeconds(15), () -> broker.messageCount(canary) == 0);
         jms.start();
         Message report = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1"))).receive(10_000);
         assertNotNull(report, "the UNDELIV report waits for its SP");
         assertEquals("UNDELIV", report.getStringProperty("smsStatus"));
         assertEquals(MtRouteTransformer.NO_ROUTE, report.getStringProperty("smsErrorCode"));
         Message record = session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr").receive(10_000);
         assertNotNull(record, "its billing record waits for the billing system");
         assertEquals("UNDELIV", record.getStringProperty("smsStatus"));
      }
   }

   @Test
   void aLongMessageGetsOneRecordPerSegmentAndOneRolledUpRecord() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port, JsmppSmsc.freePort()); // link two stays down: receipts come back on the link that sent
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing");
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer billing = session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
         Wait.until("links bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         sendMt(session, "8613800138077", "A long message ".repeat(15), 0); // 225 GSM characters: two segments
         JsmppSmsc.Received first = smsc.submits.poll(10, TimeUnit.SECONDS);
         JsmppSmsc.Received second = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(first);
         assertNotNull(second);
         smsc.sendReceipt(first, org.jsmpp.util.DeliveryReceiptState.DELIVRD, org.jsmpp.bean.MessageState.DELIVERED);
         smsc.sendReceipt(second, org.jsmpp.util.DeliveryReceiptState.DELIVRD, org.jsmpp.bean.MessageState.DELIVERED);
         int segments = 0;
         Message rollup = null;
         for (int i = 0; i < 3; i++) {
            Message record = billing.receive(10_000);
            assertNotNull(record, "record " + i);
            if (record.propertyExists("smsRollup")) {
               rollup = record;
            } else {
               segments++;
               assertEquals(2, record.getIntProperty("smsSegmentTotal"));
            }
         }
         assertEquals(2, segments, "one record per segment");
         assertNotNull(rollup, "one rolled-up record");
         assertEquals("DELIVRD", rollup.getStringProperty("smsStatus"));
         assertFalse(rollup.getBooleanProperty("smsBillable"), "the segments are billed, not the roll-up");
         assertFalse(rollup.propertyExists("smsSegmentNumber"));
      }
   }

   /** An application's final report for one segment of a long message of app1's to 8613800138077. */
   private static void sendSegmentReport(Session session, String smsId, int number, String status) throws Exception {
      TextMessage dr = session.createTextMessage("");
      dr.setStringProperty("smsKind", "DR");
      dr.setStringProperty("smsId", smsId);
      dr.setStringProperty("smsAccount", "app1");
      dr.setStringProperty("smsSource", "8613800138077");
      dr.setStringProperty("smsStatus", status);
      dr.setIntProperty("smsSegmentRef", 0); // what a CMPP SUBMIT without UDH always carries
      dr.setIntProperty("smsSegmentTotal", 2);
      dr.setIntProperty("smsSegmentNumber", number);
      try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.DR))) {
         producer.send(dr);
      }
   }

   interface BillingScenario {
      void run(Session session, MessageConsumer billing) throws Exception;
   }

   /** A broker with the routing plugin (no link up) and a billing system subscribed durably to sms.billing. */
   private void withBilling(BillingScenario scenario) throws Exception {
      writeConfig(JsmppSmsc.freePort(), JsmppSmsc.freePort());
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing");
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         scenario.run(session, session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr"));
      }
   }

   /** The next {@code count} billing records. */
   private static List<Message> records(MessageConsumer billing, int count) throws Exception {
      List<Message> records = new ArrayList<>();
      for (int i = 0; i < count; i++) {
         Message record = billing.receive(10_000);
         assertNotNull(record, "record " + i + " of " + count);
         records.add(record);
      }
      return records;
   }

   @Test
   void twoLongMessagesWithTheSameReferenceGetARolledUpRecordEach() throws Exception {
      withBilling((session, billing) -> {
         // two messages in flight at once, each segment with its own Msg_Id; the first's second segment failed
         sendSegmentReport(session, "a1", 1, "DELIVRD");
         sendSegmentReport(session, "b1", 1, "DELIVRD");
         sendSegmentReport(session, "a2", 2, "UNDELIV");
         sendSegmentReport(session, "b2", 2, "DELIVRD");
         List<String> rollups = new ArrayList<>();
         for (Message record : records(billing, 6)) { // four segments and two rolled-up
            if (record.propertyExists("smsRollup")) {
               rollups.add(record.getStringProperty("smsStatus"));
            }
         }
         assertEquals(List.of("UNDELIV", "DELIVRD"), rollups, "each message's own outcome");
      });
   }

   @Test
   void aDeliveredStateInAnotherCaseOrLongFormBillsAsDelivered() throws Exception {
      withBilling((session, billing) -> {
         sendSegmentReport(session, "c1", 1, "delivered");
         sendSegmentReport(session, "c2", 2, "Delivrd");
         for (Message record : records(billing, 3)) { // two segments and the rolled-up one
            assertEquals("DELIVRD", record.getStringProperty("smsStatus"), "the state routing read");
            assertEquals(!record.propertyExists("smsRollup"), record.getBooleanProperty("smsBillable"), "each delivered segment bills");
         }
      });
   }

   @Test
   void reportsGoToTheQueuesTheAcceptorsReadUnderTheirAccountQueuePrefix() throws Exception {
      writeConfig(JsmppSmsc.freePort(), JsmppSmsc.freePort());
      try (TestBroker broker = TestBroker.smpp(dir, ";smppAccountQueuePrefix=custom.sp.")
              .configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer sessionQueue = session.createConsumer(session.createQueue("custom.sp.app1")); // what app1's binds read
         sendSegmentReport(session, "p1", 1, "DELIVRD");
         Message report = sessionQueue.receive(10_000);
         assertNotNull(report, "the report on the queue app1's sessions read");
         assertEquals("p1", report.getStringProperty("smsId"));
         assertEquals(0, broker.messageCount(SmsAddresses.accountQueue("app1")), "nothing on a queue nobody reads");
      }
   }

   @Test
   void acceptorsThatReadAccountQueuesUnderDifferentPrefixesAreRefused() {
      // the acceptor URL's protocol parameters end up in the extra parameters
      String netty = org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory.class.getName();
      TransportConfiguration custom = new TransportConfiguration(netty, Map.of("protocols", "SMPP"), "smpp",
                                                                 Map.of("smppAccountQueuePrefix", "custom.sp."));
      TransportConfiguration plain = new TransportConfiguration(netty, Map.of("protocols", "CMPP"), "cmpp");
      TransportConfiguration core = new TransportConfiguration(netty, Map.of("protocols", "CORE"), "core");
      // an in-VM acceptor lists no protocols, yet carries no SMPP or CMPP connection: it does not disagree
      TransportConfiguration inVm = new TransportConfiguration(
         org.apache.activemq.artemis.core.remoting.impl.invm.InVMAcceptorFactory.class.getName(), Map.of("serverId", 0), "in-vm");
      Set<String> installed = Set.of("CORE", "SMPP", "CMPP");
      assertEquals("custom.sp.", SmsRoutingPlugin.accountQueuePrefix(List.of(custom, core, inVm), installed));
      assertEquals(SmsAddresses.ACCOUNT_PREFIX, SmsRoutingPlugin.accountQueuePrefix(List.of(plain, core), installed));
      IllegalStateException e = assertThrows(IllegalStateException.class,
                                             () -> SmsRoutingPlugin.accountQueuePrefix(List.of(custom, plain), installed));
      assertTrue(e.getMessage().contains("custom.sp.=smpp (SMPP)") && e.getMessage().contains("sms.sp.=cmpp (CMPP)"), e.getMessage());
   }

   @Test
   void aReportForAnMtFromAnotherGatewayGoesBackThereUnbilled() throws Exception {
      withBilling((session, billing) -> {
         MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.DR));
         String fromGuangzhou = io.smsgw.core.id.CmppMsgId.toHex(new io.smsgw.core.id.CmppMsgId(11, 26, 13, 45, 30, 20001, 1).toLong());
         TextMessage dr = session.createTextMessage("");
         dr.setStringProperty("smsKind", "DR");
         dr.setStringProperty("smsId", fromGuangzhou); // a Msg_Id issued by 020001
         dr.setStringProperty("smsAccount", "901234");
         dr.setStringProperty("smsStatus", "DELIVRD");
         dr.setStringProperty("smsOriginGateway", "020001");
         producer.send(dr);
         try (MessageConsumer toOrigin = session.createConsumer(session.createQueue(SmsAddresses.gatewayQueue("020001")))) {
            Message back = toOrigin.receive(10_000);
            assertNotNull(back, "the report travels back to the gateway the MT came from");
            assertEquals(fromGuangzhou, back.getStringProperty("smsId"));
         }
         assertEquals(null, billing.receive(500), "the origin gateway bills, not this one");
      });
   }
}
