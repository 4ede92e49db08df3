package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.TrafficCounters;
import io.smsgw.smpp.client.JsmppSmsc;
import io.smsgw.smpp.codec.SmppStatus;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.persistence.impl.journal.JournalStorageManager;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceIfPresentFlag;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.SubmitMultiResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the routing bean shows an operator: per-account counters that match the messages the gateway stored (not the
 * attempts: a submit the journal failed, a group send rolled back, a report sent twice), CMPP QUERY's counters that an
 * odd smsSubmitTime neither breaks nor wipes, and each account's open sessions and quota use. Read over JMX, as an
 * operator reads them, from a real broker whose journal can be made to fail.
 */
class RoutingCountersTest {

   private static final String ESME = "smppclient1";
   private static final String LINK_QUEUE = SmsAddresses.smscLinkQueue("sim");
   /** Indexes of getAccountCounters. */
   private static final int SUBMITTED = 0;
   private static final int UNROUTED = 1;
   private static final int DELIVERED = 2;
   private static final int BILLED = 4;
   private static final int BILLABLE = 7;

   @TempDir
   Path dir;

   @BeforeEach
   void writeConfig() throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           smppclient1 { password = "password", protocols = [SMPP], max-sessions = 2, daily-quota = 10 }
           app1 { password = "unused", protocols = [SMPP] }
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes { mt = [ { prefix = "86138", links = [ sim ] } ] }
         """.formatted(JsmppSmsc.freePort())); // no SMSC there: MT wait on the link's queue
      System.setProperty("smsgw.config", file.toString());
   }

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   /**
    * A broker with the routing plugin, its beans in an MBeanServer of its own, and a journal that fails on request: the
    * next MT stored on the link's queue outside a transaction fails as a disk error does (its session's writes report
    * the error), or the n-th MT stored there cannot be written at all (the send throws and is rolled back).
    */
   private static final class Gateway extends EmbeddedActiveMQ implements AutoCloseable {
      private final MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
      private final AtomicBoolean failNextStore = new AtomicBoolean();
      private final AtomicInteger storesBeforeFailure = new AtomicInteger(-1);
      private TestBroker helpers;

      static Gateway start(Path dir) throws Exception {
         Configuration cfg = TestBroker.configuration(dir, "SMPP", "");
         cfg.setJMXManagementEnabled(true);
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         Gateway gateway = new Gateway();
         gateway.setConfiguration(cfg);
         gateway.setMbeanServer(gateway.mbeans);
         gateway.start();
         gateway.helpers = TestBroker.wrap(gateway, "SMPP");
         Wait.until("routing active", Duration.ofSeconds(10),
                    () -> gateway.getActiveMQServer().getManagementService().getUntypedControl("sms-routing") != null);
         return gateway;
      }

      @Override
      public void createActiveMQServer() {
         if (activeMQServer != null) {
            return;
         }
         activeMQServer = new ActiveMQServerImpl(configuration, mbeanServer, new ActiveMQJAASSecurityManager()) {
            @Override
            protected StorageManager createStorageManager() {
               JournalStorageManager journal = new JournalStorageManager(getConfiguration(), getCriticalAnalyzer(), executorFactory,
                                                                         scheduledPool, ioExecutorFactory, ioCriticalErrorListener) {
                  @Override
                  public void storeMessage(org.apache.activemq.artemis.api.core.Message message) throws Exception {
                     if (LINK_QUEUE.equals(message.getAddress()) && failNextStore.compareAndSet(true, false)) {
                        getContext().onError(ActiveMQExceptionType.IO_ERROR.getCode(), "test: the disk failed the write");
                        return;
                     }
                     refuseIfCountedDown(message);
                     super.storeMessage(message);
                  }

                  @Override
                  public void storeMessageTransactional(long txID, org.apache.activemq.artemis.api.core.Message message) throws Exception {
                     refuseIfCountedDown(message);
                     super.storeMessageTransactional(txID, message);
                  }
               };
               getCriticalAnalyzer().add(journal);
               return journal;
            }
         };
      }

      /** Throws for the MT on the link's queue that {@link #storesBeforeFailure} counted down to, in a transaction or not. */
      private void refuseIfCountedDown(org.apache.activemq.artemis.api.core.Message message) throws IOException {
         if (LINK_QUEUE.equals(message.getAddress()) && storesBeforeFailure.getAndUpdate(n -> n < 0 ? n : n - 1) == 0) {
            throw new IOException("test: the journal could not take the record");
         }
      }

      TestBroker broker() {
         return helpers;
      }

      GatewayRuntime runtime() {
         return GatewayRuntime.of(getActiveMQServer());
      }

      /** An operation of the routing bean, over JMX. */
      long[] bean(String operation, String account) throws Exception {
         return (long[]) invoke(operation, account);
      }

      /** An operation of the routing bean taking one account (none when {@code account} is null), over JMX. */
      Object invoke(String operation, String account) throws Exception {
         var config = getActiveMQServer().getConfiguration();
         ObjectName name = ObjectName.getInstance(config.getJMXDomain() + ":broker=" + ObjectName.quote(config.getName())
                                                     + ",component=sms-routing,name=\"routing\"");
         return account == null ? mbeans.invoke(name, operation, new Object[0], new String[0])
            : mbeans.invoke(name, operation, new Object[] {account}, new String[] {String.class.getName()});
      }

      /** An operation that answers with named values, over JMX. */
      @SuppressWarnings("unchecked")
      Map<String, Long> named(String operation, String account) throws Exception {
         return (Map<String, Long>) invoke(operation, account);
      }

      /** What an operator sees when the operation refuses the account: the exception the bean threw. */
      Throwable refusal(String operation, String account) {
         javax.management.RuntimeMBeanException e = assertThrows(javax.management.RuntimeMBeanException.class,
                                                                  () -> invoke(operation, account), operation + "(" + account + ")");
         return e.getCause();
      }

      long counter(String account, int index) throws Exception {
         return bean("getAccountCounters", account)[index];
      }

      /** getAccountDeliveries, for a wait's condition. */
      long[] deliveries(String account) {
         try {
            return bean("getAccountDeliveries", account);
         } catch (Exception e) {
            throw new IllegalStateException(e);
         }
      }

      /** {@link #counter} for a wait's condition. */
      boolean counterIs(String account, int index, long expected) {
         try {
            return counter(account, index) == expected;
         } catch (Exception e) {
            throw new IllegalStateException(e);
         }
      }

      @Override
      public void close() throws Exception {
         stop();
      }
   }

   private static String submitMulti(SMPPSession esme, String... recipients) throws Exception {
      org.jsmpp.bean.Address[] destinations = new org.jsmpp.bean.Address[recipients.length];
      for (int i = 0; i < recipients.length; i++) {
         destinations[i] = new org.jsmpp.bean.Address(TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, recipients[i]);
      }
      SubmitMultiResult result = esme.submitMultiple("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
         destinations, new ESMClass(), (byte) 0, (byte) 0, null, null, new RegisteredDelivery(SMSCDeliveryReceipt.DEFAULT),
         ReplaceIfPresentFlag.DEFAULT, new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0,
         "to both".getBytes(StandardCharsets.US_ASCII));
      return result.getMessageId();
   }

   @Test
   void aSubmitTheJournalFailsAndAGroupSendRolledBackAreNotCounted() throws Exception {
      try (Gateway gw = Gateway.start(dir)) {
         SMPPSession esme = RoutingEndToEndTest.bind(gw.broker(), BindType.BIND_TX, ESME, "password", null);
         gw.failNextStore.set(true);
         NegativeResponseException failed = assertThrows(NegativeResponseException.class,
                                                         () -> RoutingEndToEndTest.submit(esme, "8613800138000", "the disk fails"));
         assertEquals(SmppStatus.ESME_RSYSERR, failed.getCommandStatus());
         assertEquals(0, gw.counter(ESME, SUBMITTED), "the ESME was told it failed: nothing was submitted");
         esme.unbindAndClose(); // its session's journal context keeps the error; the ESME binds again and retries

         SMPPSession again = RoutingEndToEndTest.bind(gw.broker(), BindType.BIND_TX, ESME, "password", null);
         try {
            RoutingEndToEndTest.submit(again, "8613800138000", "the disk fails");
            assertEquals(1, gw.counter(ESME, SUBMITTED), "the retry is the one MT submitted");

            // A group send whose second message the journal cannot take is rolled back as a whole
            gw.storesBeforeFailure.set(1);
            NegativeResponseException rolledBack = assertThrows(NegativeResponseException.class,
                                                                () -> submitMulti(again, "8613800138001", "8613800138002"));
            assertEquals(SmppStatus.ESME_RSUBMITFAIL, rolledBack.getCommandStatus());
            assertEquals(1, gw.counter(ESME, SUBMITTED), "neither message of the rolled-back send counts");
            submitMulti(again, "8613800138001", "8613800138002");
            assertEquals(3, gw.counter(ESME, SUBMITTED));
            // what the refused group send had stored was rolled back with it: no SMS for a submit the ESME was told failed
            org.apache.activemq.artemis.core.server.Queue linkQueue = gw.getActiveMQServer().locateQueue(LINK_QUEUE);
            // A committed group send reaches the queue after the journal's callback, which may come after the ESME's
            // answer: wait for the three expected, then check that no more (the rolled-back send's) are there.
            Wait.until("the three MT on the link's queue", Duration.ofSeconds(10), () -> {
               linkQueue.flushExecutor();
               return linkQueue.getMessageCount() >= 3;
            });
            assertEquals(3, linkQueue.getMessageCount(), "the counter matches the MT stored");
         } finally {
            again.unbindAndClose();
         }
      }
   }

   private static TextMessage report(Session session, String smsId, Long submitTime) throws Exception {
      TextMessage dr = session.createTextMessage("");
      dr.setStringProperty("smsKind", "DR");
      dr.setStringProperty("smsId", smsId);
      dr.setStringProperty("smsAccount", "app1");
      dr.setStringProperty("smsServiceId", "svc");
      dr.setStringProperty("smsSource", "8613800138000");
      dr.setStringProperty("smsDestination", "10086");
      dr.setStringProperty("smsStatus", "DELIVRD");
      if (submitTime != null) {
         dr.setLongProperty("smsSubmitTime", submitTime);
      }
      return dr;
   }

   /** Every billing record the subscription holds now. */
   private static int drain(MessageConsumer billing) throws Exception {
      int records = 0;
      for (Message m = billing.receive(10_000); m != null; m = billing.receive(300)) {
         records++;
      }
      return records;
   }

   @Test
   void anApplicationsReportSentTwiceIsCountedAndBilledOnceLikeItsRecords() throws Exception {
      try (Gateway gw = Gateway.start(dir);
           Connection jms = new ActiveMQConnectionFactory(gw.broker().coreUrl()).createConnection()) {
         jms.setClientID("billing");
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer billing = session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
         MessageConsumer sp = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         TrafficCounters traffic = gw.runtime().traffic();
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.DR))) {
            producer.send(report(session, "00000000000000e1", null)); // no duplicate id of its own
            producer.send(report(session, "00000000000000e1", null));
         }
         assertNotNull(sp.receive(10_000), "the report");
         assertNull(sp.receive(300), "one report");
         int records = drain(billing);
         assertEquals(1, records, "one billing record");
         assertEquals(1, gw.counter("app1", DELIVERED), "delivered once");
         assertEquals(records, gw.counter("app1", BILLED), "billed as often as sms.billing has records");
         assertEquals(1, traffic.snapshot("app1", traffic.today(), null)[TrafficCounters.MT_DELIVERED],
                      "CMPP QUERY counts it once");
      }
   }

   /**
    * billed counts the records on sms.billing, as the docs and the metric routing.billing.records say, billable or not;
    * billable counts those with smsBillable true. An UNDELIV report's record is written, not billable.
    */
   @Test
   void billedCountsEveryRecordWrittenAndBillableTheOnesToCharge() throws Exception {
      try (Gateway gw = Gateway.start(dir);
           Connection jms = new ActiveMQConnectionFactory(gw.broker().coreUrl()).createConnection()) {
         jms.setClientID("billing");
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer billing = session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.DR))) {
            TextMessage undelivered = report(session, "00000000000000d1", null);
            undelivered.setStringProperty("smsStatus", "UNDELIV");
            producer.send(undelivered);
            producer.send(report(session, "00000000000000d2", null));
         }
         int billable = 0;
         int records = 0;
         for (Message m = billing.receive(10_000); m != null; m = billing.receive(records < 2 ? 10_000 : 300)) {
            records++;
            billable += m.getBooleanProperty("smsBillable") ? 1 : 0;
         }
         assertArrayEquals(new int[] {2, 1}, new int[] {records, billable}, "two records on sms.billing, one billable");
         long written = records;
         Wait.until("both records counted", Duration.ofSeconds(10), () -> gw.counterIs("app1", BILLED, written));
         assertEquals(records, gw.counter("app1", BILLED), "billed: the records written, the UNDELIV one included");
         assertEquals(billable, gw.counter("app1", BILLABLE), "billable: the DELIVRD one");
      }
   }

   /**
    * Counters (and their seven meters) exist for the configured accounts; every smsAccount the configuration does not
    * know shares one bucket, so an application or peer naming a new account on each message cannot grow them.
    */
   @Test
   void smsAccountsTheConfigurationDoesNotKnowShareOneBucketOfCounters() throws Exception {
      try (Gateway gw = Gateway.start(dir);
           Connection jms = new ActiveMQConnectionFactory(gw.broker().coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
            for (String account : new String[] {"stranger1", "stranger2", "stranger3", "app1"}) {
               TextMessage m = mt(session, "8613800138020");
               m.setStringProperty("smsAccount", account);
               producer.send(m);
            }
         }
         Wait.until("the four MT on the link's queue", Duration.ofSeconds(10), () -> gw.broker().messageCount(LINK_QUEUE) == 4);
         Wait.until("three counted for other accounts", Duration.ofSeconds(10),
                    () -> gw.counterIs("(other accounts)", SUBMITTED, 3));
         assertEquals(1, gw.counter("app1", SUBMITTED), "a configured account counts on its own");
         for (String stranger : new String[] {"stranger1", "stranger2", "stranger3"}) {
            Throwable refused = gw.refusal("accountCounters", stranger);
            assertTrue(refused.getMessage().contains("(other accounts)"), stranger + " has no counters of its own: " + refused.getMessage());
         }
      }
   }

   @Test
   void reportsWithSubmitTimesInMicroOrNanosecondsNeitherFailNorWipeQueryCounters() throws Exception {
      try (Gateway gw = Gateway.start(dir);
           Connection jms = new ActiveMQConnectionFactory(gw.broker().coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer sp = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         TrafficCounters traffic = gw.runtime().traffic();
         int today = traffic.today();
         int yesterday = TrafficCounters.dayNumber(LocalDate.now().minusDays(1));
         traffic.recordMt("other", today, "svc", 5); // what another SP's submits counted today
         traffic.recordMt("other", yesterday, "svc", 3);
         long now = System.currentTimeMillis();
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.DR))) {
            producer.send(report(session, "00000000000000f1", now * 1_000_000)); // nanoseconds
            producer.send(report(session, "00000000000000f2", now * 1_000));     // microseconds
         }
         for (String id : new String[] {"00000000000000f1", "00000000000000f2"}) {
            Message report = sp.receive(10_000);
            assertNotNull(report, "the report of " + id + " reached its SP");
            assertEquals(id, report.getStringProperty("smsId"));
         }
         assertEquals(5, traffic.snapshot("other", traffic.today(), null)[TrafficCounters.MT_MESSAGES],
                      "another SP's counters of today are still there");
         assertEquals(3, traffic.snapshot("other", yesterday, null)[TrafficCounters.MT_MESSAGES], "and of yesterday");
         assertEquals(2, traffic.snapshot("app1", traffic.today(), null)[TrafficCounters.MT_DELIVERED],
                      "both outcomes count today");
         assertEquals(2, gw.counter("app1", DELIVERED));
      }
   }

   private static TextMessage mt(Session session, String destination) throws Exception {
      TextMessage mt = session.createTextMessage("timed");
      mt.setStringProperty("smsAccount", "app1");
      mt.setStringProperty("smsSource", "10086");
      mt.setStringProperty("smsDestination", destination);
      return mt;
   }

   @Test
   void anApplicationsMtWhoseSubmitTimeIsNoMillisecondTimeGetsARejectedReport() throws Exception {
      try (Gateway gw = Gateway.start(dir);
           Connection jms = new ActiveMQConnectionFactory(gw.broker().coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer sp = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         long now = System.currentTimeMillis();
         long yesterday = LocalDate.now().minusDays(1).atTime(12, 0).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
            TextMessage micro = mt(session, "8613800138010");
            micro.setLongProperty("smsSubmitTime", now * 1_000);
            producer.send(micro);
            TextMessage text = mt(session, "8613800138011");
            text.setStringProperty("smsSubmitTime", "yesterday");
            producer.send(text);
            TextMessage seconds = mt(session, "8613800138012");
            seconds.setLongProperty("smsSubmitTime", now / 1_000);
            producer.send(seconds);
            TextMessage fine = mt(session, "8613800138013");
            fine.setLongProperty("smsSubmitTime", yesterday); // queued by the application since yesterday: a time
            producer.send(fine);
         }
         for (String handset : new String[] {"8613800138010", "8613800138011", "8613800138012"}) {
            Message report = sp.receive(10_000);
            assertNotNull(report, "a report for the MT to " + handset);
            assertEquals(handset, report.getStringProperty("smsSource"));
            assertEquals("REJECTD", report.getStringProperty("smsStatus"));
            assertEquals("069", report.getStringProperty("smsErrorCode"), "refused as the link refuses what it cannot read (decision 56)");
            long reportedSubmit = report.getLongProperty("smsSubmitTime");
            assertEquals(true, reportedSubmit >= now && reportedSubmit <= System.currentTimeMillis(),
                         "the report says when the gateway took the MT: " + reportedSubmit);
         }
         assertNull(sp.receive(300), "the MT with a real time is not refused");
         Wait.until("that MT waits for its link", Duration.ofSeconds(10), () -> gw.broker().messageCount(LINK_QUEUE) == 1);
         assertArrayEquals(new long[] {4, 3}, new long[] {gw.counter("app1", SUBMITTED), gw.counter("app1", UNROUTED)});
      }
   }

   @Test
   void theBeanShowsABoundAccountsOpenSessionsAndQuotaUse() throws Exception {
      try (Gateway gw = Gateway.start(dir)) {
         SMPPSession esme = RoutingEndToEndTest.bind(gw.broker(), BindType.BIND_TX, ESME, "password", null);
         try {
            RoutingEndToEndTest.submit(esme, "8613800138000", "one");
            submitMulti(esme, "8613800138001", "8613800138002");
            // open sessions, max-sessions, used of today's quota, daily-quota
            assertArrayEquals(new long[] {1, 2, 3, 10}, gw.bean("getAccountUsage", ESME));
            assertArrayEquals(new long[] {0, 4, 0, 0}, gw.bean("getAccountUsage", "app1"), "app1: nothing bound, the default 4 sessions, no quota");
         } finally {
            esme.unbindAndClose();
         }
         Wait.until("the session closed", Duration.ofSeconds(10), () -> {
            try {
               return gw.bean("getAccountUsage", ESME)[0] == 0;
            } catch (Exception e) {
               throw new IllegalStateException(e);
            }
         });
         assertEquals(3, gw.bean("getAccountUsage", ESME)[2], "the day's use stays");
      }
   }

   /** What getAccountDeliveries shows: its indexes, as the bean's documentation lists them. */
   private static final int MO_SENT = 0, REPORTS_SENT = 1, REDELIVERED = 2, OK = 3, TIMED_OUT = 8, WAITING = 9, IN_FLIGHT = 10,
      DEAD_LETTERED_REFUSED = 11, DEAD_LETTERED_ATTEMPTS = 12;

   @Test
   void theBeanShowsWhatWasDeliveredToAnAccountAndWhatWaitsForIt() throws Exception {
      try (Gateway gw = Gateway.start(dir);
           Connection jms = new ActiveMQConnectionFactory(gw.broker().coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         assertEquals(IllegalArgumentException.class, gw.refusal("getAccountDeliveries", "nobody").getClass(), "an unknown account");
         try (MessageProducer app1 = session.createProducer(session.createQueue(SmsAddresses.accountQueue("app1")))) {
            TextMessage mo = session.createTextMessage("for app1, never bound");
            mo.setStringProperty("smsKind", "MO");
            app1.send(mo);
         }
         // The send returns once the MO is stored; the queue counts it when its executor has filed it.
         Wait.until("its MO waits on its queue", Duration.ofSeconds(10), () -> gw.deliveries("app1")[WAITING] == 1,
                    () -> "waiting " + gw.deliveries("app1")[WAITING]);
         long[] unbound = gw.bean("getAccountDeliveries", "app1");
         assertEquals(0, unbound[MO_SENT], "app1 never bound: nothing sent");
         assertEquals(1, unbound[WAITING], "its MO waits on its queue");

         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(gw.broker(), BindType.BIND_RX, ESME, "password", inbox);
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue(ESME)))) {
            TextMessage mo = session.createTextMessage("Reply from the handset");
            mo.setStringProperty("smsKind", "MO");
            mo.setStringProperty("smsSource", "8613800138002");
            mo.setStringProperty("smsDestination", "8610086");
            producer.send(mo);
            assertNotNull(inbox.received.poll(10, java.util.concurrent.TimeUnit.SECONDS), "the MO");
            Wait.until("the MO acknowledged", Duration.ofSeconds(10), () -> gw.broker().messageCount(SmsAddresses.accountQueue(ESME)) == 0);
            long[] delivered = gw.bean("getAccountDeliveries", ESME);
            assertArrayEquals(new long[] {1, 0, 0, 1, 0}, new long[] {delivered[MO_SENT], delivered[REPORTS_SENT],
               delivered[REDELIVERED], delivered[OK], delivered[TIMED_OUT]});
            assertArrayEquals(new long[] {0, 0}, new long[] {delivered[WAITING], delivered[IN_FLIGHT]});
            assertArrayEquals(new long[] {0, 0}, new long[] {delivered[DEAD_LETTERED_REFUSED], delivered[DEAD_LETTERED_ATTEMPTS]},
                              "the dead-letter counts follow the others, whose indexes stay");
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   /**
    * The bean's counters come with their names (an operator reading them in the console or over Jolokia need not know
    * an order), and an account the gateway does not know is an error naming it, not a row of zeros that looks like a
    * quiet account. The array operations stay, deprecated, for scripts that read them by index.
    */
   @Test
   void theBeanNamesEachCounterAndRefusesAnAccountItDoesNotKnow() throws Exception {
      try (Gateway gw = Gateway.start(dir);
           Connection jms = new ActiveMQConnectionFactory(gw.broker().coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
            producer.send(mt(session, "8613800138030"));
         }
         Wait.until("the MT counted", Duration.ofSeconds(10), () -> gw.counterIs("app1", SUBMITTED, 1));

         Map<String, Long> counters = gw.named("accountCounters", "app1");
         assertEquals(List.of("submitted", "unrouted", "delivered", "failed", "billed", "moRouted", "reportsNotRequested", "billable"),
                      List.copyOf(counters.keySet()), "every counter by name, in the order of getAccountCounters");
         assertEquals(1L, counters.get("submitted"));
         assertEquals(0L, counters.get("unrouted"), "routed to link sim");
         long[] byIndex = gw.bean("getAccountCounters", "app1");
         assertArrayEquals(byIndex, counters.values().stream().mapToLong(Long::longValue).toArray(), "the deprecated array: the same values");

         assertEquals(Map.of("openSessions", 0L, "maxSessions", 4L, "quotaUsedToday", 0L, "dailyQuota", 0L), gw.named("accountUsage", "app1"));
         Map<String, Long> deliveries = gw.named("accountDeliveries", "app1");
         assertEquals(List.of("moSent", "reportsSent", "redelivered", "ok", "throttled", "rejected", "invalid", "other", "timedOut",
                              "waiting", "inFlight", "deadLetteredRefused", "deadLetteredAttempts"), List.copyOf(deliveries.keySet()));
         assertEquals(Map.of("recordsWritten", 0L, "filesClosed", 0L, "writeErrors", 0L), gw.named("cdrCounters", null));
         assertEquals(8, gw.named("accountCounters", "(other accounts)").size(), "the shared bucket is readable by its name");

         for (String operation : new String[] {"accountCounters", "accountUsage", "accountDeliveries",
            "getAccountCounters", "getAccountUsage", "getAccountDeliveries"}) {
            Throwable refused = gw.refusal(operation, "app2");
            assertEquals(IllegalArgumentException.class, refused.getClass(), operation);
            assertTrue(refused.getMessage().contains("\"app2\"") && refused.getMessage().contains("Accounts"),
                       operation + " names the account and where the known ones are: " + refused.getMessage());
         }
      }
   }
}
