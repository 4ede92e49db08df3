package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** A peer's {@code report-wait}: how long past the peer's own deadline its final report on a forwarded MT is awaited. */
class PeerReportWaitConfigTest {

   private static final String FILE = "sms-gateway.conf";

   @Test
   void defaultsToADayAndIsReadPerPeer() {
      GatewayConfig config = GatewayConfigLoader.parse("""
         gateway.code = "001001"
         peers {
           "022001" { host = "10.0.22.1", shared-secret = "tj" }
           "020001" { host = "10.0.20.1", shared-secret = "gz", report-wait = 90m }
           "077101" { host = "10.0.77.1", shared-secret = "gx", report-wait = 0s }
         }
         """, FILE);
      assertEquals(Duration.ofHours(24), config.peer("022001").orElseThrow().reportWait());
      assertEquals(Duration.ofMinutes(90), config.peer("020001").orElseThrow().reportWait());
      assertEquals(Duration.ZERO, config.peer("077101").orElseThrow().reportWait());
      assertEquals(config.peer("022001").orElseThrow().linkSettings(),
                   new PeerConfig("022001", "10.0.22.1", 7930, "tj").linkSettings(), "not a link setting: a reload restarts no link for it");
   }

   @Test
   void aNegativeOrWordyReportWaitIsRefusedNamingTheField() {
      String problems = String.join("\n", assertThrows(GatewayConfigException.class, () -> GatewayConfigLoader.parse("""
         gateway.code = "001001"
         peers {
           "020001" { host = "10.0.20.1", shared-secret = "gz", report-wait = -1h }
           "022001" { host = "10.0.22.1", shared-secret = "tj", report-wait = "a day" }
         }
         """, FILE)).problems());
      assertTrue(problems.contains("peers.020001.report-wait"), problems);
      assertTrue(problems.contains("peers.022001.report-wait"), problems);
   }
}
