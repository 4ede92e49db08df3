package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStoreConfig;
import io.smsgw.correlation.RocksDbCorrelationStore;
import io.smsgw.correlation.SmsProtocol;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.MessageState;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing chose among a route's links only when an MT arrived: the MT already waiting on the queue of a link that went
 * down waited for that carrier (or their validity), however healthy the route's second link was, and rerouteQueue
 * refused a configured link's queue. An operator now fails the link over (failoverLink on the routing bean, here
 * over JMX as the console calls it): the waiting MT go to another link of their
 * route that is up, and the applications get those links' receipts. An MT an SMSC already accepted stays with its link,
 * whose receipt matches its record; a bound link, an unknown one and a failover with no other link up are refused.
 */
class LinkFailoverTest {

   private static final String RECIPIENT = "8613800138000";

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   /** Links a and b (no SMSC listens until a test starts one); the route "86" names {@code routeLinks}. */
   private void writeConfig(int portA, int portB, String routeLinks) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         links {
           a { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 300ms }
           b { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 300ms }
         }
         routes { mt = [ { prefix = "86", links = [ %s ] } ] }
         """.formatted(portA, portB, routeLinks));
      System.setProperty("smsgw.config", file.toString());
   }

   /** With the application's report queue in place, so its reports wait there. */
   private TestBroker startBroker() throws Exception {
      String reports = SmsAddresses.accountQueue("app1");
      return TestBroker.smpp(dir, "").configure(cfg -> {
         cfg.setJMXManagementEnabled(true);
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         cfg.addQueueConfiguration(QueueConfiguration.of(reports).setAddress(reports).setRoutingType(RoutingType.ANYCAST));
      }).start();
   }

   private static void sendMt(Session session, String smsId) throws Exception {
      sendMt(session, smsId, RECIPIENT);
   }

   private static void sendMt(Session session, String smsId, String destination) throws Exception {
      long validUntil = System.currentTimeMillis() + 600_000;
      try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
         TextMessage mt = session.createTextMessage("waits for its carrier " + smsId);
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "app1");
         mt.setStringProperty("smsSource", "10086");
         mt.setStringProperty("smsDestination", destination);
         mt.setLongProperty("smsValidityTime", validUntil);
         producer.setTimeToLive(validUntil - System.currentTimeMillis());
         producer.send(mt);
      }
   }

   private static boolean up(TestBroker broker, String link) {
      return GatewayRuntime.of(broker.server()).links().isUp(link);
   }

   /** The routing bean's failoverLink over JMX, as the console (Jolokia) or jconsole calls it. */
   private static Object invokeFailover(TestBroker broker, String link) throws Exception {
      var config = broker.server().getConfiguration();
      ObjectName name = ObjectName.getInstance(config.getJMXDomain() + ":broker=" + ObjectName.quote(config.getName())
                                                  + ",component=sms-routing,name=\"routing\"");
      return ManagementFactory.getPlatformMBeanServer().invoke(name, "failoverLink", new Object[] {link},
                                                               new String[] {String.class.getName()});
   }

   private static String failover(TestBroker broker, String link) throws Exception {
      return (String) invokeFailover(broker, link);
   }

   /** The message of the exception the bean refused with. */
   private static String refusal(TestBroker broker, String link) {
      RuntimeMBeanException e = assertThrows(RuntimeMBeanException.class, () -> invokeFailover(broker, link), "failoverLink(" + link + ") refused");
      return e.getCause().getMessage();
   }

   private static Set<String> smsIds(Session session, String queue) throws Exception {
      Set<String> found = new TreeSet<>();
      try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
         Enumeration<?> messages = browser.getEnumeration();
         while (messages.hasMoreElements()) {
            found.add(((Message) messages.nextElement()).getStringProperty("smsId"));
         }
      }
      return found;
   }

   @Test
   void theTenMtWaitingForADownLinkMoveToTheRoutesOtherLinkAndTheApplicationGetsTheirReceipts() throws Exception {
      int portA = JsmppSmsc.freePort();
      int portB = JsmppSmsc.freePort();
      writeConfig(portA, portB, "a"); // b joins the route below, once the MT wait on a
      String queueA = SmsAddresses.smscLinkQueue("a");
      try (TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         Set<String> sent = new TreeSet<>();
         for (int i = 0; i < 10; i++) {
            String smsId = "00000000000000f" + i;
            sendMt(session, smsId);
            sent.add(smsId);
         }
         Wait.until("the ten MT waiting for link a", Duration.ofSeconds(10), () -> broker.messageCount(queueA) == 10);
         SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");

         String noLinkUp = refusal(broker, "a");
         assertTrue(noLinkUp.contains("the 10 MT on sms.smsc.a would all stay"), "says how many would stay: " + noLinkUp);
         assertEquals(10, broker.messageCount(queueA), "a refusal moves nothing");
         assertTrue(refusal(broker, "c").contains("No SMSC link \"c\""), "an unknown link is refused");

         try (JsmppSmsc smscB = new JsmppSmsc(portB)) {
            Wait.until("link b bound", Duration.ofSeconds(10), () -> up(broker, "b"));
            String notOnTheirRoute = refusal(broker, "a");
            assertTrue(notOnTheirRoute.contains("No other link of their routes is up: the 10 MT waiting on sms.smsc.a would stay"),
                       "b is up but no route of theirs names it: " + notOnTheirRoute);
            assertEquals(10, broker.messageCount(queueA), "a refusal moves nothing");

            control.addMtRoute("86", "a,b"); // the operator adds b to the route (or a reload of the file does)
            assertTrue(refusal(broker, "b").contains("is bound"), "a bound link sends its own queue");

            String outcome = failover(broker, "a");
            assertTrue(outcome.startsWith("SMSC link a: 10 MT moved"), outcome);
            assertEquals(0, broker.messageCount(queueA), "nothing waits for link a any more");

            Set<String> atB = new HashSet<>();
            for (int i = 0; i < 10; i++) {
               JsmppSmsc.Received submit = smscB.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(submit, "MT " + (i + 1) + " of 10 submitted over link b");
               atB.add(new String(submit.shortMessage(), java.nio.charset.StandardCharsets.ISO_8859_1));
               smscB.sendReceipt(submit, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            }
            assertEquals(10, atB.size(), "each MT once");

            Set<String> delivered = new TreeSet<>();
            try (MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")))) {
               for (int i = 0; i < 10; i++) {
                  Message report = reports.receive(10_000);
                  assertNotNull(report, "report " + (i + 1) + " of 10");
                  assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
                  assertEquals("b", report.getStringProperty("smsLink"));
                  delivered.add(report.getStringProperty("smsId"));
               }
               assertNull(reports.receive(200), "one report per MT");
            }
            assertEquals(sent, delivered, "the application heard DELIVRD for each of its MT");
            assertEquals(10, control.accountCounters("app1").get("submitted"), "moved, not submitted again");
         }
      }
   }

   @Test
   void anMtAnSmscAlreadyAcceptedStaysWithItsLinkWhoseReceiptReportsIt() throws Exception {
      int portA = JsmppSmsc.freePort();
      int portB = JsmppSmsc.freePort();
      writeConfig(portA, portB, "a");
      String queueA = SmsAddresses.smscLinkQueue("a");
      String taken = "00000000000000e1";
      String waiting = "00000000000000e2";
      Path store;
      try (TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         sendMt(session, taken);
         sendMt(session, waiting);
         Wait.until("both MT waiting for link a", Duration.ofSeconds(10), () -> broker.messageCount(queueA) == 2);
         store = broker.server().getConfiguration().getJournalLocation().getAbsoluteFile().getParentFile().toPath()
            .resolve("sms-correlation");
      }
      // A crash between the record and the acknowledgement: link a's SMSC had accepted the first MT (decision 100).
      long validUntil = System.currentTimeMillis() + 600_000;
      try (RocksDbCorrelationStore records = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(store).build())) {
         records.put(new CorrelationRecord("a", "smsc-a-1", taken, "app1", null, "10086", RECIPIENT, null, 0, null, null, null,
                                           System.currentTimeMillis(), validUntil, 0, 0, 0, 1, SmsProtocol.APP, ""))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
      }

      writeConfig(portA, portB, "a, b");
      try (JsmppSmsc smscB = new JsmppSmsc(portB);
           TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         Wait.until("link b bound", Duration.ofSeconds(10), () -> up(broker, "b"));
         Wait.until("both MT back on link a's queue", Duration.ofSeconds(10), () -> broker.messageCount(queueA) == 2);

         String outcome = failover(broker, "a");
         assertTrue(outcome.startsWith("SMSC link a: 1 MT moved"), outcome);
         assertTrue(outcome.contains("1 already accepted by an SMSC"), outcome);
         assertEquals(Set.of(taken), smsIds(session, queueA), "the MT with a correlation record stays with link a");

         try (MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")))) {
            JsmppSmsc.Received atB = smscB.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(atB, "the other MT goes out over link b");
            smscB.sendReceipt(atB, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            Message report = reports.receive(10_000);
            assertNotNull(report, "the moved MT's report");
            assertEquals(waiting, report.getStringProperty("smsId"));
            assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
            assertNull(smscB.submits.poll(200, TimeUnit.MILLISECONDS), "the accepted MT is not sent over link b");

            // Link a's carrier comes back: the link resolves the accepted MT without sending it, and its receipt reports it.
            try (JsmppSmsc smscA = new JsmppSmsc(portA)) {
               Wait.until("link a bound", Duration.ofSeconds(10), () -> up(broker, "a"));
               Wait.until("link a resolved the accepted MT", Duration.ofSeconds(10), () -> broker.messageCount(queueA) == 0);
               smscA.sendReceipt(new JsmppSmsc.Received("smsc-a-1", RECIPIENT, "10086", 0, new byte[0], (byte) 0),
                                 DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
               Message receipt = reports.receive(10_000);
               assertNotNull(receipt, "the accepted MT's report, from its record");
               assertEquals(taken, receipt.getStringProperty("smsId"));
               assertEquals("DELIVRD", receipt.getStringProperty("smsStatus"));
               assertNull(smscA.submits.poll(200, TimeUnit.MILLISECONDS), "not submitted a second time");
            }
         }
      }
   }

   /**
    * An MT link a had submitted when its carrier went away, its submit_sm unanswered, is held by the link (it goes
    * again after the next bind): the SMSC may have taken it, so the failover leaves it with link a and moves only what
    * waits on the queue. Link a sends it once its carrier is back.
    */
   @Test
   void anMtTheDownLinkHoldsInItsWindowStaysWithItAndGoesOutWhenItsCarrierIsBack() throws Exception {
      int portA = JsmppSmsc.freePort();
      int portB = JsmppSmsc.freePort();
      writeConfig(portA, portB, "a");
      String queueA = SmsAddresses.smscLinkQueue("a");
      String heldFor = "8613900139000";
      try (TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         try (JsmppSmsc smscA = new JsmppSmsc(portA)) {
            smscA.dropFor = heldFor; // takes the submit_sm and never answers it
            Wait.until("link a bound", Duration.ofSeconds(10), () -> up(broker, "a"));
            sendMt(session, "00000000000000d0", heldFor);
            assertNotNull(smscA.dropped.poll(10, TimeUnit.SECONDS), "link a submitted the MT");
         }
         Wait.until("link a down", Duration.ofSeconds(10), () -> !up(broker, "a"));
         for (int i = 1; i <= 3; i++) {
            sendMt(session, "00000000000000d" + i);
         }
         Wait.until("three MT waiting on link a's queue, one held by the link", Duration.ofSeconds(10),
                    () -> broker.messageCount(queueA) == 4);

         try (JsmppSmsc smscB = new JsmppSmsc(portB)) {
            Wait.until("link b bound", Duration.ofSeconds(10), () -> up(broker, "b"));
            SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
            control.addMtRoute("86", "a,b");
            String outcome = failover(broker, "a");
            assertTrue(outcome.startsWith("SMSC link a: 3 MT moved"), outcome);
            assertTrue(outcome.contains("1 held by the link itself"), outcome);
            for (int i = 0; i < 3; i++) {
               JsmppSmsc.Received atB = smscB.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(atB, "moved MT " + (i + 1) + " of 3 over link b");
               assertEquals(RECIPIENT, atB.destination(), "not the MT link a holds");
            }
            assertEquals(1, broker.messageCount(queueA), "the held MT stays with link a");

            try (JsmppSmsc smscA = new JsmppSmsc(portA)) {
               JsmppSmsc.Received again = smscA.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(again, "link a sends the MT it holds after its next bind");
               assertEquals(heldFor, again.destination());
               Wait.until("link a's queue empty", Duration.ofSeconds(10), () -> broker.messageCount(queueA) == 0);
            }
            assertNull(smscB.submits.poll(100, TimeUnit.MILLISECONDS), "link b never got the held MT");
         }
      }
   }
}
