package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The optional {@code tandem} (GNS role) and {@code gns} (route client) sections of sms-gateway.conf. */
class TandemConfigTest {

   private static final String FILE = "sms-gateway.conf";

   /** The Sina scenario: Beijing serves the north, Guangzhou the south. */
   private static final String TANDEM = """
      gateway.code = "000001"
      tandem {
        gateways {
          "001001" { host = "10.0.1.1", port = 7930, region = north, shared-secret = "bj-secret" }
          "022001" { host = "10.0.22.1", region = north, shared-secret = "tj-secret" }
          "020001" { host = "10.0.20.1", port = 7931, region = south, shared-secret = "gz-secret" }
          "077101" { host = "10.0.77.1", region = south, shared-secret = "gx-secret" }
        }
        mt-routes = [
          { start = "1380000", end = "1389999", gateway = "077101", area-code = "0771", user-type = 0 }
          { start = 1390000, end = 1390999, gateway = "001001" }
        ]
        mo-routes = [
          { sp-code = "10661234", sp-id = "901234", service-id = "", gateway = "001001", regions = [ north ], access-type = 0 }
          { sp-code = "10661234", sp-id = "901234", gateway = "020001", regions = [ south ], access-type = 1 }
          { sp-code = "1065888", gateway = "020001" }
        ]
      }
      """;

   private static String problems(String text) {
      return String.join("\n", assertThrows(GatewayConfigException.class, () -> GatewayConfigLoader.parse(text, FILE)).problems());
   }

   @Test
   void bothSectionsAreOptional() {
      GatewayConfig config = GatewayConfigLoader.parse("gateway.code = \"001001\"", FILE);
      assertNull(config.tandem());
      assertNull(config.gns());
      assertFalse(config.isTandem());
   }

   @Test
   void readsTheTandemSection() {
      GatewayConfig config = GatewayConfigLoader.parse(TANDEM, FILE);
      assertTrue(config.isTandem());
      TandemConfig tandem = config.tandem();
      assertEquals(List.of("001001", "022001", "020001", "077101"), List.copyOf(tandem.gateways().keySet()));
      TandemConfig.Gateway tianjin = tandem.gateway("022001").orElseThrow();
      assertEquals("10.0.22.1", tianjin.host());
      assertEquals(TandemConfig.DEFAULT_FWD_PORT, tianjin.port());
      assertEquals("north", tianjin.region());
      assertEquals("tj-secret", tianjin.sharedSecret());
      assertFalse(tianjin.toString().contains("tj-secret"), "secrets never show");
      assertEquals(7931, tandem.gateway("020001").orElseThrow().port());

      assertEquals(new TandemConfig.MtRoute("1380000", "1389999", "077101", "0771", 0), tandem.mtRoutes().get(0));
      assertEquals(new TandemConfig.MtRoute("1390000", "1390999", "001001", "", 0), tandem.mtRoutes().get(1));

      TandemConfig.MoRoute north = tandem.moRoutes().get(0);
      assertEquals("10661234", north.spCode());
      assertEquals("901234", north.spId());
      assertEquals("001001", north.gateway());
      assertEquals(Set.of("north"), north.regions());
      assertTrue(north.servesRegion("north"));
      assertFalse(north.servesRegion("south"));
      assertEquals(1, tandem.moRoutes().get(1).accessType());
      TandemConfig.MoRoute everywhere = tandem.moRoutes().get(2);
      assertTrue(everywhere.regions().isEmpty());
      assertTrue(everywhere.servesRegion("east"), "no regions = every region");
   }

   @Test
   void tandemProblemsNameLineAndField() {
      String text = problems("""
         gateway.code = "000001"
         tandem {
           gateways {
             "22001" { host = "10.0.22.1", region = north, shared-secret = "x" }
             "020001" { host = "gz.example", region = "so uth", colour = red }
             "001001" { host = "10.0.1.1", port = 70000, region = north, shared-secret = "topsecret" }
           }
           mt-routes = [
             { start = "138000", end = "1389999", gateway = "077101" }
             { start = "1390000", end = "1380000", gateway = "001001", user-type = 3 }
             { start = "13a", end = "13b", area-code = "07710" }
             { start = "1500000", end = "1509999", gateway = "001001" }
             { start = "1505000", end = "1515000", gateway = "001001" }
           ]
           mo-routes = [
             { sp-code = "10661234", gateway = "001001", regions = [ west ], access-type = 2 }
             { sp-code = "1066x", sp-id = "9012345", service-id = "ABCDEFGHIJK", gateway = "001001" }
             { sp-code = "1065888", gateway = "001001", regions = [ north ] }
             { sp-code = "1065888", gateway = "001001" }
           ]
         }
         """);
      assertTrue(text.contains("line 4: tandem.gateways.22001: the key must be the gateway's 6-digit code"), text);
      assertTrue(text.contains("line 5: tandem.gateways.020001.host: must be an IPv4 address"), text);
      assertTrue(text.contains("line 5: tandem.gateways.020001.region: must be without spaces"), text);
      assertTrue(text.contains("line 5: tandem.gateways.020001.colour: unknown key"), text);
      assertTrue(text.contains("line 5: tandem.gateways.020001.shared-secret: required"), text);
      assertTrue(text.contains("line 6: tandem.gateways.001001.port: must be <= 65535, got 70000"), text);
      assertFalse(text.contains("topsecret"));
      assertTrue(text.contains("line 9: tandem.mt-routes[0].end: must have as many digits as start (6)"), text);
      assertTrue(text.contains("line 9: tandem.mt-routes[0].gateway: no gateway \"077101\" in tandem.gateways"), text);
      assertTrue(text.contains("line 10: tandem.mt-routes[1].end: must not be below start 1390000"), text);
      assertTrue(text.contains("line 10: tandem.mt-routes[1].user-type: must be 0 (GoTone), 1 (Shenzhouxing) or 2 (M-Zone), got 3"), text);
      assertTrue(text.contains("line 11: tandem.mt-routes[2].start: must be 1-9 digits, got \"13a\""), text);
      assertTrue(text.contains("line 11: tandem.mt-routes[2].gateway: required"), text);
      assertTrue(text.contains("line 11: tandem.mt-routes[2].area-code: must be at most 4 digits, got \"07710\""), text);
      assertTrue(text.contains("line 13: tandem.mt-routes[4]: segments 1505000-1515000 overlap tandem.mt-routes[3] (1500000-1509999)"), text);
      assertTrue(text.contains("line 16: tandem.mo-routes[0].regions: no gateway has region \"west\""), text);
      assertTrue(text.contains("line 16: tandem.mo-routes[0].access-type: must be 0 (primary access point) or 1 (mirror), got 2"), text);
      assertTrue(text.contains("line 17: tandem.mo-routes[1].sp-code: must be 1-21 digits, got \"1066x\""), text);
      assertTrue(text.contains("line 17: tandem.mo-routes[1].sp-id: must be at most 6 digits"), text);
      assertTrue(text.contains("line 17: tandem.mo-routes[1].service-id: must be at most 10 characters"), text);
      assertTrue(text.contains("line 19: tandem.mo-routes[3]: sp-code 1065888 is already routed for region north by tandem.mo-routes[2]"), text);
   }

   @Test
   void aTandemNeedsGateways() {
      assertTrue(problems("gateway.code = \"000001\"\ntandem { }").contains("line 2: tandem.gateways: required"));
      assertTrue(problems("gateway.code = \"000001\"\ntandem { gateways { } }").contains("tandem.gateways: must list at least one gateway"));
   }

   @Test
   void readsTheGnsSectionWithDefaults() {
      GnsClientConfig gns = GatewayConfigLoader.parse("""
         gateway.code = "022001"
         gns { host = "10.0.0.9", shared-secret = "tj-secret" }
         """, FILE).gns();
      assertEquals("10.0.0.9", gns.host());
      assertEquals(7930, gns.port(), "the tandem answers GNS on its acceptor for gateways, 7930 by convention");
      assertEquals("tj-secret", gns.sharedSecret());
      assertEquals(Duration.ofMinutes(10), gns.refresh());
      assertEquals(Duration.ofSeconds(5), gns.queryTimeout());
      assertEquals(Duration.ofSeconds(1), gns.reconnectMin());
      assertEquals(Duration.ofSeconds(60), gns.reconnectMax());
      assertFalse(gns.toString().contains("tj-secret"));

      GnsClientConfig all = GatewayConfigLoader.parse("""
         gateway.code = "022001"
         gns { host = gns.example, port = 9000, shared-secret = s, refresh = 0s, query-timeout = 500ms,
               reconnect-min = 100ms, reconnect-max = 2s }
         """, FILE).gns();
      assertEquals(9000, all.port());
      assertEquals(Duration.ZERO, all.refresh());
      assertEquals(Duration.ofMillis(500), all.queryTimeout());
      assertEquals(Duration.ofMillis(100), all.reconnectMin());
      assertEquals(Duration.ofSeconds(2), all.reconnectMax());
   }

   @Test
   void gnsProblemsNameLineAndField() {
      String text = problems("""
         gateway.code = "022001"
         gns {
           port = 0
           query-timeout = 0s
           reconnect-min = 5s
           reconnect-max = 1s
           refresh = soon
           proxy = none
         }
         """);
      assertTrue(text.contains("line 2: gns.host: required"), text);
      assertTrue(text.contains("line 2: gns.shared-secret: required"), text);
      assertTrue(text.contains("line 3: gns.port: must be >= 1, got 0"), text);
      assertTrue(text.contains("line 4: gns.query-timeout: must be longer than 0"), text);
      assertTrue(text.contains("line 6: gns.reconnect-max: must not be below reconnect-min (PT5S)"), text);
      assertTrue(text.contains("line 7: gns.refresh: expected a duration"), text);
      assertTrue(text.contains("line 8: gns.proxy: unknown key"), text);
   }
}
