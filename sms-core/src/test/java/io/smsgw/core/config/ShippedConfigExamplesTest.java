package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Keeps the shipped configuration and the documentation honest: {@code broker-config/etc/sms-gateway.conf}
 * loads as it is and with its commented-out examples switched on, and every HOCON example of
 * {@code docs/multi-gateway.md} is read by the same reader the broker uses.
 */
class ShippedConfigExamplesTest {

   /** Surefire runs in the module folder; the repository root is its parent. */
   private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
   private static final Path SHIPPED = ROOT.resolve("broker-config/etc/sms-gateway.conf");
   private static final Path MULTI_GATEWAY_DOC = ROOT.resolve("docs/multi-gateway.md");
   private static final String BEGIN = "# --- begin examples";
   private static final String END = "# --- end examples";

   /** The file with the example region switched on: "# " removed from its lines, the "##" explanations dropped. */
   static String withExamplesEnabled(String text) {
      StringBuilder out = new StringBuilder();
      boolean inExamples = false;
      for (String line : text.split("\n", -1)) {
         if (line.startsWith(BEGIN)) {
            inExamples = true;
         } else if (line.startsWith(END)) {
            inExamples = false;
         } else if (inExamples && line.startsWith("##")) {
            continue;
         } else if (inExamples && line.startsWith("# ")) {
            line = line.substring(2);
         } else if (inExamples && line.equals("#")) {
            line = "";
         }
         out.append(line).append('\n');
      }
      return out.toString();
   }

   @Test
   void theShippedFileLoadsAsItIsWithoutTheMultiGatewaySections() {
      GatewayConfig config = GatewayConfigLoader.load(SHIPPED);
      assertTrue(config.peers().isEmpty());
      assertNull(config.gns());
      assertNull(config.tandem());
   }

   @Test
   void everyShippedAccountUsesADemoSecretAndIsNamedByTheStartupWarning() throws IOException {
      GatewayConfig shipped = GatewayConfigLoader.load(SHIPPED);
      for (Account account : shipped.accounts().all()) {
         assertTrue(DemoSecrets.SHIPPED.contains(account.password()), account.id() + "'s secret is one the warning knows");
      }
      assertEquals(java.util.Set.of("smppclient1", "901234"), java.util.Set.copyOf(DemoSecrets.accountsUsingThem(shipped)));

      String changed = Files.readString(SHIPPED).replace("password = \"password\"", "password = \"Kx9-r2Tq\"")
         .replace("password = \"secret\"", "password = \"a-long-unguessable-secret\"");
      assertEquals(List.of(), DemoSecrets.accountsUsingThem(GatewayConfigLoader.parse(changed, "changed secrets")));
   }

   @Test
   void theCommentedOutExamplesOfTheShippedFileAreValid() throws IOException {
      String text = Files.readString(SHIPPED);
      assertTrue(text.contains(BEGIN) && text.contains(END), "the examples are marked");
      GatewayConfig config = GatewayConfigLoader.parse(withExamplesEnabled(text), SHIPPED + " (examples enabled)");

      PeerConfig peer = config.peers().get("020001");
      assertNotNull(peer, "peers example");
      assertEquals("10.0.0.2", peer.host());
      assertEquals(7930, peer.port());
      assertEquals(PeerConfig.DEFAULT_WINDOW, peer.window(), "the example shows the default");
      assertEquals(PeerConfig.DEFAULT_RESPONSE_TIMEOUT, peer.responseTimeout());
      assertEquals(GatewayConfig.DEFAULT_MAX_HOPS, config.maxHops());

      GnsClientConfig gns = config.gns();
      assertNotNull(gns, "gns example");
      assertEquals("10.0.0.9", gns.host());
      assertEquals(7930, gns.port());
      assertEquals(Duration.ofMinutes(10), gns.refresh());

      TandemConfig tandem = config.tandem();
      assertNotNull(tandem, "tandem example");
      assertEquals(List.of("001001", "020001"), List.copyOf(tandem.gateways().keySet()));
      assertEquals(1, tandem.mtRoutes().size());
      assertEquals(2, tandem.moRoutes().size());
   }

   @Test
   void everyHoconExampleOfTheMultiGatewayDocumentIsValid() throws IOException {
      Matcher blocks = Pattern.compile("```hocon\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(MULTI_GATEWAY_DOC));
      List<String> examples = new ArrayList<>();
      while (blocks.find()) {
         examples.add(blocks.group(1));
      }
      assertFalse(examples.isEmpty(), "docs/multi-gateway.md has HOCON examples");
      for (int i = 0; i < examples.size(); i++) {
         String example = examples.get(i);
         // a fragment that shows one section gets the one required field around it
         String conf = example.contains("gateway {") ? example : "gateway { code = \"000001\" }\n" + example;
         GatewayConfig config = GatewayConfigLoader.parse(conf, "docs/multi-gateway.md example " + (i + 1));
         assertTrue(!config.peers().isEmpty() || config.gns() != null || config.tandem() != null,
                    "example " + (i + 1) + " configures several gateways");
      }
   }
}
