package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS settings of the connections between gateways: each peer's outgoing FWD link and the {@code gns} connection to
 * the tandem take the SMSC links' keys ({@code tls}, {@code tls-trust-store}, ...), checked the same way.
 */
class GatewayTlsConfigTest {

   private static final String FILE = "sms-gateway.conf";

   @TempDir
   Path dir;

   private static String problems(String text) {
      return String.join("\n", assertThrows(GatewayConfigException.class, () -> GatewayConfigLoader.parse(text, FILE)).problems());
   }

   @Test
   void peersAndGnsTakeTheLinksTlsSettings() throws Exception {
      Path trust = Files.writeString(dir.resolve("peers-trust.p12"), "x");
      Path key = Files.writeString(dir.resolve("gateway.p12"), "x");
      GatewayConfig config = GatewayConfigLoader.parse("""
         gateway { code = "001001" }
         peers {
           "020001" { host = "gz.example", shared-secret = "gz", allowed-ips = [ "10.0.20.1" ], tls = true,
                      tls-trust-store = "%1$s", tls-trust-store-password = "trust-Secret1",
                      tls-key-store = "%2$s", tls-key-store-password = "key-Secret2", tls-key-alias = bj }
           "022001" { host = "10.0.22.1", shared-secret = "tj", tls = true, tls-verify-host = false }
           "077101" { host = "10.0.77.1", shared-secret = "gx" }
         }
         gns { host = "tandem.example", shared-secret = "bj", tls = true, tls-trust-store = "%1$s" }
         """.formatted(trust, key), FILE);
      TlsClientConfig gz = config.peer("020001").orElseThrow().tls();
      assertEquals(new TlsClientConfig(true, trust.toString(), "trust-Secret1", key.toString(), "key-Secret2", "bj", true), gz);
      assertEquals(new TlsClientConfig(true, "", "", "", "", "", false), config.peer("022001").orElseThrow().tls(),
                   "the JDK's trusted certificates without a trust store; host check turned off");
      assertEquals(TlsClientConfig.NONE, config.peer("077101").orElseThrow().tls(), "plain text by default");
      assertEquals(new TlsClientConfig(true, trust.toString(), "", "", "", "", true), config.gns().tls());

      String shown = config.peer("020001").orElseThrow().linkSettings() + " " + config.peer("020001").orElseThrow() + " " + config.gns();
      assertFalse(shown.contains("Secret1") || shown.contains("Secret2"), "no password in what is logged: " + shown);
      assertTrue(config.peer("020001").orElseThrow().toString().contains("TLS"), config.peer("020001").orElseThrow().toString());
      assertTrue(config.gns().toString().contains("TLS"), config.gns().toString());
      // a changed trust store setting is a changed link: a reload restarts the peer's FWD link, names gns among what needs a restart
      GatewayConfig plain = GatewayConfigLoader.parse("""
         gateway { code = "001001" }
         peers { "020001" { host = "gz.example", shared-secret = "gz", allowed-ips = [ "10.0.20.1" ] } }
         """, FILE);
      assertFalse(plain.peer("020001").orElseThrow().linkSettings().equals(config.peer("020001").orElseThrow().linkSettings()));
   }

   @Test
   void tlsSettingsWithoutTlsAreRefusedNamingLineAndKey() throws Exception {
      Path trust = Files.writeString(dir.resolve("trust.p12"), "x");
      String text = problems("""
         gateway { code = "001001" }
         peers {
           "020001" { host = "10.0.20.1", shared-secret = "gz",
                      tls-trust-store = "%1$s" }
           "022001" { host = "10.0.22.1", shared-secret = "tj", tls-key-store = "%1$s" }
           "077101" { host = "10.0.77.1", shared-secret = "gx", tls = true, tls-trust-store = "/no/such/trust.p12" }
           "021001" { host = "10.0.21.1", shared-secret = "sh", tls = true, tls-key-alias = sh, tls-verify-host = maybe }
         }
         gns { host = "10.0.0.9", shared-secret = "bj", tls-verify-host = false, tls-trust-store-password = "p" }
         """.formatted(trust));
      assertTrue(text.contains("line 4: peers.020001.tls-trust-store: needs tls = true: without it the FWD link connects in plain text"
                               + " (set tls = true, or remove tls-trust-store)"), text);
      assertTrue(text.contains("line 5: peers.022001.tls-key-store: needs tls = true"), text);
      assertTrue(text.contains("line 6: peers.077101.tls-trust-store: no readable file \"/no/such/trust.p12\""), text);
      assertTrue(text.contains("line 7: peers.021001.tls-key-alias: needs a tls-key-store"), text);
      assertTrue(text.contains("line 7: peers.021001.tls-verify-host:"), text);
      assertTrue(text.contains("line 9: gns.tls-verify-host: needs tls = true: without it the connection to the tandem connects"
                               + " in plain text"), text);
      assertTrue(text.contains("line 9: gns.tls-trust-store-password: needs tls = true"), text);
      assertFalse(text.contains("\"p\""), "no password in the problems: " + text);
   }
}
