package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.MessageState;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMSC links' meters on the broker's Micrometer registry: bind state, submits, responses and receipts of each link
 * (tag {@code link}) and the correlation store's records; a link the configuration no longer has when the links start
 * again leaves no meter behind, and one still there is not registered twice.
 */
class SmscLinkMetricsTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(10);

   @TempDir
   Path dir;

   @AfterEach
   void restoreConfig() {
      System.clearProperty("smsgw.config");
   }

   /** Links {@code a} (to {@code portA}) and, if {@code portB > 0}, {@code b}. */
   private void configureLinks(int portA, int portB) throws Exception {
      String link = """
           %s { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                enquire-link-interval = 2s, response-timeout = 3s, reconnect-min = 100ms, reconnect-max = 400ms }
         """;
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, "gateway { code = \"001001\" }\n"
         + "accounts { smppclient1 { password = \"password\", protocols = [SMPP] } }\n"
         + "links {\n" + link.formatted("a", portA) + (portB > 0 ? link.formatted("b", portB) : "") + "}\n");
      System.setProperty("smsgw.config", file.toString());
   }

   private TestBroker broker(SimpleMetricsPlugin plugin) {
      return TestBroker.smpp(dir, "").configure(cfg -> cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin)));
   }

   private static void sendMt(TestBroker broker, String link, String smsId) throws Exception {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.smscLinkQueue(link)))) {
         Message mt = session.createTextMessage("Hello SMSC");
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "smppclient1");
         mt.setStringProperty("smsProtocol", "SMPP");
         mt.setStringProperty("smsSource", "8610086");
         mt.setStringProperty("smsDestination", "8613800138000");
         mt.setIntProperty("smsRegisteredDelivery", 1);
         producer.send(mt);
      }
   }

   private static Gauge gauge(MeterRegistry registry, String name, String... tags) {
      return registry.find("sms.gateway." + name).tags("broker", "test-broker").tags(tags).gauge();
   }

   private static double count(MeterRegistry registry, String name, String... tags) {
      FunctionCounter counter = registry.find("sms.gateway." + name).tags("broker", "test-broker").tags(tags).functionCounter();
      assertNotNull(counter, name + " " + String.join(",", tags));
      return counter.count();
   }

   @Test
   void aBoundLinkShowsItsStateSubmitsResponsesAndReceipts() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLinks(port, 0);
         try (TestBroker broker = broker(plugin).start()) {
            Wait.until("link bound in both roles", TIMEOUT,
                       () -> gauge(registry, "link.bound", "link", "a", "role", "transmitter").value() == 1.0
                          && gauge(registry, "link.bound", "link", "a", "role", "receiver").value() == 1.0);
            for (int i = 1; i <= 3; i++) {
               sendMt(broker, "a", "00000000000000b" + i);
            }
            for (int i = 0; i < 3; i++) {
               JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(submit, "submit_sm at the SMSC");
               if (i < 2) {
                  smsc.sendReceipt(submit, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
               }
            }
            Wait.until("two receipts matched", TIMEOUT, () -> count(registry, "link.receipts", "link", "a", "result", "matched") == 2.0);
            assertEquals(3.0, count(registry, "link.submits", "link", "a"));
            // The third submit_sm_resp may still be on its way when the first two receipts have matched.
            Wait.until("three submit_sm_resp OK counted", TIMEOUT, () -> count(registry, "link.responses", "link", "a", "outcome", "ok") == 3.0);
            assertEquals(0.0, count(registry, "link.responses", "link", "a", "outcome", "refused"));
            assertEquals(0.0, count(registry, "link.responses", "link", "a", "outcome", "throttled"));
            assertEquals(0.0, count(registry, "link.receipts", "link", "a", "result", "unmatched"));
            Wait.until("nothing in flight", TIMEOUT, () -> gauge(registry, "link.in.flight", "link", "a").value() == 0.0);
            assertEquals(4.0, gauge(registry, "link.window", "link", "a").value());
            Wait.until("the MT without its receipt waits in the store", TIMEOUT,
                       () -> gauge(registry, "correlation.records").value() == 1.0);
         }
         assertNull(gauge(registry, "link.bound", "link", "a", "role", "transmitter"), "the stopped link's meters are removed");
         assertNull(gauge(registry, "correlation.records"), "the closed store's gauge is removed");
      }
   }

   @Test
   void aLinkTheConfigurationNoLongerHasLeavesNoMetersWhenTheLinksStartAgain() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      int portA = JsmppSmsc.freePort();
      int portB = JsmppSmsc.freePort();
      try (JsmppSmsc smscA = new JsmppSmsc(portA); JsmppSmsc smscB = new JsmppSmsc(portB)) {
         configureLinks(portA, portB);
         try (TestBroker broker = broker(plugin).start()) {
            Wait.until("both links bound", TIMEOUT, () -> smscA.hasBoundSession() && smscB.hasBoundSession());
            sendMt(broker, "a", "00000000000000c1");
            assertNotNull(smscA.submits.poll(10, TimeUnit.SECONDS));
            Wait.until("a's submit counted", TIMEOUT, () -> count(registry, "link.submits", "link", "a") == 1.0);
            assertNotNull(gauge(registry, "link.bound", "link", "b", "role", "transmitter"), "link b's meters");
         }

         configureLinks(portA, 0); // b removed from the configuration
         try (TestBroker broker = broker(plugin).start()) {
            Wait.until("link a bound again", TIMEOUT,
                       () -> gauge(registry, "link.bound", "link", "a", "role", "transmitter") != null
                          && gauge(registry, "link.bound", "link", "a", "role", "transmitter").value() == 1.0);
            assertTrue(registry.find("sms.gateway.link.bound").tags("link", "b").gauges().isEmpty(), "no meter of link b is left");
            assertTrue(registry.getMeters().stream().noneMatch(m -> "b".equals(m.getId().getTag("link"))), "no meter of link b is left");
            assertEquals(0.0, count(registry, "link.submits", "link", "a"), "link a's meter reads the link started now");
            assertEquals(1, registry.find("sms.gateway.link.submits").tags("link", "a").functionCounters().size(), "registered once");
         }
      }
   }
}
