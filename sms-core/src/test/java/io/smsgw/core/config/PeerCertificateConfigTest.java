package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@code tls-peer-name} and {@code tls-peer-sha256} in a {@code peers} entry and the {@code gns} section: which
 * certificate the other gateway must present. A fingerprint in any common spelling, one or a list; refused without
 * {@code tls = true}, in an SMSC link, or when it is no fingerprint.
 */
class PeerCertificateConfigTest {

   private static final String FILE = "sms-gateway.conf";
   private static final String SHA = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
   private static final String HEX = SHA.replace(":", "");

   private static String problems(String text) {
      return String.join("\n", assertThrows(GatewayConfigException.class, () -> GatewayConfigLoader.parse(text, FILE)).problems());
   }

   @Test
   void peersAndGnsPinTheOtherGatewaysCertificate() {
      GatewayConfig config = GatewayConfigLoader.parse("""
         gateway { code = "001001" }
         peers {
           "020001" { host = "10.0.20.1", shared-secret = "gz", tls = true, tls-peer-name = "gw-020001.example.net" }
           "022001" { host = "10.0.22.1", shared-secret = "tj", tls = true,
                      tls-peer-sha256 = [ "%s", "%s" ], tls-peer-name = [ "a.example", "b.example" ] }
           "077101" { host = "10.0.77.1", shared-secret = "gx", tls = true }
         }
         gns { host = "tandem.example", shared-secret = "bj", tls = true, tls-peer-sha256 = "%s" }
         """.formatted(SHA, HEX.toLowerCase(), SHA.replace(":", " ")), FILE);
      assertEquals(new TlsPeerIdentity(List.of("gw-020001.example.net"), List.of()), config.peer("020001").orElseThrow().tls().peer());
      assertEquals(new TlsPeerIdentity(List.of("a.example", "b.example"), List.of(HEX, HEX)),
                   config.peer("022001").orElseThrow().tls().peer(), "colons or not, any case");
      assertFalse(config.peer("077101").orElseThrow().tls().peer().isSet(), "no check by default");
      assertEquals(new TlsPeerIdentity(List.of(), List.of(HEX)), config.gns().tls().peer());
      // a changed pin is a changed link: a reload names peers among what needs a restart for the outgoing link
      assertFalse(config.peer("020001").orElseThrow().linkSettings().equals(GatewayConfigLoader.parse("""
         gateway { code = "001001" }
         peers { "020001" { host = "10.0.20.1", shared-secret = "gz", tls = true } }
         """, FILE).peer("020001").orElseThrow().linkSettings()));
   }

   @Test
   void aPinWithoutTlsOrThatIsNoFingerprintIsRefusedNamingLineAndKey() {
      String text = problems("""
         gateway { code = "001001" }
         peers {
           "020001" { host = "10.0.20.1", shared-secret = "gz", tls-peer-name = "gw-020001.example.net" }
           "022001" { host = "10.0.22.1", shared-secret = "tj", tls = true, tls-peer-sha256 = "AB:CD" }
           "077101" { host = "10.0.77.1", shared-secret = "gx", tls = true, tls-peer-name = "*.example.net" }
           "021001" { host = "10.0.21.1", shared-secret = "sh", tls = true, tls-peer-sha256 = [] }
         }
         gns { host = "10.0.0.9", shared-secret = "bj", tls-peer-sha256 = "%s" }
         links { sim { host = "127.0.0.1", port = 2775, system-id = "gw", password = "pw", tls = true, tls-peer-name = "smsc" } }
         """.formatted(SHA));
      assertTrue(text.contains("line 3: peers.020001.tls-peer-name: needs tls = true"), text);
      assertTrue(text.contains("line 4: peers.022001.tls-peer-sha256: expected a SHA-256 fingerprint"), text);
      assertTrue(text.contains("line 5: peers.077101.tls-peer-name: expected a host name as the certificate names it (no wildcard)"), text);
      assertTrue(text.contains("line 6: peers.021001.tls-peer-sha256: must list at least one"), text);
      assertTrue(text.contains("line 8: gns.tls-peer-sha256: needs tls = true"), text);
      assertTrue(text.contains("line 9: links.sim.tls-peer-name: unknown key"), text);
   }
}
