package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.cmpp.codec.SubmitResp;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CMPP acceptor's per-SP meters (protocol CMPP, account the SP_Id): open sessions, SUBMITs accepted and refused. */
class CmppMetricsTest {

   @TempDir
   Path dir;

   private static Submit submit(int sequence, String srcId, String recipient) {
      return new Submit(sequence, 0L, 1, 1, 1, 0, "TEST", 2, "", 0, 0, 0, 0, "901234", "02", "000010",
                        "", "", srcId, List.of(recipient), 0, "metered".getBytes(StandardCharsets.US_ASCII), "", "");
   }

   private static Gauge sessions(MeterRegistry registry) {
      return registry.find("sms.gateway.account.sessions")
         .tags("broker", "test-broker", "protocol", "CMPP", "account", "901234").gauge();
   }

   private static FunctionCounter submits(MeterRegistry registry, String outcome) {
      return registry.find("sms.gateway.account.submits")
         .tags("broker", "test-broker", "protocol", "CMPP", "account", "901234", "outcome", outcome).functionCounter();
   }

   @Test
   void afterAConnectAndSubmitsTheRegistryHoldsTheSpsSessionsAndSubmits() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      try (TestBroker broker = TestBroker.cmpp(dir, "")
              .configure(cfg -> cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin))).start()) {
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            for (int i = 0; i < 2; i++) {
               client.send(submit(client.nextSequence(), "1065712345", "13800138000"));
               assertEquals(CmppResult.OK, assertInstanceOf(SubmitResp.class, client.read()).result());
            }
            client.send(submit(client.nextSequence(), "1065799999", "13800138000"));
            assertEquals(CmppResult.SRC_ID_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result(),
                         "a Src_Id outside the SP's prefixes");

            assertNotNull(sessions(registry), "the SP's session gauge");
            assertEquals(1.0, sessions(registry).value());
            assertEquals(2.0, submits(registry, "accepted").count());
            assertEquals(1.0, submits(registry, "refused").count());
         }
         Wait.until("sessions gauge back to 0", Duration.ofSeconds(10), () -> sessions(registry).value() == 0.0);
         assertNull(registry.find("sms.gateway.account.sessions").tags("protocol", "SMPP").gauge(), "no SMPP meters for it");
      }
   }
}
