package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigLoaderTest {

   private static final String FILE = "sms-gateway.conf";
   private static final String SECRET = "Pa55-s3cret";

   /** The example from the configuration brief. */
   private static final String VALID = """
      gateway {
        code = "001001"        # 6-digit ISMG code used in CMPP Msg_Ids (required)
        name = "demo-gateway"  # optional, default "sms-gateway"
      }
      accounts {
        smppclient1 {
          password = "password"
          protocols = [SMPP]
          max-sessions = 4
          source-prefixes = []
          service-ids = []
          max-submit-rate = 0
          allowed-ips = []
        }
        "901234" { password = "secret", protocols = [CMPP], source-prefixes = ["1065712345"] }
      }
      """;

   private static GatewayConfigException problems(String text) {
      return assertThrows(GatewayConfigException.class, () -> GatewayConfigLoader.parse(text, FILE));
   }

   /** A one-account file whose account body is {@code settings}; the account starts on line 3. */
   private static String withAccount(String settings) {
      return "gateway { code = \"001001\" }\n"
         + "accounts {\n"
         + "  smppclient1 {\n"
         + settings
         + "  }\n"
         + "}\n";
   }

   private static void assertSingleProblem(String expected, String text) {
      GatewayConfigException e = problems(text);
      assertEquals(List.of(expected), e.problems());
      assertEquals(expected, e.getMessage());
   }

   @Test
   void readsTheDocumentedExample() {
      GatewayConfig config = GatewayConfigLoader.parse(VALID, FILE);
      assertEquals("001001", config.code());
      assertEquals(1001, config.codeValue());
      assertEquals("demo-gateway", config.name());
      assertEquals(2, config.accounts().size());
      assertEquals(List.of("smppclient1", "901234"), config.accounts().all().stream().map(Account::id).toList());

      Account smpp = config.accounts().find("smppclient1").orElseThrow();
      assertEquals("password", smpp.password());
      assertEquals(Set.of(AccessProtocol.SMPP), smpp.protocols());
      assertEquals(4, smpp.maxSessions());
      assertEquals(0, smpp.maxSubmitRate());
      assertTrue(smpp.allowsSource("anything"));

      Account cmpp = config.accounts().find("901234").orElseThrow();
      assertEquals("secret", cmpp.password());
      assertTrue(cmpp.allowsProtocol(AccessProtocol.CMPP));
      assertFalse(cmpp.allowsProtocol(AccessProtocol.SMPP));
      assertEquals(Account.DEFAULT_MAX_SESSIONS, cmpp.maxSessions());
      assertTrue(cmpp.allowsSource("106571234501"));
      assertFalse(cmpp.allowsSource("106571230"));
      assertTrue(config.accounts().find("nobody").isEmpty());
   }

   @Test
   void optionalSettingsTakeTheirDefaults() {
      GatewayConfig config = GatewayConfigLoader.parse("gateway.code = \"001001\"\naccounts.sp1.password = x\n", FILE);
      assertEquals(GatewayConfig.DEFAULT_NAME, config.name());
      Account account = config.accounts().find("sp1").orElseThrow();
      assertEquals(EnumSet.allOf(AccessProtocol.class), account.protocols());
      assertEquals(4, account.maxSessions());
      assertEquals(Account.UNLIMITED_RATE, account.maxSubmitRate());
      assertTrue(account.sourcePrefixes().isEmpty());
      assertTrue(account.serviceIds().isEmpty());
      assertTrue(account.allowedIps().isEmpty());
   }

   @Test
   void accountsSectionMayBeAbsent() {
      assertEquals(0, GatewayConfigLoader.parse("gateway { code = \"001001\" }", FILE).accounts().size());
   }

   @Test
   void unquotedDigitsKeepTheirLeadingZeros() {
      GatewayConfig config = GatewayConfigLoader.parse(
         "gateway { code = 001001 }\naccounts { \"901234\" { password = 008888, source-prefixes = [01065] } }", FILE);
      assertEquals("001001", config.code());
      Account account = config.accounts().find("901234").orElseThrow();
      assertEquals("008888", account.password());
      assertEquals(List.of("01065"), account.sourcePrefixes());
   }

   @Test
   void environmentSubstitutionsWork() {
      String path = System.getenv("PATH");
      GatewayConfig config = GatewayConfigLoader.parse(
         "gateway { code = \"001001\", name = ${?PATH} }", FILE);
      assertEquals(path == null ? GatewayConfig.DEFAULT_NAME : path, config.name());
   }

   @Test
   void tooFewSessionsNamesFileLineAccountAndField() {
      assertSingleProblem("sms-gateway.conf line 5: accounts.smppclient1.max-sessions: must be >= 1, got 0",
         withAccount("    password = \"pw\", protocols = [SMPP]\n    max-sessions = 0\n"));
   }

   @Test
   void negativeRateIsRejected() {
      assertSingleProblem("sms-gateway.conf line 6: accounts.smppclient1.max-submit-rate: must be >= 0, got -5",
         withAccount("    password = \"pw\", protocols = [SMPP]\n\n    max-submit-rate = -5\n"));
   }

   @Test
   void unknownKeyIsRejected() {
      assertSingleProblem("sms-gateway.conf line 5: accounts.smppclient1.max-session: unknown key, expected one of "
            + "password, protocols, max-sessions, source-prefixes, service-ids, max-submit-rate, allowed-ips, daily-quota, mt-routes, "
            + "max-message-parts, third-party-billing, broker-roles, smpp-default-alphabet, cmpp-deliver-over-140",
         withAccount("    password = \"pw\", protocols = [SMPP]\n    max-session = 2\n"));
   }

   @Test
   void unknownTopLevelAndGatewayKeysAreRejected() {
      GatewayConfigException e = problems("gateway { code = \"001001\", colour = red }\nacounts { }\n");
      assertEquals(List.of(
         "sms-gateway.conf line 1: gateway.colour: unknown key, expected one of code, name, max-hops",
         "sms-gateway.conf line 2: acounts: unknown key, expected one of gateway, accounts, links, routes, billing, tandem, gns, peers"), e.problems());
   }

   @Test
   void missingPasswordPointsAtTheAccount() {
      assertSingleProblem("sms-gateway.conf line 3: accounts.smppclient1.password: required",
         withAccount("    protocols = [SMPP]\n"));
   }

   @Test
   void missingGatewayCodeAndSectionAreRejected() {
      assertSingleProblem("sms-gateway.conf line 1: gateway.code: required (the 6-digit ISMG code, e.g. code = \"001001\")",
         "gateway { name = x }");
      assertSingleProblem("sms-gateway.conf line 1: gateway: required section is missing",
         "accounts { }");
   }

   @Test
   void gatewayCodeMustBeSixDigits() {
      assertSingleProblem("sms-gateway.conf line 2: gateway.code: must be 6 digits (e.g. \"001001\"), got \"1001\"",
         "gateway {\n  code = \"1001\"\n}");
      assertSingleProblem("sms-gateway.conf line 1: gateway.code: must be 6 digits (e.g. \"001001\"), got \"00100a\"",
         "gateway.code = 00100a");
   }

   @Test
   void wrongTypesAreRejected() {
      GatewayConfigException e = problems(withAccount(
         "    password = \"pw\"\n"
            + "    max-sessions = \"four\"\n"
            + "    protocols = SMPP\n"
            + "    allowed-ips = \"10.0.0.1\"\n"
            + "    max-submit-rate = 2.5\n"
            + "    service-ids = [{ a = 1 }]\n"));
      assertEquals(List.of(
         "sms-gateway.conf line 5: accounts.smppclient1.max-sessions: expected a whole number, got string \"four\"",
         "sms-gateway.conf line 6: accounts.smppclient1.protocols: expected a list [...], got string \"SMPP\"",
         "sms-gateway.conf line 7: accounts.smppclient1.allowed-ips: expected a list [...], got string \"10.0.0.1\"",
         "sms-gateway.conf line 8: accounts.smppclient1.max-submit-rate: expected a whole number, got number 2.5",
         "sms-gateway.conf line 9: accounts.smppclient1.service-ids[0]: expected a string, got object"),
         e.problems());
   }

   @Test
   void accountMustBeAnObject() {
      assertSingleProblem("sms-gateway.conf line 1: accounts.sp1: expected an object with the account's settings, got string",
         "accounts { sp1 = \"pw\" }\ngateway.code = \"001001\"");
   }

   @Test
   void badAddressBlocksAreRejectedWithTheReason() {
      GatewayConfigException e = problems(withAccount(
         "    password = \"pw\", protocols = [SMPP]\n"
            + "    allowed-ips = [\"10.0.0.0/8\", \"10.0.0.0/33\",\n"
            + "      \"192.168.1.10/24\", \"gateway.example.com\"]\n"));
      assertEquals(List.of(
         "sms-gateway.conf line 5: accounts.smppclient1.allowed-ips[1]: bad IP address or CIDR block \"10.0.0.0/33\": "
            + "prefix length must be 0..32",
         "sms-gateway.conf line 6: accounts.smppclient1.allowed-ips[2]: bad IP address or CIDR block \"192.168.1.10/24\": "
            + "host bits are set; the block is 192.168.1.0/24",
         "sms-gateway.conf line 6: accounts.smppclient1.allowed-ips[3]: bad IP address or CIDR block \"gateway.example.com\": "
            + "not an IPv4 or IPv6 address"),
         e.problems());
   }

   @Test
   void unknownProtocolIsRejected() {
      assertSingleProblem("sms-gateway.conf line 5: accounts.smppclient1.protocols[1]: unknown protocol \"SMTP\", expected SMPP or CMPP",
         withAccount("    password = \"pw\"\n    protocols = [SMPP, SMTP]\n"));
      assertSingleProblem("sms-gateway.conf line 5: accounts.smppclient1.protocols: must name at least one of SMPP, CMPP",
         withAccount("    password = \"pw\"\n    protocols = []\n"));
   }

   @Test
   void protocolNamesAreCaseInsensitive() {
      Account account = GatewayConfigLoader.parse(withAccount("    password = pw, protocols = [smpp]\n"), FILE)
         .accounts().find("smppclient1").orElseThrow();
      assertEquals(Set.of(AccessProtocol.SMPP), account.protocols());
   }

   @Test
   void protocolLimitsOnIdsAndServiceIdsAreChecked() {
      GatewayConfigException e = problems("""
         gateway.code = "001001"
         accounts {
           sp-with-long-id { password = pw, protocols = [CMPP] }
           esme-id-longer-than-15 { password = pw, protocols = [SMPP] }
           "901234" { password = pw, service-ids = ["ABCDEFGHIJK", "has space"] }
         }
         """);
      assertEquals(List.of(
         "sms-gateway.conf line 3: accounts.sp-with-long-id: account id must be at most 6 characters for CMPP "
            + "(Source_Addr is 6 bytes); set protocols = [SMPP] for an SMPP-only account",
         "sms-gateway.conf line 4: accounts.esme-id-longer-than-15: account id must be at most 15 characters for SMPP "
            + "(system_id is a C-Octet String of 16 bytes)",
         "sms-gateway.conf line 5: accounts.901234.service-ids[0]: must be at most 10 characters, got \"ABCDEFGHIJK\"",
         "sms-gateway.conf line 5: accounts.901234.service-ids[1]: must be non-empty and without spaces, got \"has space\""),
         e.problems());
   }

   /**
    * Without a protocols list an account gets both, so both limits apply: a password over 8 characters would fail
    * every SMPP bind, an id over 6 characters every CMPP CONNECT. The file is refused, naming the fix.
    */
   @Test
   void anAccountWithoutProtocolsIsSmppOnlyWhenItsIdIsTooLongForCmppAndIsNeverRefused() {
      GatewayConfig config = GatewayConfigLoader.parse("""
         gateway.code = "001001"
         accounts {
           "901234" { password = "longer-than-eight" }
           smppclient1 { password = "password" }
           esmeuser1 { password = "longer-than-eight" }
         }
         """, FILE);
      Account shortId = config.accounts().find("901234").orElseThrow();
      assertTrue(shortId.allowsProtocol(AccessProtocol.CMPP));
      assertTrue(shortId.allowsProtocol(AccessProtocol.SMPP), "SMPP binds take passwords longer than the spec's 8");
      Account longId = config.accounts().find("smppclient1").orElseThrow();
      assertTrue(longId.allowsProtocol(AccessProtocol.SMPP));
      assertFalse(longId.allowsProtocol(AccessProtocol.CMPP), "a CMPP Source_Addr has 6 bytes");
      Account both = config.accounts().find("esmeuser1").orElseThrow();
      assertTrue(both.allowsProtocol(AccessProtocol.SMPP), "loaded as before the limits were checked");
      assertEquals("longer-than-eight", both.password());

      // A protocol the account lists is still checked.
      GatewayConfigException e = problems("""
         gateway.code = "001001"
         accounts {
           smppclient1 { password = "longer-than-eight", protocols = [SMPP] }
         }
         """);
      assertEquals(List.of(
         "sms-gateway.conf line 3: accounts.smppclient1.password: must be at most 8 characters for SMPP "
            + "(bind password is a C-Octet String of 9 bytes)"),
         e.problems());
   }

   @Test
   void passwordsNeverAppearInMessages() {
      GatewayConfigException tooLong = problems(withAccount("    password = \"" + SECRET + "\"\n    protocols = [SMPP]\n"));
      assertEquals(List.of("sms-gateway.conf line 4: accounts.smppclient1.password: must be at most 8 characters for SMPP "
         + "(bind password is a C-Octet String of 9 bytes)"), tooLong.problems());

      GatewayConfigException wrongType = problems(withAccount("    password = [\"" + SECRET + "\"], protocols = [SMPP]\n"));
      assertEquals(List.of("sms-gateway.conf line 4: accounts.smppclient1.password: expected a string, got list"),
         wrongType.problems());

      GatewayConfigException otherProblem = problems(withAccount("    password = \"" + SECRET + "\", max-sessions = 0\n"));
      assertFalse(otherProblem.getMessage().contains(SECRET));

      Account account = GatewayConfigLoader.parse(withAccount("    password = \"" + SECRET + "\", protocols = [CMPP]\n")
         .replace("smppclient1", "sp1"), FILE).accounts().find("sp1").orElseThrow();
      assertFalse(account.toString().contains(SECRET));
      assertTrue(account.toString().contains("password=****"));
   }

   @Test
   void allProblemsAreReportedAtOnce() {
      GatewayConfigException e = problems("""
         gateway { code = "12345" }
         accounts {
           a1 { max-sessions = 0 }
           a2 { password = pw, allowed-ips = ["300.1.1.1"] }
         }
         """);
      assertEquals(4, e.problems().size(), e.getMessage());
      assertTrue(e.problems().get(0).startsWith("sms-gateway.conf line 1: gateway.code:"));
      assertTrue(e.problems().get(1).startsWith("sms-gateway.conf line 3: accounts.a1.password: required"));
      assertTrue(e.problems().get(2).startsWith("sms-gateway.conf line 3: accounts.a1.max-sessions: must be >= 1"));
      assertTrue(e.problems().get(3).startsWith("sms-gateway.conf line 4: accounts.a2.allowed-ips[0]: bad IP address"));
      assertEquals(String.join("\n", e.problems()), e.getMessage());
   }

   @Test
   void syntaxErrorsNameFileAndLine() {
      GatewayConfigException e = problems("gateway {\n  code = \"001001\"\n  name = \n");
      assertTrue(e.getMessage().startsWith("sms-gateway.conf line "), e.getMessage());
      GatewayConfigException unresolved = problems("gateway {\n  code = ${NO_SUCH_VARIABLE_SMSGW_TEST}\n}");
      assertTrue(unresolved.getMessage().startsWith("sms-gateway.conf line 2: "), unresolved.getMessage());
   }

   @Test
   void loadsAFileAndNamesItInMessages(@TempDir Path dir) throws IOException {
      Path file = dir.resolve(FILE);
      Files.writeString(file, VALID);
      assertEquals("demo-gateway", GatewayConfigLoader.load(file).name());

      Files.writeString(file, "gateway { code = \"001001\" }\naccounts { sp1 { password = pw, max-sessions = -1 } }\n");
      GatewayConfigException e = assertThrows(GatewayConfigException.class, () -> GatewayConfigLoader.load(file));
      assertEquals(file + " line 2: accounts.sp1.max-sessions: must be >= 1, got -1", e.getMessage());
   }

   @Test
   void includedFilesKeepTheirOwnNameInMessages(@TempDir Path dir) throws IOException {
      Path main = dir.resolve(FILE);
      Path accounts = dir.resolve("accounts.conf");
      Files.writeString(main, "gateway { code = \"001001\" }\ninclude \"accounts.conf\"\n");
      Files.writeString(accounts, "accounts {\n  sp1 { password = pw, max-sessions = 0 }\n}\n");
      GatewayConfigException e = assertThrows(GatewayConfigException.class, () -> GatewayConfigLoader.load(main));
      assertEquals(accounts + " line 2: accounts.sp1.max-sessions: must be >= 1, got 0", e.getMessage());
   }

   @Test
   void missingFileIsReported(@TempDir Path dir) {
      Path missing = dir.resolve("nope.conf");
      GatewayConfigException e = assertThrows(GatewayConfigException.class, () -> GatewayConfigLoader.load(missing));
      assertEquals(missing + ": no such file", e.getMessage());
   }

   @Test
   void loadsAClassPathResource() {
      GatewayConfig config = GatewayConfigLoader.load("io/smsgw/core/config/sample-gateway.conf", getClass().getClassLoader());
      assertEquals("079101", config.code());
      assertTrue(config.accounts().find("esme1").orElseThrow().allowsProtocol(AccessProtocol.SMPP));
      GatewayConfigException e = assertThrows(GatewayConfigException.class,
         () -> GatewayConfigLoader.load("io/smsgw/core/config/none.conf", getClass().getClassLoader()));
      assertEquals("class-path resource io/smsgw/core/config/none.conf: not found", e.getMessage());
   }
}
