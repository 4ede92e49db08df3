package io.smsgw.examples.multigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.config.TandemConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-gateway example's templates, rendered with the example's fixed ports: every file is a configuration
 * the gateway accepts, and the gateways agree with each other (peers, secrets, the tandem's view).
 */
class MultiGatewayConfigurationTest {

   @TempDir
   Path dir;

   private GatewayConfig render(Site site, TopologyPorts ports) {
      Path file = TemplateFiles.render(site.id() + ".conf", ports.tokens(site), dir.resolve(site.id()).resolve("sms-gateway.conf"));
      return GatewayConfigLoader.load(file);
   }

   @Test
   void theExamplePortsAreAllDifferentAndDocumented() {
      TopologyPorts ports = TopologyPorts.example();
      Set<Integer> seen = new HashSet<>();
      for (Site site : Site.values()) {
         TopologyPorts.SitePorts p = ports.of(site);
         for (int port : new int[] {p.core(), p.smpp(), p.cmpp(), p.fwd()}) {
            assertTrue(seen.add(port), "port " + port + " used twice");
         }
         if (site.hasCarrier()) {
            assertTrue(seen.add(p.smsc()));
         }
      }
      CuttableLink.ALL.forEach(link -> assertTrue(seen.add(ports.link(link)), "link port used twice"));
      assertEquals(7801, ports.of(Site.BEIJING).cmpp(), "README: Sina at Beijing");
      assertEquals(7802, ports.of(Site.GUANGZHOU).cmpp(), "README: Sina at Guangzhou");
      assertEquals(61701, ports.of(Site.BEIJING).core(), "README: Beijing's billing records");
      assertEquals(7941, ports.link(new CuttableLink(Site.TIANJIN, Site.BEIJING)));
   }

   @Test
   void everyGatewayConfigurationIsValidAndNamesItsSite() {
      TopologyPorts ports = TopologyPorts.example();
      for (Site site : Site.values()) {
         GatewayConfig config = render(site, ports);
         assertEquals(site.code(), config.code(), site.id());
         assertEquals(site.id(), config.name());
         if (site.hasCarrier()) {
            assertEquals(ports.of(site).smsc(), config.links().get(0).port(), site.id() + "'s carrier link");
            assertNotNull(config.gns(), site.id() + " asks the tandem");
            assertEquals(ports.of(Site.TANDEM).fwd(), config.gns().port(), "the tandem's acceptor for gateways");
            assertEquals(3, config.peers().size(), site.id() + " peers with the other three");
         } else {
            assertNull(config.gns(), "the tandem asks nobody");
         }
      }
   }

   @Test
   void peersAndTheTandemAgreeOnCodesSecretsAndPorts() {
      TopologyPorts ports = TopologyPorts.example();
      Map<Site, GatewayConfig> configs = new java.util.EnumMap<>(Site.class);
      for (Site site : Site.values()) {
         configs.put(site, render(site, ports));
      }
      TandemConfig tandem = configs.get(Site.TANDEM).tandem();
      for (Site site : Site.values()) {
         if (!site.hasCarrier()) {
            continue;
         }
         GatewayConfig config = configs.get(site);
         TandemConfig.Gateway known = tandem.gateways().get(site.code());
         assertEquals(site.region(), known.region(), site.id());
         assertEquals(config.gns().sharedSecret(), known.sharedSecret(), site.id() + "'s GNS secret");
         assertEquals(ports.of(site).fwd(), known.port());
         config.peers().forEach((code, peer) -> {
            Site other = List.of(Site.values()).stream().filter(s -> s.code().equals(code)).findFirst().orElseThrow();
            assertEquals(peer.sharedSecret(), configs.get(other).peers().get(site.code()).sharedSecret(),
                         site.id() + " and " + other.id() + " share one FWD secret");
            CuttableLink cuttable = new CuttableLink(site, other);
            int expected = CuttableLink.ALL.contains(cuttable) ? ports.link(cuttable) : ports.of(other).fwd();
            assertEquals(expected, peer.port(), site.id() + " dials " + other.id());
         });
      }
   }

   @Test
   void aTokenWithoutValueIsAnErrorNotALeftover() {
      IllegalStateException e = assertThrows(IllegalStateException.class,
         () -> TemplateFiles.fill("port = @nowhere.fwd@", Map.of("beijing.fwd", "7931"), "x.conf"));
      assertTrue(e.getMessage().contains("@nowhere.fwd@"), e.getMessage());
      assertEquals("port = 7931 # a@b", TemplateFiles.fill("port = @beijing.fwd@ # a@b", Map.of("beijing.fwd", "7931"), "x.conf"));
   }

   @Test
   void theBrokerTemplateGetsEachGatewaysOwnPorts() throws Exception {
      TopologyPorts ports = TopologyPorts.example();
      Path xml = TemplateFiles.render(TemplateFiles.BROKER_XML, ports.tokens(Site.GUANGXI), dir.resolve("broker.xml"));
      String text = Files.readString(xml);
      assertTrue(text.contains("<name>guangxi</name>"));
      assertTrue(text.contains("tcp://127.0.0.1:7804?protocols=CMPP;cmppAcceptPeers=false"), "Guangxi's CMPP acceptor for SPs");
      assertTrue(text.contains("tcp://127.0.0.1:7934?protocols=CMPP;cmppAcceptPeers=true"), "Guangxi's acceptor for gateways");
      assertFalse(text.matches("(?s).*@[a-z.-]+@.*"), "no token left");
   }

   @Test
   void freePortsAreAllDifferent() {
      TopologyPorts ports = TopologyPorts.free();
      Set<Integer> seen = new HashSet<>();
      for (Site site : Site.values()) {
         TopologyPorts.SitePorts p = ports.of(site);
         List.of(p.core(), p.smpp(), p.cmpp(), p.fwd()).forEach(port -> assertTrue(seen.add(port)));
      }
   }
}
