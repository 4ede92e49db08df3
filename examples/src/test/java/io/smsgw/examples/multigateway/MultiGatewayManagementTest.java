package io.smsgw.examples.multigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.smsgw.broker.testing.Wait;
import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator of the multi-gateway example sees: the FWD, route-cache and tandem beans that docs/multi-gateway.md
 * describes, in the JVM's MBeanServer under their documented names, and a broker that has a dead-letter and an expiry
 * address for every queue it creates (no AMQ222165/AMQ222166 WARN per queue at start).
 */
class MultiGatewayManagementTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(30);

   @TempDir
   Path workDir;

   private static ObjectName name(Site site, String component, String name) throws Exception {
      return new ObjectName("org.apache.activemq.artemis:broker=" + ObjectName.quote(site.id()) + ",component=" + component
                               + ",name=" + ObjectName.quote(name));
   }

   private static Object attribute(MBeanServer beans, ObjectName bean, String attribute) {
      try {
         return beans.getAttribute(bean, attribute);
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }

   @Test
   void theDocumentedBeansAreInTheJmxTreeAndEveryQueueHasItsDeadLetterAndExpiryAddress() throws Exception {
      try (MultiGatewayTopology topology = MultiGatewayTopology.start(
              new MultiGatewayTopology.Settings(workDir, TopologyPorts.free(), Duration.ofMillis(100)))) {
         MBeanServer beans = ManagementFactory.getPlatformMBeanServer();

         assertNotNull(beans.getAttribute(name(Site.TANDEM, "sms-tandem", "tandem"), "MtRouteCount"), "the tandem's bean");
         ObjectName routeCache = name(Site.BEIJING, "sms-route-cache", "route-cache");
         Wait.until("Beijing's route cache connected to the tandem, read over JMX", TIMEOUT,
                    () -> "CONNECTED".equals(attribute(beans, routeCache, "TandemConnectionState")));
         assertEquals(3, beans.queryNames(new ObjectName("org.apache.activemq.artemis:broker=\"beijing\",component=sms-fwd,*"), null).size(),
                      "Beijing's FWD links to its three peers");
         assertEquals(Site.GUANGZHOU.code(), beans.getAttribute(name(Site.BEIJING, "sms-fwd", Site.GUANGZHOU.code()), "PeerCode"));
         assertEquals(List.of(), List.copyOf(beans.queryNames(new ObjectName("org.apache.activemq.artemis:component=gns,*"), null)),
                      "no bean left under the old component name");

         List<String> without = new ArrayList<>();
         for (Site site : Site.values()) {
            ActiveMQServer server = topology.node(site).server();
            server.getPostOffice().getAllBindings().filter(LocalQueueBinding.class::isInstance).map(LocalQueueBinding.class::cast)
               .filter(binding -> !binding.getQueue().isInternalQueue())
               .forEach(binding -> {
                  AddressSettings settings = server.getAddressSettingsRepository().getMatch(binding.getAddress().toString());
                  if (settings.getExpiryAddress() == null || settings.getDeadLetterAddress() == null) {
                     without.add(site.id() + ": " + binding.getQueue().getName());
                  }
               });
         }
         assertEquals(List.of(), without, "queues the broker WARNs about (no expiry or dead-letter address)");
      }
   }
}
