package io.smsgw.cmpp.gns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tandem's and a gateway's route cache meters on their brokers' registries, gone when each broker stops. */
class GnsMetricsTest {

   private static final Duration WAIT = Duration.ofSeconds(10);

   private static SimpleMetricsPlugin plugin() {
      return (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
   }

   private static double gauge(MeterRegistry registry, String name, String... tags) {
      Gauge gauge = registry.find("sms.gateway." + name).tags(tags).gauge();
      assertNotNull(gauge, name + " " + String.join(",", tags));
      return gauge.value();
   }

   @Test
   void theTandemsRoutesAndGatewaysAndTheGatewaysCacheShowOnTheRegistries(@TempDir Path dir) throws Exception {
      SimpleMetricsPlugin tandemPlugin = plugin();
      SimpleMetricsPlugin tianjinPlugin = plugin();
      MeterRegistry tandemRegistry = tandemPlugin.getRegistry();
      MeterRegistry tianjinRegistry = tianjinPlugin.getRegistry();
      int tandemPort = TandemBroker.freePort();
      String tianjinConf = """
         gateway { code = "022001" }
         gns { host = "127.0.0.1", port = %d, shared-secret = "tj", refresh = 0s, reconnect-min = 50ms, reconnect-max = 500ms }
         """.formatted(tandemPort);
      try (TandemBroker tandem = TandemBroker.start(dir.resolve("tandem"), tandemPort, GnsTandemTest.tandemConf(),
              cfg -> cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(tandemPlugin)))) {
         TandemControlMBean control = tandem.control();
         assertEquals(control.getMtRouteCount(), gauge(tandemRegistry, "tandem.routes", "kind", "mt"));
         assertEquals(control.getMoRouteCount(), gauge(tandemRegistry, "tandem.routes", "kind", "mo"));
         try (TandemBroker tianjin = TandemBroker.start(dir.resolve("tianjin"), TandemBroker.freePort(), tianjinConf,
                 cfg -> cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(tianjinPlugin)))) {
            GatewayRuntime.of(tianjin.server()).networkRoutes().orElseThrow().whenAvailable()
               .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(1.0, gauge(tianjinRegistry, "route.cache.available"));
            assertEquals(1 + GnsTandemTest.EXTRA_MT, gauge(tianjinRegistry, "route.cache.routes", "kind", "mt"));
            assertEquals(1 + GnsTandemTest.EXTRA_MO, gauge(tianjinRegistry, "route.cache.routes", "kind", "mo"));
            assertTrue(tianjinRegistry.find("sms.gateway.route.cache.loads").functionCounter().count() >= 1.0);
            Wait.until("the tandem counts the gateway connected", WAIT,
                       () -> gauge(tandemRegistry, "tandem.gateways.connected") == 1.0);
            assertEquals(0.0, tandemRegistry.find("sms.gateway.tandem.updates").tags("outcome", "applied").functionCounter().count());
         }
         assertTrue(tianjinRegistry.find("sms.gateway.route.cache.routes").gauges().isEmpty(), "removed with the cache");
         Wait.until("the tandem counts no gateway", WAIT, () -> gauge(tandemRegistry, "tandem.gateways.connected") == 0.0);
      }
      assertTrue(tandemRegistry.find("sms.gateway.tandem.routes").gauges().isEmpty(), "removed with the tandem");
   }
}
