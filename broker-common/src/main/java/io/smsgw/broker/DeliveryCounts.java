package io.smsgw.broker;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the acceptors delivered to one account on one protocol (SMPP deliver_sm, CMPP DELIVER), since the broker
 * started: deliveries sent, by kind and whether the broker had handed the message over before, and how each ended.
 * A delivery is one message, however many PDUs it took (a long MO's parts settle together). {@link WindowedDeliverer}
 * counts: one {@link LongAdder} increment when it hands a message over, one when it settles; nothing allocated, no
 * lock. A delivery written just before the session ended is counted sent and never settled (nobody answers it; the
 * session's close puts it back and it comes again as a redelivery). A hand-over an outgoing interceptor vetoed (no PDU,
 * or a part of a long MO, written) counts nowhere: nothing reached the client.
 */
public final class DeliveryCounts {

   /** How a delivery ended; the tag values of the {@code outcome} meter tag. */
   public enum Outcome {
      /** Answered with success: acknowledged in the broker. */
      OK("ok"),
      /** The client asked the gateway to slow down: SMPP ESME_RTHROTTLED or ESME_RMSGQFUL, CMPP Result 8. */
      THROTTLED("throttled"),
      /** The client's application refused it: SMPP ESME_RX_T_APPN, ESME_RX_P_APPN, ESME_RX_R_APPN. */
      REJECTED("rejected"),
      /** The client found the PDU wrong: SMPP generic_nack, CMPP Results 1 to 7. */
      INVALID("invalid"),
      /** Any other error code. */
      OTHER("other"),
      /** Not answered within the response timeout. */
      TIMED_OUT("timed-out");

      private static final Outcome[] VALUES = values();

      private final String tag;

      Outcome(String tag) {
         this.tag = tag;
      }

      public String tag() {
         return tag;
      }

      /** Every outcome, in declaration order (shared: do not modify). */
      static Outcome[] all() {
         return VALUES;
      }
   }

   private final LongAdder moFirst = new LongAdder();
   private final LongAdder moAgain = new LongAdder();
   private final LongAdder reportsFirst = new LongAdder();
   private final LongAdder reportsAgain = new LongAdder();
   private final LongAdder[] settled = new LongAdder[Outcome.all().length];
   private final LongAdder deadLetteredRefused = new LongAdder();
   private final LongAdder deadLetteredAttempts = new LongAdder();

   public DeliveryCounts() {
      for (int i = 0; i < settled.length; i++) {
         settled[i] = new LongAdder();
      }
   }

   /**
    * A message handed to the client: {@code report} for a status report, else an MO; {@code again} when the broker
    * had handed it over before without its acknowledgement (refused, unanswered, or its connection closed).
    */
   void sent(boolean report, boolean again) {
      (report ? again ? reportsAgain : reportsFirst : again ? moAgain : moFirst).increment();
   }

   void settle(Outcome outcome) {
      settled[outcome.ordinal()].increment();
   }

   /**
    * A delivery settled by sending its message to the dead-letter address: {@code refused} when the client refused it
    * for good (SMPP ESME_RX_P_APPN, ESME_RX_R_APPN), else because that refusal or timeout was its max-delivery-attempts'
    * last. Counted besides its {@link #settle outcome}.
    */
   void deadLettered(boolean refused) {
      (refused ? deadLetteredRefused : deadLetteredAttempts).increment();
   }

   /** MO sent, first attempts and redeliveries. */
   public long moSent() {
      return moFirst.sum() + moAgain.sum();
   }

   /** Status reports sent, first attempts and redeliveries. */
   public long reportsSent() {
      return reportsFirst.sum() + reportsAgain.sum();
   }

   /** Of what was sent, the MO sent again. */
   public long moRedelivered() {
      return moAgain.sum();
   }

   /** Of what was sent, the reports sent again. */
   public long reportsRedelivered() {
      return reportsAgain.sum();
   }

   /** Deliveries the client refused for good, sent to the dead-letter address at once. */
   public long deadLetteredRefused() {
      return deadLetteredRefused.sum();
   }

   /** Deliveries that failed at the queue's last delivery attempt, so the broker dead-lettered them. */
   public long deadLetteredAttempts() {
      return deadLetteredAttempts.sum();
   }

   /** Deliveries that ended so. */
   public long settled(Outcome outcome) {
      return settled[outcome.ordinal()].sum();
   }
}
