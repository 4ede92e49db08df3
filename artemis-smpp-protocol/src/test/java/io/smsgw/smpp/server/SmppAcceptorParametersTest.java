package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.smsgw.broker.Acceptors;
import org.junit.jupiter.api.Test;

/** The acceptor parameters the README documents are the ones the broker can set. */
class SmppAcceptorParametersTest {

   @Test
   void everyDocumentedParameterHasASetterAndAMisspeltOneIsReported() throws Exception {
      Map<String, Object> parameters = new LinkedHashMap<>();
      for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
         if (line.startsWith("| `smpp")) {
            String name = line.substring(3, line.indexOf('`', 3));
            if (name.chars().allMatch(Character::isLetterOrDigit)) { // not a module name such as cmpp-interop-tests
               parameters.put(name, "1");
            }
         }
      }
      assertFalse(parameters.size() < 8, "the README's SMPP table was found: " + parameters.keySet());
      parameters.put("smppEnquireLinkIntreval", "1000");
      parameters.put("host", "0.0.0.0");
      assertEquals(List.of("smppEnquireLinkIntreval"), Acceptors.unknownParameters(SmppProtocolManager.class, parameters, "smpp"));
   }
}
