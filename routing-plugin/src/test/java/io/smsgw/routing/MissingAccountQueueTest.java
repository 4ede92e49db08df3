package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.MessageState;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports and MO for an account whose queue {@code sms.sp.<account>} does not exist yet (an application-only account
 * that never binds, an SMPP account that never bound as a receiver) wait for it instead of being dropped; a report
 * whose MT named no account waits on {@code sms.dr.unrouted}. The broker creates no account queue of its own accord
 * here ({@code auto-create-queues} off for {@code sms.sp.#}): what exists, the gateway made. (With it on, a send of the
 * gateway's own sessions, a link's report or MO, auto-creates a missing queue; a divert's copy never does.)
 */
class MissingAccountQueueTest {

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
         accounts {
           app2 { password = "unused", protocols = [SMPP] }
           sp9 { password = "sp9", protocols = [SMPP] }
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes {
           mt = [ { prefix = "86138", links = [ sim ] } ]
           mo = [ { prefix = "1065799", account = sp9 } ]
         }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
   }

   private static TestBroker startBroker(Path dir) throws Exception {
      return TestBroker.smpp(dir, "").configure(cfg -> {
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         // as a broker.xml may have it so that applications cannot create accounts' queues: queues only where the
         // gateway (or an operator) makes them
         cfg.addAddressSetting(SmsAddresses.ACCOUNT_PREFIX + "#", new AddressSettings().setAutoCreateQueues(false));
      }).start();
   }

   private static boolean queueExists(TestBroker broker, String queue) {
      return broker.server().locateQueue(SimpleString.of(queue)) != null;
   }

   private static MessageConsumer billing(Connection jms, Session session) throws Exception {
      jms.start();
      return session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
   }

   private static void sendMt(Session session, String account, String id, String destination) throws Exception {
      MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT));
      TextMessage mt = session.createTextMessage("from an application");
      mt.setStringProperty("smsId", id);
      if (account != null) {
         mt.setStringProperty("smsAccount", account);
      }
      mt.setStringProperty("smsSource", "10086");
      mt.setStringProperty("smsDestination", destination);
      producer.send(mt);
      producer.close();
   }

   /** An application's MT for an account that never bound: the SMSC's DELIVRD reaches a consumer that comes later. */
   @Test
   void theLinkReportOfAnApplicationOnlyAccountWaitsForItsQueue() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port);
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker(dir);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing-system");
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer billing = billing(jms, session);
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);

         sendMt(session, "app2", "00000000000007a1", "8613800138001");
         JsmppSmsc.Received atSmsc = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(atSmsc, "the MT reached the SMSC");
         smsc.sendReceipt(atSmsc, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
         Message record = billing.receive(10_000);
         assertNotNull(record, "the report was routed and billed");
         assertEquals("app2", record.getStringProperty("smsAccount"));

         // the report was stored with its billing record: the queue is there before anybody consumes it
         assertEquals(1, broker.messageCount(SmsAddresses.accountQueue("app2")), "the report waits on app2's queue");
         try (MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app2")))) {
            Message report = reports.receive(10_000);
            assertNotNull(report, "the application reads its report");
            assertEquals("00000000000007a1", report.getStringProperty("smsId"));
            assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
         }
      }
   }

   /** The report the divert makes for an application's MT without a route reaches the account's queue too. */
   @Test
   void theNoRouteReportOfAnApplicationOnlyAccountWaitsForItsQueue() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port);
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker(dir);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing-system");
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer billing = billing(jms, session);

         sendMt(session, "app2", "00000000000007a2", "999123");
         assertNotNull(billing.receive(10_000), "the no-route report was billed (not billable)");
         assertEquals(1, broker.messageCount(SmsAddresses.accountQueue("app2")), "the report waits on app2's queue");
         try (MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app2")))) {
            Message report = reports.receive(10_000);
            assertNotNull(report, "the application reads its no-route report");
            assertEquals("00000000000007a2", report.getStringProperty("smsId"));
            assertEquals("UNDELIV", report.getStringProperty("smsStatus"));
            assertEquals(MtRouteTransformer.NO_ROUTE, report.getStringProperty("smsErrorCode"));
         }
      }
   }

   /**
    * A configured account's queue an operator deleted: the report that finds it missing waits on sms.dr.unrouted
    * instead of being dropped, the queue is created again, and the next report waits there. A report for an account
    * name the configuration does not have, and whose queue nobody created, waits on sms.dr.unrouted too.
    */
   @Test
   void aReportWhoseAccountQueueIsGoneWaitsOnTheUnroutedQueueAndTheQueueComesBack() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port);
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker(dir);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         jms.start();
         String app2 = SmsAddresses.accountQueue("app2");
         // the operator deletes the queue (made at start, or here)
         broker.server().createQueue(org.apache.activemq.artemis.api.core.QueueConfiguration.of(app2)
                                        .setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.ANYCAST), true);
         broker.server().destroyQueue(SimpleString.of(app2));

         sendMt(session, "app2", "00000000000007a4", "999124");
         sendMt(session, "stranger", "00000000000007a5", "999125");
         try (MessageConsumer unrouted = session.createConsumer(session.createQueue(DrRouteTransformer.UNROUTED))) {
            Message first = unrouted.receive(10_000);
            Message second = unrouted.receive(10_000);
            assertNotNull(first, "the report whose queue was gone waits on " + DrRouteTransformer.UNROUTED);
            assertNotNull(second, "so does the report of an account nobody configured or consumed");
            assertEquals(java.util.Set.of("00000000000007a4", "00000000000007a5"),
                         java.util.Set.of(first.getStringProperty("smsId"), second.getStringProperty("smsId")));
         }
         Wait.until("app2's queue created again", Duration.ofSeconds(10), () -> queueExists(broker, app2));
         assertNull(broker.server().locateQueue(SimpleString.of(SmsAddresses.accountQueue("stranger"))),
                    "no queue for an account the configuration does not have");

         sendMt(session, "app2", "00000000000007a6", "999126");
         try (MessageConsumer reports = session.createConsumer(session.createQueue(app2))) {
            Message report = reports.receive(10_000);
            assertNotNull(report, "the next report reaches app2's queue");
            assertEquals("00000000000007a6", report.getStringProperty("smsId"));
         }
      }
   }

   /** An account a reload adds has its queue once the reload applied, and an MO for it waits there. */
   @Test
   void anAccountAReloadAddsGetsItsQueue() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port);
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker(dir)) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         String app3 = SmsAddresses.accountQueue("app3");
         assertNull(broker.server().locateQueue(SimpleString.of(app3)), "not configured yet");
         Path file = dir.resolve("sms-gateway.conf");
         Files.writeString(file, Files.readString(file)
            .replace("sp9 { password = \"sp9\", protocols = [SMPP] }", "sp9 { password = \"sp9\", protocols = [SMPP] }\n  app3 { password = \"app3\", protocols = [CMPP] }")
            .replace("account = sp9 } ]", "account = sp9 }, { prefix = \"1065733\", account = app3 } ]"));
         SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         String problems = control.reload();
         assertEquals("", problems == null ? "" : problems, "the reload applied");
         assertNotNull(broker.server().locateQueue(SimpleString.of(app3)), "the reload created app3's queue");

         smsc.sendMo("8613800138000", "10657331", "For the new account");
         Wait.until("the MO waits on app3's queue", Duration.ofSeconds(10), () -> broker.messageCount(app3) == 1);
      }
   }

   /** An MO for a configured account that never bound reaches its ESME when it binds. */
   @Test
   void anMoForAnAccountThatNeverBoundIsDeliveredWhenItBinds() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port);
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker(dir)) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         smsc.sendMo("8613800138000", "10657991", "Before the first bind");
         Wait.until("the MO routed to sp9", Duration.ofSeconds(10), () -> control.getAccountCounters("sp9")[5] == 1);
         assertEquals(1, broker.messageCount(SmsAddresses.accountQueue("sp9")), "the MO waits on sp9's queue");

         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_RX, "sp9", "sp9", inbox);
         try {
            DeliverSm mo = inbox.received.poll(10, TimeUnit.SECONDS);
            assertNotNull(mo, "the MO reached the ESME at its first bind");
            assertEquals("Before the first bind", new String(mo.getShortMessage(), StandardCharsets.US_ASCII));
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   /** An application's MT without smsAccount: its link report waits on sms.dr.unrouted, no queue "sms.sp." appears. */
   @Test
   void theReportOfAnMtWithoutAccountWaitsOnTheUnroutedQueue() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port);
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker(dir);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         jms.start();
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);

         sendMt(session, null, "00000000000007a3", "8613800138003");
         JsmppSmsc.Received atSmsc = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(atSmsc, "the MT reached the SMSC");
         smsc.sendReceipt(atSmsc, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
         try (MessageConsumer unrouted = session.createConsumer(session.createQueue(DrRouteTransformer.UNROUTED))) {
            Message report = unrouted.receive(10_000);
            assertNotNull(report, "the report waits on " + DrRouteTransformer.UNROUTED);
            assertEquals("00000000000007a3", report.getStringProperty("smsId"));
            assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
         }
         assertNull(broker.server().locateQueue(SimpleString.of(SmsAddresses.ACCOUNT_PREFIX)), "no queue for an empty account");
      }
   }
}
