package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.MessageState;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reports an SMSC link makes for an application's MT (from the SMSC's receipt, or for a submit it refused) give
 * back what the application needs to tell which MT they are about: the MT's JMS correlation id (its smsId was given
 * by routing, so the application never saw it), its service under the property it was sent with, and each address's
 * TON/NPI, the addresses having changed places. The billing record, a copy of the report, carries the same.
 */
class LinkReportFieldsTest {

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
      return TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
   }

   private static TextMessage mt(Session session, String destination) throws Exception {
      TextMessage mt = session.createTextMessage("Your code is 4711");
      mt.setStringProperty("smsAccount", "app1");
      mt.setStringProperty("smsSource", "10086");
      mt.setStringProperty("smsDestination", destination);
      return mt;
   }

   @Test
   void theDeliveredReportOfAnMtWithoutSmsIdCarriesItsCorrelationId() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = start(port);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = RoutingEndToEndTest.billingSubscription(jms);
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT));

         TextMessage mt = mt(session, "8613800138001");
         mt.setJMSCorrelationID("order-42");
         producer.send(mt);
         JsmppSmsc.Received atSmsc = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(atSmsc, "the MT reached the SMSC");
         smsc.sendReceipt(atSmsc, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);

         Message report = reports.receive(10_000);
         assertNotNull(report, "the application got the report");
         assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
         assertEquals("order-42", report.getJMSCorrelationID(), "the report names the MT the application sent");
         assertNotNull(report.getStringProperty("smsId"), "routing gave the MT an id");
         assertFalse(report.propertyExists("smsSourceTon"), "the MT gave no TON: the report makes none up");
         assertFalse(report.propertyExists("smsDestinationNpi"));
         Message record = billing.receive(10_000);
         assertNotNull(record, "the MT was billed");
         assertEquals("order-42", record.getJMSCorrelationID());
      }
   }

   @Test
   void anSmppServiceTypeComesBackAsServiceTypeNotAsServiceId() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = start(port);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = RoutingEndToEndTest.billingSubscription(jms);
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT));

         TextMessage mt = mt(session, "8613800138002");
         mt.setStringProperty("smsServiceType", "WAP");
         producer.send(mt);
         JsmppSmsc.Received atSmsc = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(atSmsc, "the MT reached the SMSC");
         smsc.sendReceipt(atSmsc, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);

         Message report = reports.receive(10_000);
         assertNotNull(report, "the application got the report");
         assertEquals("WAP", report.getStringProperty("smsServiceType"));
         assertFalse(report.propertyExists("smsServiceId"), "no CMPP Service_Id was sent");
         Message record = billing.receive(10_000);
         assertNotNull(record, "the MT was billed");
         assertEquals("WAP", record.getStringProperty("smsServiceType"));
         assertFalse(record.propertyExists("smsServiceId"));
      }
   }

   @Test
   void theReportOfARefusedSubmitFromAnAlphanumericSenderCarriesTheSwappedTonAndNpi() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = start(port);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         jms.start();
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         smsc.refuseWith.set(0x45); // ESME_RSUBMITFAIL
         MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT));

         TextMessage mt = mt(session, "8613800138003");
         mt.setStringProperty("smsSource", "MyBrand");
         mt.setByteProperty("smsSourceTon", (byte) 5);
         mt.setByteProperty("smsSourceNpi", (byte) 0);
         mt.setByteProperty("smsDestinationTon", (byte) 1);
         mt.setByteProperty("smsDestinationNpi", (byte) 1);
         producer.send(mt);

         Message report = reports.receive(10_000);
         assertNotNull(report, "the application got the report");
         assertEquals("REJECTD", report.getStringProperty("smsStatus"));
         assertEquals("8613800138003", report.getStringProperty("smsSource"));
         assertTrue(report.propertyExists("smsSourceTon") && report.propertyExists("smsDestinationTon"), "the report has TON/NPI");
         assertEquals(1, report.getIntProperty("smsSourceTon"), "from the number, with its TON");
         assertEquals(1, report.getIntProperty("smsSourceNpi"), "and its NPI");
         assertEquals("MyBrand", report.getStringProperty("smsDestination"));
         assertEquals(5, report.getIntProperty("smsDestinationTon"), "to the brand, which keeps TON 5");
         assertEquals(0, report.getIntProperty("smsDestinationNpi"));
      }
   }
}
