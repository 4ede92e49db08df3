package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import io.smsgw.core.text.DefaultAlphabet;
import org.junit.jupiter.api.Test;

class SmscLinkConfigTest {

   private static final String FILE = "sms-gateway.conf";

   private static List<SmscLinkConfig> links(String text) {
      return GatewayConfigLoader.parse("gateway.code = \"001001\"\n" + text, FILE).links();
   }

   private static String problems(String text) {
      return String.join("\n", assertThrows(GatewayConfigException.class,
         () -> GatewayConfigLoader.parse("gateway.code = \"001001\"\n" + text, FILE)).problems());
   }

   @Test
   void aMinimalLinkTakesTheDocumentedDefaults() {
      SmscLinkConfig link = links("links.cmcc1 { host = smsc.example, port = 2775, system-id = gw1, password = pw }").get(0);
      assertEquals("cmcc1", link.id());
      assertTrue(link.version34());
      assertEquals(SmscLinkConfig.BindMode.TRANSCEIVER, link.bindMode());
      assertEquals(10, link.window());
      assertEquals(0, link.maxSubmitRate());
      assertEquals(Duration.ofSeconds(30), link.enquireLinkInterval());
      assertEquals(Duration.ofSeconds(1), link.reconnectMin());
      assertEquals(SmscLinkConfig.LongMessages.UDH, link.longMessages());
      assertEquals(SmscLinkConfig.ReceiptIdFormat.AS_GIVEN, link.receiptIdFormat());
      assertEquals(DefaultAlphabet.GSM7, link.defaultAlphabet(), "data_coding 0 as before: GSM 7-bit unpacked");
      assertFalse(link.tls());
      assertEquals("", link.keyStore(), "no client certificate");
      assertTrue(link.verifyHost(), "a TLS link checks the SMSC's host name unless told not to");
      assertFalse(link.ucs2Only());
      assertEquals(-1, link.sourceTon());
   }

   @Test
   void everySettingIsRead() {
      SmscLinkConfig link = links("""
         links {
           old33 {
             host = 10.0.0.1, port = 5016, system-id = gw, password = pw, system-type = VMA
             version = "3.3", bind = transmitter-receiver, window = 4, max-submit-rate = 50
             enquire-link-interval = 10s, response-timeout = 5s, reconnect-min = 200ms, reconnect-max = 2m
             tls = true, source-override = "10086", source-ton = 5, source-npi = 0, destination-ton = 1, destination-npi = 1
             data-coding = ucs2, receipt-id-format = decimal-in-receipt
           }
         }
         """).get(0);
      assertFalse(link.version34());
      assertEquals(SmscLinkConfig.BindMode.TRANSMITTER_RECEIVER, link.bindMode());
      assertEquals(Duration.ofMillis(200), link.reconnectMin());
      assertEquals(Duration.ofMinutes(2), link.reconnectMax());
      assertTrue(link.tls());
      assertTrue(link.ucs2Only());
      assertEquals("10086", link.sourceOverride());
      assertEquals(SmscLinkConfig.ReceiptIdFormat.DECIMAL_IN_RECEIPT, link.receiptIdFormat());
   }

   /**
    * The client certificate's settings: a key store that is no readable file, or one on a link without TLS (it would
    * present nothing), or an alias without a store, is refused at load naming the field, and the password never shows.
    */
   @Test
   void theClientCertificateSettingsAreReadAndChecked() throws Exception {
      java.nio.file.Path store = java.nio.file.Files.createTempFile("client", ".p12");
      try {
         String file = store.toString().replace("\\", "/");
         SmscLinkConfig link = links("""
            links.c { host = h, port = 2775, system-id = gw, password = pw, tls = true, tls-key-store = "%s"
                      tls-key-store-password = "key-Secret7", tls-key-alias = gw-2026, tls-verify-host = false }
            """.formatted(file)).get(0);
         assertEquals(file, link.keyStore());
         assertEquals("key-Secret7", link.keyStorePassword());
         assertEquals("gw-2026", link.keyAlias());
         assertFalse(link.verifyHost());
         assertFalse(link.toString().contains("key-Secret7"), link.toString());

         String text = problems("""
            links {
              plain { host = h, port = 2775, system-id = gw, password = pw, tls-key-store = "%s", tls-key-store-password = "key-Secret7" }
              missing { host = h, port = 2775, system-id = gw, password = pw, tls = true, tls-key-store = "/no/such/client.p12" }
              alias { host = h, port = 2775, system-id = gw, password = pw, tls = true, tls-key-alias = gw }
              verify { host = h, port = 2775, system-id = gw, password = pw, tls = true, tls-verify-host = sometimes }
            }
            """.formatted(file));
         assertTrue(text.contains("links.plain.tls-key-store: needs tls = true"), text);
         assertTrue(text.contains("links.missing.tls-key-store: no readable file \"/no/such/client.p12\""), text);
         assertTrue(text.contains("links.alias.tls-key-alias: needs a tls-key-store"), text);
         assertTrue(text.contains("links.verify.tls-verify-host"), text);
         assertFalse(text.contains("key-Secret7"), text);
      } finally {
         java.nio.file.Files.delete(store);
      }
   }

   @Test
   void theDefaultAlphabetIsOneOfFour() {
      List<SmscLinkConfig> links = links("""
         links {
           a { host = h, port = 2775, system-id = gw, password = pw, default-alphabet = gsm7-packed }
           b { host = h, port = 2775, system-id = gw, password = pw, default-alphabet = latin1 }
           c { host = h, port = 2775, system-id = gw, password = pw, default-alphabet = ASCII }
           d { host = h, port = 2775, system-id = gw, password = pw, default-alphabet = gsm7 }
         }
         """);
      assertEquals(List.of(DefaultAlphabet.GSM7_PACKED, DefaultAlphabet.LATIN1, DefaultAlphabet.ASCII, DefaultAlphabet.GSM7),
                   links.stream().map(SmscLinkConfig::defaultAlphabet).toList());
      String text = problems("links.e { host = h, port = 2775, system-id = gw, password = pw, default-alphabet = utf8 }");
      assertTrue(text.contains("links.e.default-alphabet: must be one of gsm7, gsm7-packed, latin1, ascii, got string \"utf8\""), text);
   }

   @Test
   void problemsNameFileLineLinkAndField() {
      String text = problems("""
         links {
           a { port = 2775, system-id = gw, password = pw }
           b { host = h, port = 2775, system-id = gw, password = toolongpassword }
           c { host = h, port = 2775, system-id = gw, password = pw, version = "3.3", bind = transceiver }
           d { host = h, port = 2775, system-id = gw, password = pw, enquire-link-interval = often, colour = red }
         }
         """);
      assertTrue(text.contains("sms-gateway.conf line 3: links.a.host: required"), text);
      assertTrue(text.contains("links.b.password: must be 1-8 characters"), text);
      assertFalse(text.contains("toolongpassword"), "passwords never appear in messages");
      assertTrue(text.contains("line 5: links.c.bind: SMPP 3.3 has no transceiver"), text);
      assertTrue(text.contains("line 6: links.d.enquire-link-interval: expected a duration"), text);
      assertTrue(text.contains("line 6: links.d.colour: unknown key"), text);
   }

   @Test
   void routesAndBillingAreReadAndCheckedAgainstLinksAndAccounts() {
      GatewayConfig config = GatewayConfigLoader.parse("""
         gateway.code = "001001"
         accounts { sp1 { password = pw } }
         links { sim { host = h, port = 2775, system-id = gw, password = pw } }
         routes {
           mt = [ { prefix = "86138", links = [ sim ] }, { prefix = "+86139", links = [ { link = sim, weight = 3 } ] } ]
           mo = [ { prefix = "1065712345", account = sp1 } ]
         }
         billing { billable-states = [ DELIVRD ], billable-fee-types = [ "02", "" ] }
         """, FILE);
      assertEquals(2, config.routes().mt().size());
      assertEquals(3, config.routes().mt().get(1).links().get(0).weight());
      assertEquals("sp1", config.routes().mo().get(0).account());
      assertTrue(config.billing().isBillable("DELIVRD", null), "no fee type bills per message");
      assertFalse(config.billing().isBillable("DELIVRD", "01"));
      String text = problems("""
         accounts { sp1 { password = pw } }
         routes { mt = [ { prefix = "86x", links = [ nolink ] } ], mo = [ { prefix = "1065", account = nobody } ] }
         """);
      assertTrue(text.contains("routes.mt[0].prefix: must be digits"), text);
      assertTrue(text.contains("routes.mt[0].links[0]: no link \"nolink\""), text);
      assertTrue(text.contains("routes.mo[0].account: no account \"nobody\""), text);
   }

   /**
    * Two MT or MO routes with one prefix (as routing matches it: +86139 is 86139) used to load, the last one winning:
    * the earlier line was dead without a word. Weighted links and failover are one route's links list, not repeated
    * prefixes; routes that merely overlap (138 and 86138, 86 and 861) stay allowed.
    */
   @Test
   void aRepeatedRoutePrefixIsRefusedNamingBothLines() {
      String text = problems("""
         accounts { sp1 { password = pw }, sp2 { password = pw } }
         links { a { host = h, port = 2775, system-id = gw, password = pw }, b { host = h, port = 2776, system-id = gw, password = pw } }
         routes {
           mt = [
             { prefix = "86139", links = [ { link = a, weight = 3 } ] }
             { prefix = "+86139", links = [ { link = b, weight = 1 } ] }
             { prefix = "0086139", links = [ a ] }
           ]
           mo = [
             { prefix = "1065712345", account = sp1 }
             { prefix = "1065712345", account = sp2 }
           ]
         }
         """);
      assertTrue(text.contains("sms-gateway.conf line 7: routes.mt[1].prefix: \"+86139\" is the prefix of routes.mt[0] (\"86139\", "
         + "sms-gateway.conf line 6) again; only the last would be used"), text);
      assertTrue(text.contains("routes.mt[2].prefix: \"0086139\" is the prefix of routes.mt[0]"), text);
      assertTrue(text.contains("sms-gateway.conf line 12: routes.mo[1].prefix: \"1065712345\" is the prefix of routes.mo[0] "
         + "(\"1065712345\", sms-gateway.conf line 11) again"), text);
      GatewayConfig overlapping = GatewayConfigLoader.parse("""
         gateway.code = "001001"
         accounts { sp1 { password = pw } }
         links { a { host = h, port = 2775, system-id = gw, password = pw }, b { host = h, port = 2776, system-id = gw, password = pw } }
         routes {
           mt = [ { prefix = "138", links = [ a ] }, { prefix = "86138", links = [ { link = a, weight = 3 }, { link = b, weight = 1 } ] } ]
           mo = [ { prefix = "10657", account = sp1 }, { prefix = "1065712345", account = sp1 } ]
         }
         """, FILE);
      assertEquals(2, overlapping.routes().mt().size());
      assertEquals(2, overlapping.routes().mo().size());

      // MO prefixes have MT's one form (decision 120): 86, +86 and 0086 are one; "1" (national) and "+1" (North
      // America) are two, as they match different numbers
      String moForms = problems("""
         accounts { sp1 { password = pw }, sp2 { password = pw } }
         routes {
           mo = [
             { prefix = "86106", account = sp1 }
             { prefix = "+86106", account = sp2 }
             { prefix = "0086106", account = sp2 }
           ]
         }
         """);
      assertTrue(moForms.contains("routes.mo[1].prefix: \"+86106\" is the prefix of routes.mo[0] (\"86106\""), moForms);
      assertTrue(moForms.contains("routes.mo[2].prefix: \"0086106\" is the prefix of routes.mo[0]"), moForms);
      GatewayConfig nationalAndForeign = GatewayConfigLoader.parse("""
         gateway.code = "001001"
         accounts { sp1 { password = pw }, sp2 { password = pw } }
         routes { mo = [ { prefix = "1", account = sp1 }, { prefix = "+1", account = sp2 }, { prefix = "0044", account = sp2 } ] }
         """, FILE);
      assertEquals(3, nationalAndForeign.routes().mo().size());
   }

   @Test
   void aRouteWeightAboveTheLimitOrALinkListedTwiceIsRefused() {
      // Weights that add up past Integer.MAX_VALUE would make every MT to the prefix fail.
      String text = problems("""
         links { a { host = h, port = 2775, system-id = gw, password = pw }, b { host = h, port = 2776, system-id = gw, password = pw } }
         routes { mt = [
           { prefix = "86138", links = [ { link = a, weight = 2000000000 }, { link = b, weight = 2000000000 } ] }
           { prefix = "86139", links = [ a, { link = a, weight = 2 } ] }
         ] }
         """);
      assertTrue(text.contains("routes.mt[0].links[0].weight: weight must be between 1 and 1000000, got 2000000000"), text);
      assertTrue(text.contains("routes.mt[0].links[1].weight: weight must be between 1 and 1000000, got 2000000000"), text);
      assertTrue(text.contains("routes.mt[1].links[1].link: link \"a\" is listed twice in this route"), text);
      GatewayConfig config = GatewayConfigLoader.parse("""
         gateway.code = "001001"
         links { a { host = h, port = 2775, system-id = gw, password = pw } }
         routes { mt = [ { prefix = "86138", links = [ { link = a, weight = 1000000 } ] } ] }
         """, FILE);
      assertEquals(1_000_000, config.routes().mt().get(0).links().get(0).weight(), "the limit itself is a valid weight");
   }

   @Test
   void billableStatesAreReadAsReportsAreAndAWordThatIsNoFinalStateIsRefused() {
      GatewayConfig config = GatewayConfigLoader.parse("""
         gateway.code = "001001"
         billing { billable-states = [ delivrd, Undeliverable ] }
         """, FILE);
      assertTrue(config.billing().isBillable("DELIVRD", null), "delivrd is DELIVRD");
      assertTrue(config.billing().isBillable("delivered", null), "a report's long form bills as its state");
      assertTrue(config.billing().isBillable("UNDELIV", null), "the long form in the file names UNDELIV");
      assertFalse(config.billing().isBillable("EXPIRED", null));
      String text = problems("""
         billing { billable-states = [ DELIVED, ENROUTE ] }
         """);
      assertTrue(text.contains("billing.billable-states[0]: unknown delivery state \"DELIVED\", expected one of DELIVRD, EXPIRED, DELETED, UNDELIV, UNKNOWN, REJECTD"), text);
      assertTrue(text.contains("billing.billable-states[1]: ENROUTE is not a final state"), text);
   }

   @Test
   void aLinkTimerOfZeroIsRefused() {
      String text = problems("""
         links {
           a { host = h, port = 2775, system-id = gw, password = pw, response-timeout = 0s }
           b { host = h, port = 2775, system-id = gw, password = pw, enquire-link-interval = 0s, reconnect-min = 0s }
           c { host = h, port = 2775, system-id = gw, password = pw, reconnect-min = 5s, reconnect-max = 1s }
         }
         """);
      assertTrue(text.contains("line 3: links.a.response-timeout: must be longer than 0"), text);
      assertTrue(text.contains("line 4: links.b.enquire-link-interval: must be longer than 0"), text);
      assertTrue(text.contains("line 4: links.b.reconnect-min: must be longer than 0"), text);
      assertTrue(text.contains("line 5: links.c.reconnect-max: must not be below reconnect-min (PT5S)"), text);
   }

   @Test
   void theThrottlePauseDefaultsTo100MillisecondsZeroTurnsItOffAndANegativeOneIsRefused() {
      List<SmscLinkConfig> read = links("""
         links {
           a { host = h, port = 2775, system-id = gw, password = pw }
           b { host = h, port = 2775, system-id = gw, password = pw, throttle-pause = 250ms }
           c { host = h, port = 2775, system-id = gw, password = pw, throttle-pause = 0 }
         }
         """);
      assertEquals(Duration.ofMillis(100), pause(read, "a"));
      assertEquals(Duration.ofMillis(250), pause(read, "b"));
      assertEquals(Duration.ZERO, pause(read, "c"));
      String text = problems("links.d { host = h, port = 2775, system-id = gw, password = pw, throttle-pause = -1s }");
      assertTrue(text.contains("links.d.throttle-pause: must not be negative"), text);
   }

   @Test
   void receiptsByContentIsOnByDefaultCanBeTurnedOffAndMustBeABoolean() {
      List<SmscLinkConfig> read = links("""
         links {
           a { host = h, port = 2775, system-id = gw, password = pw }
           b { host = h, port = 2775, system-id = gw, password = pw, receipts-by-content = false }
         }
         """);
      assertTrue(read.stream().filter(l -> l.id().equals("a")).findFirst().orElseThrow().receiptsByContent());
      assertFalse(read.stream().filter(l -> l.id().equals("b")).findFirst().orElseThrow().receiptsByContent());
      String text = problems("links.c { host = h, port = 2775, system-id = gw, password = pw, receipts-by-content = sometimes }");
      assertTrue(text.contains("links.c.receipts-by-content: expected true or false"), text);
   }

   private static Duration pause(List<SmscLinkConfig> links, String id) {
      return links.stream().filter(l -> l.id().equals(id)).findFirst().orElseThrow().throttlePause();
   }

   @Test
   void theBindAddressRangeDefaultsToNothingAndIsRead() {
      SmscLinkConfig plain = links("links.a { host = h, port = 1, system-id = gw, password = pw }").get(0);
      assertEquals(0, plain.addrTon());
      assertEquals(0, plain.addrNpi());
      assertEquals("", plain.addressRange());
      SmscLinkConfig ranged = links("links.a { host = h, port = 1, system-id = gw, password = pw, addr-ton = 2, addr-npi = 1,"
         + " address-range = \"^1065\" }").get(0);
      assertEquals(2, ranged.addrTon());
      assertEquals(1, ranged.addrNpi());
      assertEquals("^1065", ranged.addressRange());
   }

   @Test
   void aBindAddressRangeTheBindCannotCarryIsRefused() {
      String problems = problems("links.a { host = h, port = 1, system-id = gw, password = pw, addr-ton = 256, addr-npi = -1,"
         + " address-range = \"" + "1".repeat(41) + "\" }");
      assertTrue(problems.contains("links.a.addr-ton"), problems);
      assertTrue(problems.contains("links.a.addr-npi"), problems);
      assertTrue(problems.contains("links.a.address-range"), problems);
   }

   /**
    * Trust settings on a link without tls = true used to load, and the link then connected in plain text: an admin
    * who set a trust store believed the SMSC's certificate was checked. They are refused like tls-key-store is.
    */
   @Test
   void trustSettingsWithoutTlsAreRefused() throws Exception {
      java.nio.file.Path store = java.nio.file.Files.createTempFile("trust", ".p12");
      try {
         String file = store.toString().replace("\\", "/");
         String text = problems("""
            links {
              a { host = h, port = 2775, system-id = gw, password = pw, tls-trust-store = "%s" }
              b { host = h, port = 2775, system-id = gw, password = pw, tls = false, tls-trust-store-password = "trust-Secret7" }
              c { host = h, port = 2775, system-id = gw, password = pw, tls-verify-host = false }
            }
            """.formatted(file));
         assertTrue(text.contains("links.a.tls-trust-store: needs tls = true: without it the link connects in plain text"), text);
         assertTrue(text.contains("links.b.tls-trust-store-password: needs tls = true"), text);
         assertTrue(text.contains("links.c.tls-verify-host: needs tls = true"), text);
         assertTrue(text.contains(FILE + " line 4: links.b.tls-trust-store-password"), "names the file and line: " + text);
         assertFalse(text.contains("trust-Secret7"), text);
         SmscLinkConfig ok = links("""
            links.d { host = h, port = 2775, system-id = gw, password = pw, tls = true, tls-trust-store = "%s", tls-verify-host = false }
            """.formatted(file)).get(0);
         assertEquals(file, ok.trustStore());
         assertFalse(links("links.e { host = h, port = 2775, system-id = gw, password = pw, tls-trust-store = \"\" }").get(0).tls(),
                     "an empty trust store is the documented none, not a claim of TLS");
      } finally {
         java.nio.file.Files.delete(store);
      }
   }

   /** source/destination TON and NPI are one octet in the PDU: 300 used to load and go out as 44. */
   @Test
   void tonAndNpiMustFitAnOctet() {
      String text = problems("""
         links.a { host = h, port = 1, system-id = gw, password = pw, source-ton = 300, source-npi = 256,
                   destination-ton = -2, destination-npi = 1000 }
         """);
      assertTrue(text.contains("links.a.source-ton: must be -1 (keep the message's) or 0-255, got 300"), text);
      assertTrue(text.contains("links.a.source-npi: must be -1 (keep the message's) or 0-255, got 256"), text);
      assertTrue(text.contains("links.a.destination-ton"), text);
      assertTrue(text.contains("links.a.destination-npi: must be -1 (keep the message's) or 0-255, got 1000"), text);
      SmscLinkConfig edge = links("links.a { host = h, port = 1, system-id = gw, password = pw, source-ton = 255, source-npi = 0,"
         + " destination-ton = -1, destination-npi = 255 }").get(0);
      assertEquals(255, edge.sourceTon());
      assertEquals(-1, edge.destinationTon());
      assertEquals(255, edge.destinationNpi());
   }
}
