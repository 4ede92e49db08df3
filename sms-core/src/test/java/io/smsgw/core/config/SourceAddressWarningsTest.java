package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Accounts that may send from another account's numbers are named in WARN lines when the configuration loads, and
 * the configuration still loads (existing deployments must start).
 */
class SourceAddressWarningsTest {

   private static final String FILE = "sms-gateway.conf";

   private static final String OVERLAPPING = """
      gateway.code = "001001"
      accounts {
        "901234" { password = s1, protocols = [CMPP], source-prefixes = ["1065712345"] }
        "901235" { password = s2, protocols = [CMPP], source-prefixes = ["106571234"] }
        "901236" { password = s3, protocols = [CMPP], source-prefixes = ["+8610669"] }
        esme1 { password = pw, protocols = [SMPP] }
        esme2 { password = pw, protocols = [SMPP], source-prefixes = ["10086"] }
      }
      routes.mo = [
        { prefix = "1065712345", account = "901234" }
        { prefix = "106571234", account = "901235" }
        { prefix = "86106", account = esme2 }
        { prefix = "10086", account = esme2 }
      ]
      """;

   private static List<String> warnings(String text) {
      GatewayConfig config = GatewayConfigLoader.parse(text, FILE);
      return SourceAddressWarnings.of(config.accounts().all(), config.routes());
   }

   @Test
   void accountsWithoutSourcePrefixesAndPrefixesReachingIntoOtherAccountsMoRoutesAreNamed() {
      assertEquals(List.of(
         "account esme1 has no source-prefixes, so may send from any number, including other accounts' service numbers"
            + " (replies to those reach the other accounts); list the numbers each may use in its source-prefixes",
         "account 901235: source prefix \"106571234\" covers MO route \"1065712345\" of account 901234, so 901235 may send"
            + " from 901234's service numbers and handsets' replies to them reach 901234",
         "account 901236: source prefix \"+8610669\" lies in MO route \"86106\" of account esme2, so handsets' replies to"
            + " 901236's messages from these numbers reach esme2 (give 901236 an MO route for \"+8610669\" if they are its own)"),
         warnings(OVERLAPPING));
   }

   @Test
   void accountsKeepingToTheirOwnNumbersGiveNoWarning() {
      assertEquals(List.of(), warnings("""
         gateway.code = "001001"
         accounts {
           "901234" { password = s1, protocols = [CMPP], source-prefixes = ["1065712345"] }
           "901235" { password = s2, protocols = [CMPP], source-prefixes = ["1065712346", "+861065799"] }
         }
         routes.mo = [
           { prefix = "10657", account = "901234" }
           { prefix = "1065712345", account = "901234" }
           { prefix = "1065712346", account = "901235" }
           { prefix = "861065799", account = "901235" }
         ]
         """), "a number inside another's shorter route but with a longer route of its own is the account's own");
   }

   /**
    * CMPP's Src_Id is the SP's service code or a longer number starting with it (decision 134): a CMPP account without
    * source-prefixes is held to its MO routes' numbers and no longer named as sending from any number; SMPP has no
    * such code, so an SMPP account with an MO route stays free and named, and an account of both protocols is named for
    * its SMPP submits.
    */
   @Test
   void aCmppAccountWithoutSourcePrefixesIsHeldToItsMoRoutesNumbersAndSmppAccountsAreStillNamed() {
      GatewayConfig config = GatewayConfigLoader.parse("""
         gateway.code = "001001"
         accounts {
           "901234" { password = s1, protocols = [CMPP] }
           "901235" { password = s2 }
           "901236" { password = s3, protocols = [CMPP] }
           "901237" { password = s4, protocols = [CMPP], source-prefixes = ["95555"] }
           esme1 { password = pw, protocols = [SMPP] }
         }
         routes.mo = [
           { prefix = "1065712345", account = "901234" }
           { prefix = "+1065712399", account = "901234" }
           { prefix = "1065799", account = "901235" }
           { prefix = "1065777", account = "901237" }
           { prefix = "10086", account = esme1 }
         ]
         """, FILE);
      Account cmpp = config.accounts().find("901234").orElseThrow();
      assertEquals(List.of("1065712345", "1065712399"), cmpp.cmppSourcePrefixes(), "its MO routes' numbers, without +");
      assertTrue(cmpp.allowsCmppSource("106571234501"), "the service number with an extension");
      assertFalse(cmpp.allowsCmppSource("1065799"), "another SP's service number");
      assertFalse(cmpp.allowsCmppSource(""), "no number");
      assertTrue(config.accounts().find("901237").orElseThrow().allowsCmppSource("95555"), "listed source-prefixes decide");
      assertTrue(config.accounts().find("901236").orElseThrow().allowsCmppSource("1065712345"), "no MO route: any number");
      Account both = config.accounts().find("901235").orElseThrow();
      assertFalse(both.allowsCmppSource("1065712345"), "both protocols: CMPP submits held to its own numbers");
      assertTrue(both.allowsSource("1065712345"), "SMPP submits as before");
      assertTrue(config.accounts().find("esme1").orElseThrow().allowsSource("1065712345"), "an SMPP account as before");
      assertEquals(List.of(
         "accounts 901236, esme1 have no source-prefixes, so may send from any number, including other accounts' service"
            + " numbers (replies to those reach the other accounts); list the numbers each may use in its source-prefixes",
         "account 901235 has no source-prefixes: CMPP submits may use only the account's MO routes' service numbers, but"
            + " SMPP submits may use any number, including other accounts' service numbers; list the numbers each may use"
            + " in its source-prefixes"),
         SourceAddressWarnings.of(config.accounts().all(), config.routes()));
   }

   @Test
   void aCmppAccountsServiceNumberCoveringAnotherAccountsLongerRouteIsNamed() {
      assertEquals(List.of(
         "account 901234: source prefix \"10657\" covers MO route \"1065712345\" of account 901235, so 901234 may send"
            + " from 901235's service numbers and handsets' replies to them reach 901235"),
         warnings("""
            gateway.code = "001001"
            accounts {
              "901234" { password = s1, protocols = [CMPP] }
              "901235" { password = s2, protocols = [CMPP], source-prefixes = ["1065712345"] }
            }
            routes.mo = [
              { prefix = "10657", account = "901234" }
              { prefix = "1065712345", account = "901235" }
            ]
            """));
   }

   @Test
   void theWarningsAreLoggedWhenTheConfigurationLoads() {
      PrintStream original = System.err;
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      GatewayConfig config;
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      try {
         config = GatewayConfigLoader.parse(OVERLAPPING, FILE);
      } finally {
         System.setErr(original);
      }
      assertEquals(5, config.accounts().size(), "loaded anyway");
      String text = log.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("WARN io.smsgw.core.config.GatewayConfigReader - sms-gateway.conf: account esme1 has no"
         + " source-prefixes"), text);
      assertTrue(text.contains("WARN io.smsgw.core.config.GatewayConfigReader - sms-gateway.conf: account 901235: source"
         + " prefix \"106571234\" covers MO route \"1065712345\" of account 901234"), text);
   }
}
