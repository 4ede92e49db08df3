package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Links bound to one SMSC account (the same system-id at the same host and port) share a correlation group by
 * default, the first of their names, so a receipt the SMSC hands to either bind finds the record the other made; a
 * link alone on its account keeps its own name (as before groups); correlation-group names one (a named group is not
 * joined by default ones).
 */
class SmscLinkCorrelationGroupConfigTest {

   private static final String FILE = "sms-gateway.conf";

   private static List<SmscLinkConfig> links(String text) {
      return GatewayConfigLoader.parse("gateway.code = \"001001\"\n" + text, FILE).links();
   }

   private static String problems(String text) {
      return String.join("\n", assertThrows(GatewayConfigException.class,
         () -> GatewayConfigLoader.parse("gateway.code = \"001001\"\n" + text, FILE)).problems());
   }

   @Test
   void linksToOneAccountShareTheFirstNameAndOthersKeepTheirOwn() {
      List<SmscLinkConfig> links = links("""
         links {
           cmcc2 { host = SMSC.example, port = 7890, system-id = gw, password = pw }
           cmcc1 { host = smsc.example, port = 7890, system-id = gw, password = pw }
           other { host = smsc.example, port = 7890, system-id = gw2, password = pw }
           alone { host = smsc.example, port = 7891, system-id = gw, password = pw }
           named { host = smsc.example, port = 7890, system-id = gw, password = pw, correlation-group = "acct" }
           a-too { host = 10.0.0.1, port = 7890, system-id = gw, password = pw, correlation-group = "acct" }
         }
         """);
      java.util.Map<String, String> groups = new java.util.TreeMap<>();
      links.forEach(link -> groups.put(link.id(), link.correlationGroup()));
      assertEquals(java.util.Map.of("cmcc1", "cmcc1", "cmcc2", "cmcc1", "other", "other", "alone", "alone",
                                    "named", "acct", "a-too", "acct"), groups);
   }

   @Test
   void aGroupWithSpacesIsAProblem() {
      String text = problems("links.a { host = h, port = 2775, system-id = gw, password = pw, correlation-group = \"a b\" }");
      assertTrue(text.contains("links.a.correlation-group") && text.contains("without spaces"), text);
   }
}
