package io.smsgw.core.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeliveryStateTest {

   @Test
   void messageStateValuesFollowSmpp34() {
      int expected = 1;
      for (DeliveryState state : DeliveryState.values()) {
         assertEquals(expected, state.messageState(), state.name());
         assertEquals(state, DeliveryState.fromMessageState(expected));
         expected++;
      }
      assertEquals(DeliveryState.DELIVRD, DeliveryState.fromMessageState(2));
      assertEquals(DeliveryState.REJECTD, DeliveryState.fromMessageState(8));
   }

   @Test
   void outOfRangeMessageStatesAreUnknown() {
      assertEquals(DeliveryState.UNKNOWN, DeliveryState.fromMessageState(0));
      assertEquals(DeliveryState.UNKNOWN, DeliveryState.fromMessageState(9));
      assertEquals(DeliveryState.UNKNOWN, DeliveryState.fromMessageState(-1));
      assertEquals(DeliveryState.UNKNOWN, DeliveryState.fromMessageState(255));
   }

   @Test
   void onlyEnrouteAndAcceptedAreIntermediate() {
      for (DeliveryState state : DeliveryState.values()) {
         boolean intermediate = state == DeliveryState.ENROUTE || state == DeliveryState.ACCEPTD;
         assertEquals(!intermediate, state.isFinal(), state.name());
      }
   }

   @Test
   void statWordsAreTheSevenLetterNames() {
      for (DeliveryState state : DeliveryState.values()) {
         assertEquals(7, state.stat().length());
         assertEquals(state, DeliveryState.fromStat(state.stat()));
      }
   }

   @Test
   void longNamesAndAnyCaseAreAccepted() {
      assertEquals(DeliveryState.DELIVRD, DeliveryState.fromStat("DELIVERED"));
      assertEquals(DeliveryState.DELIVRD, DeliveryState.fromStat("delivrd"));
      assertEquals(DeliveryState.DELIVRD, DeliveryState.fromStat("Delivered"));
      assertEquals(DeliveryState.UNDELIV, DeliveryState.fromStat("UNDELIVERABLE"));
      assertEquals(DeliveryState.ACCEPTD, DeliveryState.fromStat("accepted"));
      assertEquals(DeliveryState.REJECTD, DeliveryState.fromStat("REJECTED"));
      assertEquals(DeliveryState.ENROUTE, DeliveryState.fromStat("enroute"));
      assertEquals(DeliveryState.EXPIRED, DeliveryState.fromStat("Expired"));
      assertEquals(DeliveryState.DELETED, DeliveryState.fromStat("deleted"));
   }

   @Test
   void vendorWordsMapToTheStateTheyMean() {
      assertEquals(DeliveryState.ENROUTE, DeliveryState.fromStat("BUFFRED"));
      assertEquals(DeliveryState.ENROUTE, DeliveryState.fromStat("bufferd"));
      assertEquals(DeliveryState.ACCEPTD, DeliveryState.fromStat("ACKED"));
      assertEquals(DeliveryState.UNDELIV, DeliveryState.fromStat("FAILED"));
      assertEquals(DeliveryState.UNDELIV, DeliveryState.fromStat("Undelivered"));
      assertFalse(DeliveryState.fromStat("BUFFRED").isFinal(), "a buffered MT is still on its way");
      assertFalse(DeliveryState.fromStat("ACKED").isFinal());
   }

   @Test
   void unrecognisedWordsAreUnknown() {
      assertEquals(DeliveryState.UNKNOWN, DeliveryState.fromStat("MB:0001"));
      assertEquals(DeliveryState.UNKNOWN, DeliveryState.fromStat(""));
      assertEquals(DeliveryState.UNKNOWN, DeliveryState.fromStat(null));
      assertEquals(DeliveryState.UNKNOWN, DeliveryState.fromStat("DELIVRDX"));
      assertEquals(DeliveryState.UNKNOWN, DeliveryState.fromStat("DELIV"));
      assertFalse(DeliveryState.fromStat("ACCEPTD").isFinal());
      assertTrue(DeliveryState.fromStat("garbage").isFinal());
   }
}
