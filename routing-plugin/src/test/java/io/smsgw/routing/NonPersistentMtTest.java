package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.MessageState;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application's NON_PERSISTENT MT: routing stores its copy durable, so the MT waiting for its link survives a
 * restart of the broker and is sent, and the reports and billing records made from it are durable too (before, all of
 * them were lost with the restart). And with broker security on, the refusal of an MT for an account the user may not
 * act for reaches send() for a persistent send only: the Artemis client sends NON_PERSISTENT messages without waiting
 * for the broker's answer (blockOnNonDurableSend=false), and the refused MT is dropped all the same.
 */
class NonPersistentMtTest {

   private static final String ROUTED = "00000000000000d1";
   private static final String UNROUTED = "00000000000000d2";
   private static final String RECIPIENT = "8613800138066";

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void writeConfig(int smscPort, String accounts) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { %s }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 200ms }
         }
         routes { mt = [ { prefix = "86138", links = [ sim ] } ] }
         """.formatted(accounts, smscPort));
      System.setProperty("smsgw.config", file.toString());
   }

   private TestBroker startBroker() throws Exception {
      return TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
   }

   private static TextMessage mt(Session session, String smsId, String account, String destination) throws Exception {
      TextMessage mt = session.createTextMessage("Sent NON_PERSISTENT");
      if (smsId != null) {
         mt.setStringProperty("smsId", smsId);
      }
      mt.setStringProperty("smsAccount", account);
      mt.setStringProperty("smsSource", "10086");
      mt.setStringProperty("smsDestination", destination);
      return mt;
   }

   @Test
   void aNonPersistentMtWaitingForItsLinkSurvivesARestartAndItsReportsAndRecordsAreDurable() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port, "app1 { password = \"unused\", protocols = [SMPP] }"); // no SMSC there yet: the link stays down
      try (TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing");
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr").close();
         session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1"))).close();
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            producer.send(mt(session, ROUTED, "app1", RECIPIENT));
            producer.send(mt(session, UNROUTED, "app1", "4479460000000")); // no route: an UNDELIV report at once
         }
         Wait.until("the MT on its link's queue, the other's report on the account's", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 1
                          && broker.messageCount(SmsAddresses.accountQueue("app1")) == 1);
      }

      try (TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.setClientID("billing");
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer billing = session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));

         Message undeliverable = reports.receive(10_000);
         assertNotNull(undeliverable, "the report made before the restart is still there");
         assertEquals(UNROUTED, undeliverable.getStringProperty("smsId"));
         assertEquals("UNDELIV", undeliverable.getStringProperty("smsStatus"));
         assertEquals(DeliveryMode.PERSISTENT, undeliverable.getJMSDeliveryMode());
         Message unroutedRecord = billing.receive(10_000);
         assertNotNull(unroutedRecord, "and so is its billing record");
         assertEquals(UNROUTED, unroutedRecord.getStringProperty("smsId"));

         try (JsmppSmsc smsc = new JsmppSmsc(port)) {
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "the MT waiting for its link before the restart reaches the SMSC after it");
            assertEquals(RECIPIENT, submit.destination());
            smsc.sendReceipt(submit, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            Message delivered = reports.receive(10_000);
            assertNotNull(delivered, "its report");
            assertEquals(ROUTED, delivered.getStringProperty("smsId"));
            assertEquals("DELIVRD", delivered.getStringProperty("smsStatus"));
            assertEquals(DeliveryMode.PERSISTENT, delivered.getJMSDeliveryMode());
            Message record = billing.receive(10_000);
            assertNotNull(record, "its billing record");
            assertEquals(ROUTED, record.getStringProperty("smsId"));
            assertEquals(DeliveryMode.PERSISTENT, record.getJMSDeliveryMode());
            assertNull(smsc.submits.poll(300, TimeUnit.MILLISECONDS), "sent once");
         }
      }
   }

   @Test
   void theExpiredReportOfANonPersistentMtOnAnApplicationsOwnQueueIsDurable() throws Exception {
      writeConfig(JsmppSmsc.freePort(), "app1 { password = \"unused\", protocols = [SMPP] }");
      try (TestBroker broker = TestBroker.smpp(dir, "")
              .configure(cfg -> cfg.setMessageExpiryScanPeriod(100).registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         // An application's own outbox, where an MT waits before the application hands it to sms.mt: no expiry address.
         try (MessageProducer producer = session.createProducer(session.createQueue("app1.outbox"))) {
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            producer.setTimeToLive(200);
            TextMessage mt = mt(session, "00000000000000d3", "app1", RECIPIENT);
            mt.setStringProperty("smsKind", "MT");
            producer.send(mt);
         }
         Message expired = reports.receive(10_000);
         assertNotNull(expired, "the MT's EXPIRED report");
         assertEquals("EXPIRED", expired.getStringProperty("smsStatus"));
         assertEquals(DeliveryMode.PERSISTENT, expired.getJMSDeliveryMode(), "a report is kept through a restart");
      }
   }

   private static Role role(String name, boolean send, boolean consume) {
      return new Role(name, send, consume, false, false, false, false, false, false, false, false, false, false);
   }

   private static final Role ADMIN = new Role("admin", true, true, true, true, true, true, true, true, true, true, true, true);

   @Test
   void aRefusedMtsSecurityErrorReachesSendForAPersistentSendOnly() throws Exception {
      int port = JsmppSmsc.freePort(); // no SMSC: what routing lets through waits on the link's queue
      writeConfig(port, "sp1 { password = \"pw1\", protocols = [SMPP] }\n sp2 { password = \"pw2\", protocols = [SMPP] }");
      try (TestBroker broker = TestBroker.smpp(dir, "").securityManager(new SecuredRoutingTest.AccountRoles()).configure(cfg -> {
              cfg.setSecurityEnabled(true);
              cfg.registerBrokerPlugin(new SmsRoutingPlugin());
              cfg.putSecurityRoles("#", Set.of(ADMIN));
              cfg.putSecurityRoles(SmsAddresses.MT, Set.of(ADMIN, role("sp", true, false)));
              cfg.putSecurityRoles(SmsAddresses.accountQueue("sp1"), Set.of(ADMIN, role("sp1", false, true)));
              cfg.putSecurityRoles(SmsAddresses.accountQueue("sp2"), Set.of(ADMIN, role("sp2", false, true)));
           }).start();
           Connection sp1 = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection("sp1", "pw1");
           Connection blocking = new ActiveMQConnectionFactory(broker.coreUrl() + "?blockOnNonDurableSend=true")
              .createConnection("sp1", "pw1")) {
         SmsRoutingControlMBean routing = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         Session session = sp1.createSession(false, Session.AUTO_ACKNOWLEDGE);
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
            // persistent (JMS's default): the send waits for the broker, and its refusal is the send's exception
            assertThrows(JMSSecurityException.class, () -> producer.send(mt(session, null, "sp2", "8613800138001")));
            assertEquals(1, routing.getApplicationMtRefused());

            // NON_PERSISTENT with the client's defaults: send() returns before the broker refused the MT
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            producer.send(mt(session, null, "sp2", "8613800138002"));
            Wait.until("the broker refused it all the same", Duration.ofSeconds(10), () -> routing.getApplicationMtRefused() == 2);
         }
         Session blockingSession = blocking.createSession(false, Session.AUTO_ACKNOWLEDGE);
         try (MessageProducer producer = blockingSession.createProducer(blockingSession.createQueue(SmsAddresses.MT))) {
            // NON_PERSISTENT from a client that waits for the broker's answer (blockOnNonDurableSend=true): refused in send()
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            assertThrows(JMSSecurityException.class, () -> producer.send(mt(blockingSession, null, "sp2", "8613800138003")));
            assertEquals(3, routing.getApplicationMtRefused());
            producer.send(mt(blockingSession, null, "sp1", "8613800138004"));
         }
         Wait.until("sp1's own MT routed", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 1);
         assertEquals(0, routing.getAccountCounters("sp2")[0], "nothing submitted in sp2's name");
      }
   }
}
