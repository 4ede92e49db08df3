package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.smsgw.broker.Acceptors;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.SubmitResp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acceptor parameters the README documents are the ones the broker can set. */
class CmppAcceptorParametersTest {

   /** The {@code cmpp…} parameter names in the README's tables ("| `cmppWindowSize` | …"). */
   private static List<String> documented(String prefix) throws Exception {
      Map<String, Object> names = new LinkedHashMap<>();
      for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
         if (line.startsWith("| `" + prefix)) {
            String name = line.substring(3, line.indexOf('`', 3));
            if (name.chars().allMatch(Character::isLetterOrDigit)) { // not a module name such as cmpp-interop-tests
               names.put(name, "1");
            }
         }
      }
      return List.copyOf(names.keySet());
   }

   @Test
   void everyDocumentedParameterHasASetterAndAMisspeltOneIsReported() throws Exception {
      List<String> documented = documented("cmpp");
      assertFalse(documented.size() < 8, "the README's CMPP table was found: " + documented);
      Map<String, Object> parameters = new LinkedHashMap<>();
      documented.forEach(name -> parameters.put(name, "1"));
      parameters.put("cmppWindowSise", "8");
      parameters.put("port", "7890");
      assertEquals(List.of("cmppWindowSise"), Acceptors.unknownParameters(CmppProtocolManager.class, parameters, "cmpp"));
   }

   @Test
   void cmppVersion20IsWhatTheAcceptorReportsInConnectResp(@TempDir Path dir) throws Exception {
      try (TestBroker v20 = TestBroker.cmpp(dir, ";cmppVersion=0x20").start();
           RawCmppClient client = new RawCmppClient(v20.port())) {
         ConnectResp resp = client.connect("901234", "secret", 0x20);
         assertEquals(CmppResult.CONNECT_OK, resp.status());
         assertEquals(0x20, resp.version(), "an acceptor limited to 2.0 says so");
      }
   }

   /** gocmpp connects with 0x21 by default: 2.1 has 2.0's layout, so an acceptor limited to 2.0 takes it (it refused it with Status 4). */
   @Test
   void aCmpp21ClientConnectsToAnAcceptorLimitedTo20AndSubmits(@TempDir Path dir) throws Exception {
      try (TestBroker v20 = TestBroker.cmpp(dir, ";cmppVersion=0x20").start();
           RawCmppClient client = new RawCmppClient(v20.port())) {
         ConnectResp resp = client.connect("901234", "secret", 0x21);
         assertEquals(CmppResult.CONNECT_OK, resp.status(), "2.1 is read with the 2.0 layout");
         assertEquals(0x20, resp.version());
         client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "from a 2.1 client", "13800138000"));
         SubmitResp submitted = (SubmitResp) client.read();
         assertEquals(CmppResult.OK, submitted.result(), "the SUBMIT in 2.0's layout is stored");
         try (RawCmppClient v30 = new RawCmppClient(v20.port())) {
            assertEquals(CmppResult.CONNECT_VERSION_TOO_HIGH, v30.connect("901234", "secret", 0x30).status(),
                         "3.0 is still above a 2.0 acceptor");
         }
      }
   }

   private static CmppProtocolManager create(TestBroker broker, String key, String value) throws Exception {
      Map<String, Object> parameters = new LinkedHashMap<>();
      parameters.put("protocols", "CMPP");
      parameters.put(key, value);
      return (CmppProtocolManager) new CmppProtocolManagerFactory().createProtocolManager(broker.server(), parameters, List.of(), List.of());
   }

   /**
    * The broker sets parameters with commons-beanutils, which read a value it could not parse as 0:
    * cmppActiveTestInterval=3m meant "never", cmppResponseTimeout=60s 1 ms.
    */
   @Test
   void aDurationWithAUnitIsReadAndAValueThatIsNoNumberIsRefusedByName(@TempDir Path dir) throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, "").start()) {
         assertEquals(180_000, create(broker, "cmppActiveTestInterval", "3m").getCmppActiveTestInterval());
         assertEquals(60_000, create(broker, "cmppResponseTimeout", "60s").getCmppResponseTimeout());
         assertEquals(500, create(broker, "cmppConnectTimeout", "500ms").getCmppConnectTimeout());
         assertEquals(30_000, create(broker, "cmppConnectTimeout", "30000").getCmppConnectTimeout(), "a bare number is ms");

         IllegalArgumentException abc = assertThrows(IllegalArgumentException.class, () -> create(broker, "cmppResponseTimeout", "abc"));
         assertTrue(abc.getMessage().contains("cmppResponseTimeout=abc"), abc.getMessage());
         assertTrue(abc.getMessage().contains("30s"), "says what is expected: " + abc.getMessage());
         IllegalArgumentException retries = assertThrows(IllegalArgumentException.class, () -> create(broker, "cmppActiveTestRetries", "three"));
         assertTrue(retries.getMessage().contains("cmppActiveTestRetries=three"), retries.getMessage());
         IllegalArgumentException version = assertThrows(IllegalArgumentException.class, () -> create(broker, "cmppVersion", "0x40"));
         assertTrue(version.getMessage().contains("cmppVersion"), version.getMessage());
      }
   }

   @Test
   void aValueBelowItsMinimumIsRaisedAndTheLogSaysSo(@TempDir Path dir) throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, "").start(); LogCapture log = LogCapture.start()) {
         assertEquals(512, create(broker, "cmppMaxPduSize", "100").getCmppMaxPduSize());
         assertEquals(1, log.count("WARN", "cmppMaxPduSize=100", "minimum", "512 is used"), () -> log.lines("cmppMaxPduSize").toString());
      }
   }

   /** As on the SMPP acceptor: the broker does not start, rather than run the acceptor with 0 or without it. */
   @Test
   void aBrokerWhoseAcceptorHasAValueThatIsNoNumberDoesNotStart(@TempDir Path dir) throws Exception {
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.cmpp(dir, ";cmppActiveTestInterval=3min").start()) {
         assertFalse(broker.server().isStarted(), "the broker does not start");
         assertNull(broker.server().getRemotingService().getAcceptor("cmpp"), "no CMPP acceptor that never tests the link");
         assertEquals(1, log.count("The broker does not start", "cmppActiveTestInterval=3min is not valid", "30s, 500ms"),
                      () -> log.lines("cmppActiveTestInterval").toString());
      }
   }

   @Test
   void anAcceptorWithADurationWithAUnitTakesConnections(@TempDir Path dir) throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppActiveTestInterval=3m;cmppResponseTimeout=60s").start();
           RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
      }
   }

   /** cmppVersion=xyz used to stop the start with a bare NumberFormatException: the message now says what is allowed. */
   @Test
   void aVersionThatIsNoNumberIsRefusedListingTheAllowedOnes(@TempDir Path dir) throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, "").start()) {
         for (String wrong : new String[] {"xyz", "3.x", "0x4"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> create(broker, "cmppVersion", wrong));
            assertTrue(refused.getMessage().contains("cmppVersion=" + wrong + " is not valid: cmppVersion must be 0x30 (CMPP 3.0, the default) or 0x20 (CMPP 2.0)"),
                       refused.getMessage());
            assertFalse(refused.getMessage().contains("NumberFormat") || refused.getMessage().contains("For input string"), refused.getMessage());
         }
         assertEquals("0x20", create(broker, "cmppVersion", "2.0").getCmppVersion());
      }
   }

   /**
    * cmppConnectTimeSkew took bare seconds only, while the other times take units: 15m was refused as no number. It now
    * takes a duration with a unit; a bare number stays seconds, as before.
    */
   @Test
   void theConnectTimeSkewTakesAUnitAndABareNumberStaysSeconds(@TempDir Path dir) throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, "").start()) {
         assertEquals(900, create(broker, "cmppConnectTimeSkew", "15m").getCmppConnectTimeSkew());
         assertEquals(120, create(broker, "cmppConnectTimeSkew", "120s").getCmppConnectTimeSkew());
         assertEquals(600, create(broker, "cmppConnectTimeSkew", "600").getCmppConnectTimeSkew(), "a bare number is seconds");
         assertEquals(0, create(broker, "cmppConnectTimeSkew", "0").getCmppConnectTimeSkew());
         for (String wrong : new String[] {"1500ms", "15min", "-5m"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> create(broker, "cmppConnectTimeSkew", wrong));
            assertTrue(refused.getMessage().contains("cmppConnectTimeSkew=" + wrong + " is not valid: expected a duration of at least 0 in whole seconds"),
                       refused.getMessage());
         }
      }
   }

   /** The acceptor uses the skew it was given with a unit: a CONNECT 5 minutes old is refused under 1m, taken at 30 s. */
   @Test
   void anAcceptorWithAConnectTimeSkewInMinutesRefusesAnOlderConnect(@TempDir Path dir) throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppConnectTimeSkew=1m").start()) {
         java.time.LocalDateTime now = java.time.LocalDateTime.now();
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, connectAt(broker, now.minusMinutes(5)).status(),
                      "5 minutes behind: outside 1m (inside the default 900 s)");
         assertEquals(CmppResult.CONNECT_OK, connectAt(broker, now.minusSeconds(30)).status());
      }
   }

   private static ConnectResp connectAt(TestBroker broker, java.time.LocalDateTime time) throws Exception {
      long timestamp = io.smsgw.cmpp.codec.CmppTimestamp.of(time);
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         client.send(new io.smsgw.cmpp.codec.Connect(1, "901234",
            io.smsgw.cmpp.codec.CmppAuthenticator.authenticatorSource("901234", "secret", timestamp), 0x30, timestamp));
         return (ConnectResp) client.read();
      }
   }

   /**
    * An SMPP parameter on an acceptor that serves only CMPP used to be ignored without a word, while the README
    * promised a WARN for parameters nothing reads: one WARN at start names it.
    */
   @Test
   void anSmppParameterOnACmppOnlyAcceptorIsNamedInOneWarn(@TempDir Path dir) throws Exception {
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.cmpp(dir, ";smppWindowSize=10;cmppWindowSize=8").start()) {
         assertTrue(broker.server().isStarted());
         assertEquals(1, log.count("WARN", "'smppWindowSize' is an SMPP parameter", "does not serve SMPP (protocols=CMPP)", "ignored"),
                      () -> log.lines("smppWindowSize").toString());
         assertEquals(0, log.count("WARN", "cmppWindowSize"), "nothing said of its own parameters");
      }
   }
}
