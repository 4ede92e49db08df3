package io.smsgw.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import io.smsgw.core.receipt.DeliveryState;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.junit.jupiter.api.Test;

/** What query_sm can learn of a message whose report was made: kept per account, bounded, merged across parts. */
class FinalStatesTest {

   @Test
   void aFinalStateIsKeptForItsAccountOnly() {
      FinalStates states = new FinalStates(8);
      states.record("8A1B2C3D4E5F6071", "esme1", DeliveryState.UNDELIV, "069", 1_700_000_000_000L);
      FinalStates.Final kept = states.lookup("8A1B2C3D4E5F6071", "esme1");
      assertEquals(new FinalStates.Final(5, 69, 1_700_000_000_000L), kept, "a Msg_Id with the sign bit set (month 8 and later)");
      assertEquals(kept, states.lookup("8a1b2c3d4e5f6071", "esme1"), "hex digits in either case");
      assertNull(states.lookup("8A1B2C3D4E5F6071", "esme2"), "another account's message");
      assertNull(states.lookup("0A1B2C3D4E5F6071", "esme1"), "another id");
      assertNull(states.lookup("008A1B2C3D4E5F6071", "esme1"), "too long to be an id");
   }

   @Test
   void onlyFinalStatesOfGatewayIdsAreKept() {
      FinalStates states = new FinalStates(8);
      states.record("1234ABCD", "esme1", DeliveryState.ENROUTE, null, 1L);
      states.record("app-own-id", "esme1", DeliveryState.DELIVRD, null, 1L);
      states.record("00001234ABCD", "esme1", DeliveryState.DELIVRD, "not a number", 2L);
      assertNull(states.lookup("1234ABCD", "esme1"), "an intermediate state is not the end");
      assertNull(states.lookup("app-own-id", "esme1"));
      assertEquals(new FinalStates.Final(2, 0, 2L), states.lookup("00001234ABCD", "esme1"));
      assertNull(states.lookup("1234ABCD", "esme1"), "the same number written with fewer digits is another id");
   }

   @Test
   void thePartsOfOneMessageEndInTheirWorstStateAndLatestDate() {
      FinalStates states = new FinalStates(8);
      states.record("00000000000000AA", "esme1", DeliveryState.DELIVRD, "000", 10L);
      states.record("00000000000000AA", "esme1", DeliveryState.EXPIRED, "000", 30L);
      states.record("00000000000000AA", "esme1", DeliveryState.DELIVRD, "000", 20L);
      assertEquals(new FinalStates.Final(3, 0, 30L), states.lookup("00000000000000AA", "esme1"),
                   "one part expired: the message was not delivered, whatever the others");
   }

   @Test
   void theOldestAreForgottenFirstAndTheLatestCapacityKept() {
      FinalStates states = new FinalStates(16);
      for (int i = 0; i < 1_000; i++) {
         states.record(id(i), "esme" + (i % 3), DeliveryState.DELIVRD, null, i);
         // the last 16 are kept, every older one forgotten (the index stays consistent through the removals)
         for (int j = Math.max(0, i - 20); j <= i; j++) {
            FinalStates.Final kept = states.lookup(id(j), "esme" + (j % 3));
            if (j > i - 16) {
               assertNotNull(kept, "report " + j + " after " + i);
               assertEquals(j, kept.finalMillis());
            } else {
               assertNull(kept, "report " + j + " after " + i);
            }
         }
      }
   }

   @Test
   void recordingAllocatesNothing() {
      FinalStates states = new FinalStates(1 << 12);
      SimpleString[] ids = new SimpleString[10_000];
      SimpleString error = SimpleString.of("001");
      for (int i = 0; i < ids.length; i++) {
         ids[i] = SimpleString.of(id(i));
      }
      for (int i = 0; i < ids.length; i++) { // warm-up: the arrays, the account's number, compiled code
         states.record(ids[i], "esme1", DeliveryState.DELIVRD, error, i);
      }
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int round = 0; round < 10; round++) {
         for (int i = 0; i < ids.length; i++) {
            states.record(ids[i], "esme1", DeliveryState.UNDELIV, error, i);
         }
      }
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      // 100,000 reports; a few hundred bytes of slack for the measurement itself
      assertTrue(allocated < 1_024, "allocated " + allocated + " bytes for 100,000 reports");
   }

   private static String id(int i) {
      return String.format("%016X", 0x9000000000000000L + i);
   }
}
