package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The optional {@code peers} section (CMPP_FWD peer gateways) and {@code gateway.max-hops}. */
class PeerConfigTest {

   private static final String FILE = "sms-gateway.conf";

   private static String problems(String text) {
      return String.join("\n", assertThrows(GatewayConfigException.class, () -> GatewayConfigLoader.parse(text, FILE)).problems());
   }

   @Test
   void peersAreOptionalAndMaxHopsDefaultsToFive() {
      GatewayConfig config = GatewayConfigLoader.parse("gateway.code = \"001001\"", FILE);
      assertTrue(config.peers().isEmpty());
      assertEquals(GatewayConfig.DEFAULT_MAX_HOPS, config.maxHops());
      assertFalse(config.peer("020001").isPresent());
   }

   @Test
   void readsPeersInFileOrderWithDefaults() {
      GatewayConfig config = GatewayConfigLoader.parse("""
         gateway { code = "001001", max-hops = 3 }
         peers {
           "022001" { host = "10.0.22.1", shared-secret = "tj" }
           "020001" { host = "127.0.0.1", port = 7931, shared-secret = "gz", window = 4,
                      reconnect-min = 100ms, reconnect-max = 2s, response-timeout = 5s }
         }
         """, FILE);
      assertEquals(3, config.maxHops());
      assertEquals(List.of("022001", "020001"), List.copyOf(config.peers().keySet()));
      assertEquals(new PeerConfig("022001", "10.0.22.1", 7930, "tj"), config.peer("022001").orElseThrow());
      PeerConfig gz = config.peer("020001").orElseThrow();
      assertEquals(new PeerConfig("020001", "127.0.0.1", 7931, "gz", 4, Duration.ofMillis(100), Duration.ofSeconds(2),
                                  Duration.ofSeconds(5)), gz);
      assertFalse(gz.toString().contains("gz\""), "the secret stays out of logs");
      assertFalse(gz.toString().contains(", gz"), gz.toString());
   }

   @Test
   void peerProblemsNameLineAndField() {
      String text = problems("""
         gateway { code = "001001", max-hops = 0 }
         peers {
           "001001" { host = "h", shared-secret = "s" }
           20001 { host = "h", shared-secret = "s" }
           "022001" {
             port = 70000
             window = 0
             reconnect-min = 5s
             reconnect-max = 1s
             response-timeout = 0s
             tls-key-alias = gw
           }
           "077101" = "10.0.0.1"
         }
         """);
      assertTrue(text.contains("line 1: gateway.max-hops: must be >= 1, got 0"), text);
      assertTrue(text.contains("line 3: peers.001001: is this gateway's own code"), text);
      assertTrue(text.contains("line 4: peers.20001: the key must be the peer gateway's 6-digit code"), text);
      assertTrue(text.contains("line 5: peers.022001.host: required"), text);
      assertTrue(text.contains("line 5: peers.022001.shared-secret: required"), text);
      assertTrue(text.contains("line 6: peers.022001.port: must be <= 65535, got 70000"), text);
      assertTrue(text.contains("line 7: peers.022001.window: must be >= 1, got 0"), text);
      assertTrue(text.contains("line 9: peers.022001.reconnect-max: must not be below reconnect-min (PT5S)"), text);
      assertTrue(text.contains("line 10: peers.022001.response-timeout: must be longer than 0"), text);
      assertTrue(text.contains("line 11: peers.022001.tls-key-alias: needs a tls-key-store"), text);
      assertTrue(text.contains("line 13: peers.077101: expected an object"), text);
   }

   @Test
   void aPeerConnectsFromItsHostUnlessAllowedIpsSaysOtherwise() throws Exception {
      GatewayConfig config = GatewayConfigLoader.parse("""
         gateway { code = "001001" }
         peers {
           "022001" { host = "10.0.22.1", shared-secret = "tj" }
           "020001" { host = "10.0.20.1", shared-secret = "gz", allowed-ips = [ "10.0.20.0/24", "2001:db8::/32" ], max-sessions = 4 }
           "077101" { host = "localhost", shared-secret = "gx" }
         }
         tandem {
           gateways {
             "022001" { host = "10.0.22.1", region = north, shared-secret = "tj" }
             "020001" { host = "10.0.20.1", region = south, shared-secret = "gz", allowed-ips = [ "10.0.20.7" ], max-sessions = 1 }
           }
         }
         """, FILE);
      PeerConfig tianjin = config.peer("022001").orElseThrow();
      assertEquals(List.of(CidrBlock.parse("10.0.22.1")), tianjin.allowedIps(), "without allowed-ips: its host");
      assertEquals(PeerConfig.DEFAULT_MAX_SESSIONS, tianjin.maxSessions());
      PeerConfig guangzhou = config.peer("020001").orElseThrow();
      assertEquals(List.of(CidrBlock.parse("10.0.20.0/24"), CidrBlock.parse("2001:db8::/32")), guangzhou.allowedIps());
      assertEquals(4, guangzhou.maxSessions());
      assertTrue(CidrBlock.anyContains(config.peer("077101").orElseThrow().allowedIps(), java.net.InetAddress.getByName("127.0.0.1")),
                 "a host name is resolved when the file is read");

      TandemConfig tandem = config.tandem();
      assertEquals(List.of(CidrBlock.parse("10.0.22.1")), tandem.gateways().get("022001").allowedIps());
      assertEquals(TandemConfig.Gateway.DEFAULT_MAX_SESSIONS, tandem.gateways().get("022001").maxSessions());
      assertEquals(List.of(CidrBlock.parse("10.0.20.7")), tandem.gateways().get("020001").allowedIps());
      assertEquals(1, tandem.gateways().get("020001").maxSessions());

      String text = problems("""
         gateway { code = "001001" }
         peers {
           "022001" { host = "10.0.22.1", shared-secret = "tj", allowed-ips = [], max-sessions = 0 }
           "020001" { host = "10.0.20.1", shared-secret = "gz", allowed-ips = [ "gz.example" ] }
         }
         """);
      assertTrue(text.contains("line 3: peers.022001.allowed-ips: must list at least one address"), text);
      assertTrue(text.contains("line 3: peers.022001.max-sessions: must be >= 1, got 0"), text);
      assertTrue(text.contains("line 4: peers.020001.allowed-ips[0]: bad IP address or CIDR block \"gz.example\""), text);
   }

   @Test
   void maxHopsFitsNodesCount() {
      assertTrue(problems("gateway { code = \"001001\", max-hops = 256 }")
                    .contains("line 1: gateway.max-hops: must be <= 255, got 256"));
   }

   @Test
   void theRecordRejectsInvalidValues() {
      assertThrows(IllegalArgumentException.class, () -> new PeerConfig("20001", "h", 7930, "s"));
      assertThrows(IllegalArgumentException.class, () -> new PeerConfig("020001", "h", 0, "s"));
      assertThrows(IllegalArgumentException.class, () -> new PeerConfig("020001", "h", 7930, "s", 0,
         Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1)));
   }
}
