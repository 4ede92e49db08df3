package io.smsgw.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.smsgw.core.receipt.DeliveryState;
import org.junit.jupiter.api.Test;

/** What an operator's locate learns of a message's final state knowing only its id: every account's, bounded. */
class FinalStatesAnyAccountTest {

   @Test
   void anIdIsFoundWhateverAccountSubmittedItAndNamesThatAccount() {
      FinalStates states = new FinalStates(8);
      states.record("8A1B2C3D4E5F6071", "esme1", DeliveryState.UNDELIV, "069", 1_700_000_000_000L);
      states.record("8A1B2C3D4E5F6071", "esme2", DeliveryState.DELIVRD, null, 1_700_000_000_500L);
      states.record("0000000000000001", "esme1", DeliveryState.DELIVRD, null, 1L);
      List<FinalStates.Kept> kept = states.lookupAnyAccount("8a1b2c3d4e5f6071");
      assertEquals(Set.of(new FinalStates.Kept("esme1", new FinalStates.Final(5, 69, 1_700_000_000_000L)),
                          new FinalStates.Kept("esme2", new FinalStates.Final(2, 0, 1_700_000_000_500L))),
                   Set.copyOf(kept), "both accounts' messages of that id");
      assertEquals(List.of(), states.lookupAnyAccount("1"), "the same number written with fewer digits is another id");
      assertEquals(List.of(), states.lookupAnyAccount("not-an-id"));
   }

   @Test
   void theOldestAreForgottenBeyondTheCapacity() {
      FinalStates states = new FinalStates(4);
      for (int i = 0; i < 6; i++) {
         states.record(String.format("%016x", i), "esme1", DeliveryState.DELIVRD, null, i);
      }
      assertTrue(states.lookupAnyAccount(String.format("%016x", 1)).isEmpty(), "forgotten");
      Set<String> accounts = states.lookupAnyAccount(String.format("%016x", 5)).stream().map(FinalStates.Kept::account)
         .collect(Collectors.toSet());
      assertEquals(Set.of("esme1"), accounts);
   }
}
