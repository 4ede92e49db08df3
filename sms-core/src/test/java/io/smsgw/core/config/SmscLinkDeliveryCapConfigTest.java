package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code max-unanswered-deliveries}: the deliveries an SMSC link takes unanswered before it stops reading. */
class SmscLinkDeliveryCapConfigTest {

   private static final String LINK = "links.cmcc1 { host = smsc.example, port = 2775, system-id = gw1, password = pw";

   private static SmscLinkConfig link(String extra) {
      return GatewayConfigLoader.parse("gateway.code = \"001001\"\n" + LINK + extra + " }", "sms-gateway.conf").links().get(0);
   }

   @Test
   void aLinkTakesAThousandDeliveriesUnansweredUnlessToldOtherwise() {
      assertEquals(1000, link("").maxUnansweredDeliveries());
      assertEquals(SmscLinkConfig.DEFAULT_MAX_UNANSWERED_DELIVERIES, link("").maxUnansweredDeliveries());
      assertEquals(64, link(", max-unanswered-deliveries = 64").maxUnansweredDeliveries());
   }

   @Test
   void fewerThanOneIsRefused() {
      GatewayConfigException refused = assertThrows(GatewayConfigException.class, () -> link(", max-unanswered-deliveries = 0"));
      String problems = String.join("\n", refused.problems());
      assertTrue(problems.contains("links.cmcc1.max-unanswered-deliveries"), problems);
   }
}
