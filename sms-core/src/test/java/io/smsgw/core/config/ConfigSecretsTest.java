package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * Every configuration object that holds a password or shared secret keeps it out of its {@code toString}, which
 * reaches logs and exception messages whenever someone prints the object, while still naming what it is.
 */
class ConfigSecretsTest {

   private static final String[] SECRETS = {
      "acct-Secret1", "lnkSec2x", "trust-Secret3", "gns-Secret4", "peer-Secret5", "tandem-Secret6", "key-Secret7",
   };

   private static final GatewayConfig CONFIG = GatewayConfigLoader.parse(("""
      gateway.code = "001001"
      accounts { sp1 { password = "acct-Secret1" } }
      links {
        smsc1 { host = smsc.example, port = 2775, system-id = gw1, password = "lnkSec2x",
                tls = true, tls-trust-store = "%1$s", tls-trust-store-password = "trust-Secret3"
                tls-key-store = "%1$s", tls-key-store-password = "key-Secret7" }
      }
      gns { host = "10.0.0.1", shared-secret = "gns-Secret4" }
      peers { "020001" { host = "10.0.20.1", shared-secret = "peer-Secret5" } }
      tandem {
        gateways { "022001" { host = "10.0.22.1", region = north, shared-secret = "tandem-Secret6" } }
      }
      """).formatted(trustStore()), "sms-gateway.conf");

   /** The reader wants a readable trust and key store; what is in it does not matter here. */
   private static String trustStore() {
      try {
         Path file = Files.createTempFile("trust", ".p12");
         file.toFile().deleteOnExit();
         return file.toString().replace("\\", "/");
      } catch (IOException e) {
         throw new UncheckedIOException(e);
      }
   }

   private static void assertMasked(Object object, String... ids) {
      String text = object.toString();
      for (String secret : SECRETS) {
         assertFalse(text.contains(secret), () -> "a secret in " + text);
      }
      for (String id : ids) {
         assertTrue(text.contains(id), () -> id + " missing from " + text);
      }
   }

   @Test
   void account() {
      assertMasked(CONFIG.accounts().find("sp1").orElseThrow(), "sp1");
   }

   @Test
   void accountRegistry() {
      assertMasked(CONFIG.accounts(), "sp1");
   }

   @Test
   void smscLinkConfig() {
      assertMasked(CONFIG.links().get(0), "smsc1", "gw1");
   }

   @Test
   void gnsClientConfig() {
      assertMasked(CONFIG.gns(), "10.0.0.1");
   }

   @Test
   void peerConfig() {
      assertMasked(CONFIG.peer("020001").orElseThrow(), "020001");
   }

   /** What a reload compares for the outgoing FWD link: it was a plain list, the secret among its items. */
   @Test
   void peerLinkSettings() {
      assertMasked(CONFIG.peer("020001").orElseThrow().linkSettings(), "020001", "sharedSecret=***");
   }

   @Test
   void tandemGateway() {
      assertMasked(CONFIG.tandem().gateway("022001").orElseThrow(), "022001");
   }

   @Test
   void tandemConfig() {
      assertMasked(CONFIG.tandem(), "022001");
   }

   @Test
   void gatewayConfig() {
      assertMasked(CONFIG, "001001", "sp1", "smsc1", "020001", "022001");
   }
}
