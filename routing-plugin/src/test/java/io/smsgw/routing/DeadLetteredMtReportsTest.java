package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MT whose delivery attempts run out on the queue where it waits (every hand-over ended in a rollback or a failed
 * delivery: a peer gateway refusing its FWD, a consumer that fails) is dead-lettered by the broker. It must still end
 * with a final report to its sender and a billing record: UNDELIV with error code 111, and it leaves the dead-letter
 * queue with them, as an expired MT leaves sms.expired with its EXPIRED report. Before, it stayed on sms.dlq and the
 * sender never heard of it.
 */
class DeadLetteredMtReportsTest {

   private static final String LINK_QUEUE = SmsAddresses.smscLinkQueue("sim");
   private static final Duration TIMEOUT = Duration.ofSeconds(10);

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private TestBroker start(int smscPort) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes { mt = [ { prefix = "86138", links = [ sim ] } ] }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
      return TestBroker.smpp(dir, "").configure(cfg -> {
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         TestBroker.withDeadLetterQueue(cfg);
         cfg.getAddressSettings().get("sms.#").setMaxDeliveryAttempts(2);
      }).start();
   }

   @Test
   void anMtDeadLetteredAfterItsLastAttemptGetsAnUndelivReportAndABillingRecord() throws Exception {
      int port = JsmppSmsc.freePort(); // no SMSC there: the link never binds, the MT waits on its queue
      try (TestBroker broker = start(port);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = RoutingEndToEndTest.billingSubscription(jms);
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         TextMessage mt = session.createTextMessage("Your code is 4711");
         mt.setStringProperty("smsAccount", "app1");
         mt.setStringProperty("smsSource", "10086");
         mt.setStringProperty("smsDestination", "8613800138001");
         mt.setJMSCorrelationID("order-7");
         session.createProducer(session.createQueue(SmsAddresses.MT)).send(mt);
         Wait.until("the MT waits for its link", TIMEOUT, () -> broker.messageCount(LINK_QUEUE) == 1);

         // Two hand-overs that fail (max-delivery-attempts 2): the broker dead-letters the MT at the second rollback.
         Session failing = jms.createSession(true, Session.SESSION_TRANSACTED);
         MessageConsumer consumer = failing.createConsumer(failing.createQueue(LINK_QUEUE));
         for (int attempt = 1; attempt <= 2; attempt++) {
            assertNotNull(consumer.receive(10_000), "hand-over " + attempt);
            failing.rollback();
         }
         consumer.close();

         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         Message report = reports.receive(10_000);
         assertNotNull(report, "the application got a final report for its dead-lettered MT");
         assertEquals("UNDELIV", report.getStringProperty("smsStatus"));
         assertEquals("111", report.getStringProperty("smsErrorCode"), "UNDELIV 111: its delivery attempts ran out");
         assertEquals("order-7", report.getJMSCorrelationID(), "the report names the MT the application sent");
         assertEquals("8613800138001", report.getStringProperty("smsSource"), "from the handset");
         Message record = billing.receive(10_000);
         assertNotNull(record, "billing saw the MT's final state");
         assertEquals("UNDELIV", record.getStringProperty("smsStatus"));
         Wait.until("the MT left the dead-letter queue with its report", TIMEOUT,
                    () -> broker.messageCount(TestBroker.DEAD_LETTERS) == 0 && broker.messageCount(LINK_QUEUE) == 0);
      }
   }
}
