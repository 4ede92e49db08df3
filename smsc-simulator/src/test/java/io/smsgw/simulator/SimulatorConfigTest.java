package io.smsgw.simulator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SimulatorConfigTest {

   /** A configuration logged or named in an exception shows which system_ids bind, never their passwords. */
   @Test
   void toStringShowsTheSystemIdsButNotTheirPasswords() {
      String text = SimulatorConfig.builder().systemId("SIM").credential("gw1", "s3cr3t-pw").credential("gw2", "0th3r-pw")
         .build().toString();
      assertFalse(text.contains("s3cr3t-pw"), text);
      assertFalse(text.contains("0th3r-pw"), text);
      assertTrue(text.contains("gw1") && text.contains("gw2") && text.contains("systemId=SIM"), text);
   }
}
