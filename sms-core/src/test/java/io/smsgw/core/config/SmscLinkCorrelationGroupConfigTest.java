package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Links bound to one SMSC account (the same system-id at the same host and port) share a correlation group by
 * default, so a receipt the SMSC hands to either bind finds the record the other made; correlation-group names one.
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
   void linksToOneAccountShareTheirGroupAndOthersDoNot() {
      List<SmscLinkConfig> links = links("""
         links {
           cmcc1 { host = SMSC.example, port = 7890, system-id = gw, password = pw }
           cmcc2 { host = smsc.example, port = 7890, system-id = gw, password = pw }
           other { host = smsc.example, port = 7890, system-id = gw2, password = pw }
           named { host = 10.0.0.1, port = 7890, system-id = gw, password = pw, correlation-group = "cmcc" }
         }
         """);
      assertEquals("gw@smsc.example:7890", links.get(0).correlationGroup());
      assertEquals(links.get(0).correlationGroup(), links.get(1).correlationGroup());
      assertEquals("gw2@smsc.example:7890", links.get(2).correlationGroup());
      assertEquals("cmcc", links.get(3).correlationGroup());
   }

   @Test
   void aGroupWithSpacesIsAProblem() {
      String text = problems("links.a { host = h, port = 2775, system-id = gw, password = pw, correlation-group = \"a b\" }");
      assertTrue(text.contains("links.a.correlation-group") && text.contains("without spaces"), text);
   }
}
