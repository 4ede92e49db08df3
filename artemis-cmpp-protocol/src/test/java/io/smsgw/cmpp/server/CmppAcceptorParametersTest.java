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
}
