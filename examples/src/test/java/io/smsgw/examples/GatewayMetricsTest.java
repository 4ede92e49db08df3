package io.smsgw.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsgw.broker.testing.Wait;
import org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick-start gateway with the metrics example of the shipped broker.xml switched on (SimpleMetricsPlugin): an SMPP
 * ESME's submits through routing, the SMSC link to the bundled simulator and back as receipts show on the registry as
 * the account's submits, the link's bind state, submits, responses and receipts, and routing's MT, report and billing
 * counts.
 */
class GatewayMetricsTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(20);
   private static final String BROKER = "sms-gateway";

   @TempDir
   Path dir;

   /** The shipped etc folder, with broker.xml's commented-out metrics example in force. */
   private Path etcWithMetrics() throws Exception {
      Path shipped = QuickStartGateway.Settings.fromSystemProperties(dir.toString()).etcDir();
      Path etc = Files.createDirectories(dir.resolve("etc"));
      try (var files = Files.list(shipped)) {
         for (Path file : files.toList()) {
            Files.copy(file, etc.resolve(file.getFileName()));
         }
      }
      String xml = Files.readString(etc.resolve("broker.xml"));
      int start = xml.indexOf("<metrics>");
      int end = xml.indexOf("</metrics>") + "</metrics>".length();
      assertTrue(start > 0 && end > start, "broker.xml has a metrics example");
      String example = xml.substring(start, end);
      assertTrue(example.contains(SimpleMetricsPlugin.class.getName()), example);
      Files.writeString(etc.resolve("broker.xml"), xml.replace("</broker-plugins>", "</broker-plugins>\n" + example));
      return etc;
   }

   private static double count(MeterRegistry registry, String name, String... tags) {
      FunctionCounter counter = registry.find("sms.gateway." + name).tags(tags).functionCounter();
      assertNotNull(counter, name + " " + String.join(",", tags));
      return counter.count();
   }

   private static double gauge(MeterRegistry registry, String name, String... tags) {
      Gauge gauge = registry.find("sms.gateway." + name).tags(tags).gauge();
      assertNotNull(gauge, name + " " + String.join(",", tags));
      return gauge.value();
   }

   @Test
   void submitsThroughTheLinkToTheSimulatorShowOnTheRegistry() throws Exception {
      try (QuickStartGateway gateway = QuickStartGateway.start(new QuickStartGateway.Settings(
              etcWithMetrics(), dir.resolve("data"), 0, 0, 0,
              new QuickStartGateway.SimulatorSettings(0, Duration.ofMillis(100), 1.0)))) {
         assertNotNull(gateway.server().getMetricsManager(), "the example's metrics plugin is configured");
         MeterRegistry registry = gateway.server().getMetricsManager().getMeterRegistry();
         String broker = gateway.server().getConfiguration().getName();
         assertEquals(BROKER, broker);
         Wait.until("link sim bound", TIMEOUT, () -> registry.find("sms.gateway.link.bound").tags("link", "sim", "role", "transmitter").gauge() != null
            && gauge(registry, "link.bound", "link", "sim", "role", "transmitter") == 1.0
            && gauge(registry, "link.bound", "link", "sim", "role", "receiver") == 1.0);

         for (int i = 0; i < 2; i++) {
            SendFirstSms.Outcome outcome = SendFirstSms.send("127.0.0.1", gateway.smppPort(), SendFirstSms.TEXT,
                                                             SendFirstSms.DESTINATION, TIMEOUT);
            assertNotNull(outcome.receipt(), "the receipt came back to the ESME");
         }
         String[] account = {"broker", broker, "account", SendFirstSms.SYSTEM_ID};
         assertEquals(2.0, count(registry, "account.submits", "broker", broker, "protocol", "SMPP",
                                 "account", SendFirstSms.SYSTEM_ID, "outcome", "accepted"));
         assertEquals(0.0, count(registry, "account.submits", "broker", broker, "protocol", "SMPP",
                                 "account", SendFirstSms.SYSTEM_ID, "outcome", "refused"));
         assertEquals(2.0, count(registry, "link.submits", "broker", broker, "link", "sim"));
         assertEquals(2.0, count(registry, "link.responses", "broker", broker, "link", "sim", "outcome", "ok"));
         assertEquals(2.0, count(registry, "link.receipts", "broker", broker, "link", "sim", "result", "matched"));
         assertEquals(2.0, count(registry, "routing.mt.submitted", account));
         assertEquals(0.0, count(registry, "routing.mt.unrouted", account));
         Wait.until("both reports and billing records counted", TIMEOUT,
                    () -> count(registry, "routing.dr", "broker", broker, "account", SendFirstSms.SYSTEM_ID, "state", "delivered") == 2.0
                       && count(registry, "routing.billing.records", account) == 2.0);
         Wait.until("no correlation record waits", TIMEOUT, () -> gauge(registry, "correlation.records", "broker", broker) == 0.0);
      }
   }
}
