package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.MessageState;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator asks how many MT each SMSC link delivered and how many failed: the routing bean's linkOutcomes and the
 * meter sms.gateway.routing.dr.link count the final reports by the link that submitted their MT and by state. Two
 * jSMPP SMSCs, one answering DELIVRD for some MT and UNDELIV for others, the other UNDELIV for all.
 */
class LinkOutcomeCountsTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void finalReportsAreCountedPerLinkAndState() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      int firstPort = JsmppSmsc.freePort();
      int secondPort = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         links {
           first { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
           second { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes { mt = [ { prefix = "86138", links = [ first ] }, { prefix = "86139", links = [ second ] } ] }
         """.formatted(firstPort, secondPort));
      System.setProperty("smsgw.config", file.toString());
      try (JsmppSmsc first = new JsmppSmsc(firstPort);
           JsmppSmsc second = new JsmppSmsc(secondPort);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
              cfg.registerBrokerPlugin(new SmsRoutingPlugin());
              cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin));
           }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         SmsRoutingControlMBean routing = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         Wait.until("both links bound", Duration.ofSeconds(10), () -> first.hasBoundSession() && second.hasBoundSession());
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT));
         for (int i = 0; i < 3; i++) {
            producer.send(mt(session, "861380013800" + i));
         }
         for (int i = 0; i < 2; i++) {
            producer.send(mt(session, "861390013900" + i));
         }
         for (int i = 0; i < 3; i++) {
            JsmppSmsc.Received atSmsc = first.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(atSmsc, "MT " + (i + 1) + " of 3 at the first SMSC");
            if (i < 2) {
               first.sendReceipt(atSmsc, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            } else {
               first.sendReceipt(atSmsc, DeliveryReceiptState.UNDELIV, MessageState.UNDELIVERABLE);
            }
         }
         for (int i = 0; i < 2; i++) {
            JsmppSmsc.Received atSmsc = second.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(atSmsc, "MT " + (i + 1) + " of 2 at the second SMSC");
            second.sendReceipt(atSmsc, DeliveryReceiptState.UNDELIV, MessageState.UNDELIVERABLE);
         }

         Wait.until("the five final reports counted", Duration.ofSeconds(10),
                    () -> routing.accountCounters("app1").get("delivered") + routing.accountCounters("app1").get("failed") == 5,
                    () -> routing.accountCounters("app1").toString());
         Map<String, Long> firstCounts = routing.linkOutcomes("first");
         assertEquals(2L, firstCounts.get("DELIVRD"), "first: " + firstCounts);
         assertEquals(1L, firstCounts.get("UNDELIV"), "first: " + firstCounts);
         assertEquals(0L, firstCounts.get("EXPIRED"), "first: " + firstCounts);
         Map<String, Long> secondCounts = routing.linkOutcomes("second");
         assertEquals(0L, secondCounts.get("DELIVRD"), "second: " + secondCounts);
         assertEquals(2L, secondCounts.get("UNDELIV"), "second: " + secondCounts);

         assertEquals(2.0, counter(registry, "first", "DELIVRD").count());
         assertEquals(1.0, counter(registry, "first", "UNDELIV").count());
         assertEquals(2.0, counter(registry, "second", "UNDELIV").count());
         assertEquals(0.0, counter(registry, "second", "DELIVRD").count());

         assertThrows(IllegalArgumentException.class, () -> routing.linkOutcomes("nosuchlink"), "a mistyped link is refused");
      }
   }

   private static FunctionCounter counter(MeterRegistry registry, String link, String state) {
      FunctionCounter counter = registry.find("sms.gateway.routing.dr.link").tags("link", link, "state", state).functionCounter();
      assertNotNull(counter, "meter of " + link + " " + state);
      return counter;
   }

   private static TextMessage mt(Session session, String destination) throws Exception {
      TextMessage mt = session.createTextMessage("Your code is 4711");
      mt.setStringProperty("smsAccount", "app1");
      mt.setStringProperty("smsSource", "10086");
      mt.setStringProperty("smsDestination", destination);
      return mt;
   }
}
