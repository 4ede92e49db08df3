package io.smsgw.routing;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import io.smsgw.core.receipt.DeliveryState;

/**
 * The final reports of one SMSC link's MT by state (each part the link submitted counts once, in the state its own report
 * gave): made once per link, so counting a report is an array read and one increment, nothing allocated.
 */
final class LinkOutcomes {

   /** The final states, in the order the routing bean and the meters list them. */
   static final List<DeliveryState> STATES = List.of(DeliveryState.DELIVRD, DeliveryState.UNDELIV, DeliveryState.EXPIRED,
                                                     DeliveryState.REJECTD, DeliveryState.DELETED, DeliveryState.UNKNOWN);

   /** By SMPP message_state (1..8); null for the intermediate states. */
   private final LongAdder[] byState = new LongAdder[9];

   LinkOutcomes() {
      for (DeliveryState state : STATES) {
         byState[state.messageState()] = new LongAdder();
      }
   }

   /** The counter of a final state; null for an intermediate one. */
   LongAdder of(DeliveryState state) {
      return byState[state.messageState()];
   }
}
