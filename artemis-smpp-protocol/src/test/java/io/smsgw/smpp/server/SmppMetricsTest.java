package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSmResp;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMPP acceptor's per-account meters on the broker's Micrometer registry (a SimpleMetricsPlugin in the broker's
 * configuration): open sessions and submits accepted and refused, tagged with protocol and account; none, and no
 * failure, without a metrics plugin.
 */
class SmppMetricsTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(10);
   private static final Address SOURCE = new Address((byte) 1, (byte) 1, "8610086");

   @TempDir
   Path dir;

   private static SimpleMetricsPlugin plugin() {
      return (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
   }

   private TestBroker broker(SimpleMetricsPlugin plugin) {
      return TestBroker.smpp(dir, "").configure(cfg -> cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin)));
   }

   private static RawSmppClient bound(TestBroker broker) throws Exception {
      RawSmppClient client = new RawSmppClient(broker.port());
      client.send(new BindRequest(1, BindType.TRANSCEIVER, "smppclient1", "password", "", 0x34, 0, 0, ""));
      assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
      return client;
   }

   /** Submits one short text and returns the answer's status. */
   private static int submit(RawSmppClient client, int sequence, String destination) throws Exception {
      client.send(ShortMessagePdu.builder().sequenceNumber(sequence).sourceAddr(SOURCE)
                     .destinationAddr(new Address((byte) 1, (byte) 1, destination))
                     .shortMessage("metered".getBytes(StandardCharsets.US_ASCII)).buildSubmitSm());
      return assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus();
   }

   private static Gauge sessions(MeterRegistry registry) {
      return registry.find("sms.gateway.account.sessions")
         .tags("broker", "test-broker", "protocol", "SMPP", "account", "smppclient1").gauge();
   }

   private static FunctionCounter submits(MeterRegistry registry, String outcome) {
      return registry.find("sms.gateway.account.submits")
         .tags("broker", "test-broker", "protocol", "SMPP", "account", "smppclient1", "outcome", outcome).functionCounter();
   }

   @Test
   void afterBindsAndSubmitsTheRegistryHoldsTheAccountsSessionsAndSubmits() throws Exception {
      SimpleMetricsPlugin plugin = plugin();
      MeterRegistry registry = plugin.getRegistry();
      try (TestBroker broker = broker(plugin).start()) {
         assertNull(sessions(registry), "no meters for an account before its first bind");
         try (RawSmppClient first = bound(broker); RawSmppClient second = bound(broker)) {
            for (int i = 0; i < 3; i++) {
               assertEquals(SmppStatus.ESME_ROK, submit(first, 10 + i, "8613800138000"));
            }
            assertEquals(SmppStatus.ESME_ROK, submit(second, 20, "8613800138001"));
            assertEquals(SmppStatus.ESME_RINVDSTADR, submit(second, 21, ""), "no destination");

            assertNotNull(sessions(registry), "the account's session gauge");
            assertEquals(2.0, sessions(registry).value(), "two sessions bound");
            assertEquals(4.0, submits(registry, "accepted").count());
            assertEquals(1.0, submits(registry, "refused").count());
            Wait.until("what was counted accepted was stored", TIMEOUT, () -> broker.messageCount(SmsAddresses.MT) == 4);
         }
         Wait.until("sessions gauge back to 0 once both unbound", TIMEOUT, () -> sessions(registry).value() == 0.0);
      }
      assertNull(sessions(registry), "the broker's stop removed the account's meters");
      assertNull(submits(registry, "accepted"));
   }

   @Test
   void aBrokerStartedAgainOnTheSameRegistryCountsAfreshWithoutDuplicates() throws Exception {
      SimpleMetricsPlugin plugin = plugin();
      MeterRegistry registry = plugin.getRegistry();
      try (TestBroker broker = broker(plugin).start(); RawSmppClient client = bound(broker)) {
         assertEquals(SmppStatus.ESME_ROK, submit(client, 1, "8613800138000"));
         assertEquals(1.0, submits(registry, "accepted").count());
      }
      try (TestBroker broker = broker(plugin).start(); RawSmppClient client = bound(broker)) {
         assertEquals(SmppStatus.ESME_ROK, submit(client, 2, "8613800138000"));
         assertEquals(SmppStatus.ESME_ROK, submit(client, 3, "8613800138000"));
         assertEquals(2.0, submits(registry, "accepted").count(), "the new start's submits, not the old broker's");
         assertEquals(1.0, sessions(registry).value());
         assertEquals(1, registry.find("sms.gateway.account.submits").tags("outcome", "accepted").functionCounters().size(),
                      "one meter per account and outcome");
      }
   }

   @Test
   void withoutAMetricsPluginBindsAndSubmitsWork() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, "").start(); RawSmppClient client = bound(broker)) {
         assertNull(broker.server().getMetricsManager(), "no metrics plugin configured");
         assertEquals(SmppStatus.ESME_ROK, submit(client, 1, "8613800138000"));
         assertEquals(SmppStatus.ESME_RINVDSTADR, submit(client, 2, ""));
         assertTrue(broker.hasSessionOf("smppclient1"));
      }
   }
}
