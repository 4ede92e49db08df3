package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.TestCertificate;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import io.smsgw.smpp.client.SmscLinkControlMBean;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.MessageState;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload of the {@code links} section takes effect at once. Before, an admin who added, removed or changed an SMSC
 * link had to restart the broker (cutting every SP and ESME session): the reload only logged a WARN, a new link never
 * started (none at all when the broker had started without links), a removed link kept its bind and the MT it held,
 * and a changed link kept its old SMSC.
 */
class SmscLinkReloadTest {

   private static final String RECIPIENT = "8613800138000";

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private static String link(String id, int port) {
      return id + " { host = \"127.0.0.1\", port = " + port + ", system-id = \"gw\", password = \"pw\", window = 1,"
         + " response-timeout = 2s, reconnect-min = 200ms, reconnect-max = 1s }\n";
   }

   private void writeConfig(String links, String routes) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         links {
         %s
         }
         routes { mt = [ %s ] }
         """.formatted(links, routes));
      System.setProperty("smsgw.config", file.toString());
   }

   private static String routeTo(String link) {
      return "{ prefix = \"86\", links = [ " + link + " ] }";
   }

   /** With the account's queue in place, as if its ESME had bound once, so its reports wait there. */
   private TestBroker startBroker() throws Exception {
      String reports = SmsAddresses.accountQueue("app1");
      return TestBroker.smpp(dir, "").configure(cfg -> {
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         cfg.addQueueConfiguration(QueueConfiguration.of(reports).setAddress(reports).setRoutingType(RoutingType.ANYCAST));
      }).start();
   }

   private static SmsRoutingControlMBean routing(TestBroker broker) {
      return (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
   }

   private static Object linkBean(TestBroker broker, String link) {
      return broker.server().getManagementService().getUntypedControl("smsc-link." + link);
   }

   private static void sendMt(Session session, String smsId, String text) throws Exception {
      try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
         TextMessage mt = session.createTextMessage(text);
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "app1");
         mt.setStringProperty("smsSource", "10086");
         mt.setStringProperty("smsDestination", RECIPIENT);
         mt.setIntProperty("smsRegisteredDelivery", 1);
         producer.send(mt);
      }
   }

   @Test
   void aLinkAddedByAReloadToABrokerThatStartedWithoutLinksStartsAndDeliversTheMtRoutedToIt() throws Exception {
      writeConfig("", "");
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         assertNull(linkBean(broker, "added"));

         writeConfig(link("added", port), routeTo("added"));
         assertEquals("", routing(broker).reload());
         Wait.until("the added link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         assertNotNull(linkBean(broker, "added"), "its management bean");

         sendMt(session, "00000000000000a1", "to the link the reload added");
         JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(submit, "the MT routed to the added link reaches its SMSC");
         assertEquals(RECIPIENT, submit.destination());
         Wait.until("the MT acknowledged by the link", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("added")) == 0);

         // The correlation store opened with the first link: its receipt becomes the account's report.
         smsc.sendReceipt(submit, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
         jms.start();
         try (MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")))) {
            Message report = reports.receive(10_000);
            assertNotNull(report, "the receipt matched its record");
            assertEquals("00000000000000a1", report.getStringProperty("smsId"));
            assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
         }
      }
   }

   /**
    * The removed link stops first (its throttled MT given back to its queue unacknowledged, its bind unbound), then its
    * queue is routed again: before, the link kept running and held the MT, which the move could not take.
    */
   @Test
   void aLinkRemovedByAReloadUnbindsAndItsWaitingMtIsRoutedToTheRemainingLink() throws Exception {
      int removedPort = JsmppSmsc.freePort();
      int keptPort = JsmppSmsc.freePort();
      writeConfig(link("removed", removedPort) + link("kept", keptPort), routeTo("removed"));
      try (JsmppSmsc removedSmsc = new JsmppSmsc(removedPort);
           JsmppSmsc keptSmsc = new JsmppSmsc(keptPort);
           TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         Wait.until("both links bound", Duration.ofSeconds(10), () -> removedSmsc.hasBoundSession() && keptSmsc.hasBoundSession());
         removedSmsc.throttleNext.set(1_000_000); // its SMSC throttles: the link holds the MT and retries it
         sendMt(session, "00000000000000b1", "waits on the link the reload removes");
         assertNotNull(removedSmsc.arrivals.poll(10, TimeUnit.SECONDS), "the removed link tried it");

         writeConfig(link("kept", keptPort), routeTo("kept"));
         assertEquals("", routing(broker).reload());

         JsmppSmsc.Received submit = keptSmsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(submit, "the MT the removed link held is routed again to the remaining link");
         assertEquals(RECIPIENT, submit.destination());
         Wait.until("the removed link's session unbound", Duration.ofSeconds(10), () -> !removedSmsc.hasBoundSession());
         assertNull(linkBean(broker, "removed"), "its management bean is gone");
         Wait.until("nothing left on the removed link's queue", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("removed")) == 0
                       && broker.messageCount(SmsAddresses.smscLinkQueue("kept")) == 0);
         assertEquals(1, keptSmsc.binds.get(), "the remaining link kept its bind");
      }
   }

   /**
    * A changed link rebinds to its new SMSC, and a receipt for an MT it sent with its old settings still matches (the
    * correlation records are the link name's); an unchanged link keeps its bind through the reload.
    */
   @Test
   void aLinkWhosePortChangedRebindsToTheNewSmscAndAnUnchangedLinkKeepsItsSession() throws Exception {
      int oldPort = JsmppSmsc.freePort();
      int newPort = JsmppSmsc.freePort();
      int otherPort = JsmppSmsc.freePort();
      writeConfig(link("moved", oldPort) + link("other", otherPort), routeTo("moved"));
      try (JsmppSmsc oldSmsc = new JsmppSmsc(oldPort);
           JsmppSmsc newSmsc = new JsmppSmsc(newPort);
           JsmppSmsc otherSmsc = new JsmppSmsc(otherPort);
           TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         Wait.until("both links bound", Duration.ofSeconds(10), () -> oldSmsc.hasBoundSession() && otherSmsc.hasBoundSession());
         sendMt(session, "00000000000000c1", "before the change");
         JsmppSmsc.Received before = oldSmsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(before);
         Wait.until("the first MT acknowledged", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("moved")) == 0);

         writeConfig(link("moved", newPort) + link("other", otherPort), routeTo("moved"));
         assertEquals("", routing(broker).reload());
         Wait.until("the changed link bound to its new SMSC", Duration.ofSeconds(10), newSmsc::hasBoundSession);
         Wait.until("and unbound from the old one", Duration.ofSeconds(10), () -> !oldSmsc.hasBoundSession());
         assertEquals(1, oldSmsc.binds.get());
         assertNotNull(linkBean(broker, "moved"), "its bean, for the new link");

         try (MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")))) {
            newSmsc.sendReceipt(before, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            Message report = reports.receive(10_000);
            assertNotNull(report, "the receipt of an MT sent before the change matches its record");
            assertEquals("00000000000000c1", report.getStringProperty("smsId"));
            assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
         }

         sendMt(session, "00000000000000c2", "after the change");
         JsmppSmsc.Received after = newSmsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(after, "the next MT goes to the new SMSC");
         assertEquals(RECIPIENT, after.destination());
         assertNull(oldSmsc.submits.poll(200, TimeUnit.MILLISECONDS), "none to the old one");

         assertEquals(1, otherSmsc.binds.get(), "the unchanged link did not bind again");
         assertTrue(otherSmsc.hasBoundSession(), "its session is still bound");
      }
   }

   /** A reload that changes nothing of a link (here: only a route) leaves its session as it is. */
   @Test
   void aReloadThatLeavesALinkUnchangedKeepsItsBindAndItGoesOnDelivering() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(link("steady", port), routeTo("steady"));
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);

         writeConfig(link("steady", port), routeTo("steady") + ", { prefix = \"44\", links = [ steady ] }");
         assertEquals("", routing(broker).reload());
         sendMt(session, "00000000000000d1", "after a reload that left the link alone");
         assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "delivered");
         assertEquals(1, smsc.binds.get(), "on the bind it had: no rebind");
         assertTrue(smsc.hasBoundSession());
      }
   }

   /** With a metrics plugin, an added link's meters appear and a removed link's go; the store's stay. */
   @Test
   void theMetersOfALinkComeWithItsAddingAndGoWithItsRemoval() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(java.util.Map.of());
      MeterRegistry registry = plugin.getRegistry();
      int firstPort = JsmppSmsc.freePort();
      int secondPort = JsmppSmsc.freePort();
      writeConfig(link("first", firstPort), routeTo("first"));
      try (JsmppSmsc first = new JsmppSmsc(firstPort);
           JsmppSmsc second = new JsmppSmsc(secondPort);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
              cfg.registerBrokerPlugin(new SmsRoutingPlugin());
              cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin));
           }).start()) {
         Wait.until("the first link bound", Duration.ofSeconds(10), first::hasBoundSession);
         assertNull(bound(registry, "second"));

         writeConfig(link("first", firstPort) + link("second", secondPort), routeTo("first"));
         assertEquals("", routing(broker).reload());
         Wait.until("the added link's meter says bound", Duration.ofSeconds(10),
                    () -> bound(registry, "second") != null && bound(registry, "second").value() == 1.0);

         writeConfig(link("second", secondPort), routeTo("second"));
         assertEquals("", routing(broker).reload());
         assertNull(bound(registry, "first"), "the removed link's meters are gone");
         assertNotNull(registry.find("sms.gateway.link.submits").tags("link", "second").functionCounter());
         assertNotNull(registry.find("sms.gateway.correlation.records").gauge(), "the store's meter stays");
         assertEquals(1, first.binds.get());
         assertEquals(1, second.binds.get(), "the link the second reload kept did not bind again");
      }
   }

   /** A link over TLS that trusts the certificates of {@code trustStore}. */
   private static String tlsLink(String id, int port, Path trustStore) {
      return link(id, port).replace(" }\n", ", tls = true, tls-trust-store = \"" + trustStore + "\", tls-trust-store-password = "
         + TestCertificate.PASSWORD + " }\n");
   }

   /**
    * The carrier renews its certificate and the operator replaces the link's trust store file at the same path: the
    * reload notices the file's new bytes and restarts that link alone, which binds to the renewed SMSC. Before, the
    * configuration's text was the same, the reload left the link alone and it kept refusing the renewed certificate
    * with the trust it had read at the broker's start, until a restart.
    */
   @Test
   void aTrustStoreReplacedAtTheSamePathRestartsItsLinkAtTheReloadWhichThenTrustsTheRenewedCertificate() throws Exception {
      TestCertificate expiring = TestCertificate.create(Files.createDirectories(dir.resolve("expiring")), "smsc");
      TestCertificate renewed = TestCertificate.create(Files.createDirectories(dir.resolve("renewed")), "smsc");
      Path trust = dir.resolve("smsc-trust.p12");
      Files.copy(expiring.trustStore(), trust);
      int port = JsmppSmsc.freePort();
      int otherPort = JsmppSmsc.freePort();
      writeConfig(tlsLink("secure", port, trust) + link("other", otherPort), routeTo("secure"));
      try (JsmppSmsc other = new JsmppSmsc(otherPort);
           TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         SmscLinkControlMBean secure = (SmscLinkControlMBean) linkBean(broker, "secure");
         try (JsmppSmsc smsc = new JsmppSmsc(port, TestCertificate.context(expiring, expiring))) {
            Wait.until("both links bound", Duration.ofSeconds(15), () -> smsc.hasBoundSession() && other.hasBoundSession());
            assertEquals("", routing(broker).reload());
            assertEquals(1, smsc.binds.get(), "a reload with the same store bytes leaves the link bound");
            assertTrue(smsc.hasBoundSession());
         }

         try (JsmppSmsc smsc = new JsmppSmsc(port, TestCertificate.context(renewed, renewed))) {
            Wait.until("the link refuses the renewed certificate with the trust it has", Duration.ofSeconds(15),
                       () -> String.valueOf(secure.getLastError()).contains("TLS"));
            assertEquals(0, smsc.binds.get());
         }
         Files.copy(renewed.trustStore(), trust, StandardCopyOption.REPLACE_EXISTING);
         assertEquals("", routing(broker).reload());
         // A new SMSC with the renewed certificate: the harness' accept loop waits 5 s for the bind of each handshake
         // the old trust refused, longer than the link waits for its bind_resp.
         try (JsmppSmsc smsc = new JsmppSmsc(port, TestCertificate.context(renewed, renewed))) {
            Wait.until("the link bound to the renewed SMSC", Duration.ofSeconds(15), smsc::hasBoundSession);
            assertNotNull(linkBean(broker, "secure"), "its bean, for the restarted link");

            sendMt(session, "00000000000000e1", "after the renewal");
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "the MT goes over the renewed TLS session");
            assertEquals(RECIPIENT, submit.destination());
         }
         assertEquals(1, other.binds.get(), "the link without TLS did not bind again");
         assertTrue(other.hasBoundSession());
      }
   }

   /**
    * A trust store replaced by a file that no longer loads (here not a key store at all): the reload says so, naming the
    * link, the setting and the file, and the link keeps its session and the TLS context it read before; putting the
    * file back as it was needs no restart of the link. Before, the reload answered "" and nothing told the operator that
    * the next restart (of the link or the broker) would fail.
    */
   @Test
   void aTrustStoreThatNoLongerLoadsIsReportedByTheReloadAndTheLinkKeepsRunningAsItWas() throws Exception {
      TestCertificate certificate = TestCertificate.create(dir, "smsc");
      Path trust = dir.resolve("smsc-trust-in-use.p12");
      Files.copy(certificate.trustStore(), trust);
      int port = JsmppSmsc.freePort();
      writeConfig(tlsLink("secure", port, trust), routeTo("secure"));
      try (JsmppSmsc smsc = new JsmppSmsc(port, TestCertificate.context(certificate, certificate));
           TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         Wait.until("link bound", Duration.ofSeconds(15), smsc::hasBoundSession);

         Files.writeString(trust, "half-copied, not a key store");
         String answer = routing(broker).reload();
         assertTrue(answer.contains("secure: kept running as it was") && answer.contains("tls-trust-store \"" + trust + "\""),
                    answer);
         assertTrue(!answer.contains(TestCertificate.PASSWORD), "never the password: " + answer);
         sendMt(session, "00000000000000e2", "with the TLS context read before");
         assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "the link goes on delivering");
         assertEquals(1, smsc.binds.get(), "on its first bind");

         Files.copy(certificate.trustStore(), trust, StandardCopyOption.REPLACE_EXISTING);
         assertEquals("", routing(broker).reload());
         assertEquals(1, smsc.binds.get(), "the same bytes again: the link is not restarted");
         assertTrue(smsc.hasBoundSession());
      }
   }

   private static Gauge bound(MeterRegistry registry, String link) {
      return registry.find("sms.gateway.link.bound").tags("link", link, "role", "transmitter").gauge();
   }
}
