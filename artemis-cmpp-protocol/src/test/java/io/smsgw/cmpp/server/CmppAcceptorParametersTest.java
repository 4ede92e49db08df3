package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.smsgw.broker.Acceptors;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.ConnectResp;
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
}
