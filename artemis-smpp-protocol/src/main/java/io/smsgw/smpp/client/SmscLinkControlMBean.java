package io.smsgw.smpp.client;

/** Management view of one SMSC link (JMX, the console's JMX tab, management messages). */
public interface SmscLinkControlMBean {

   String getLinkId();

   /**
    * BOUND when every configured bind is (the transceiver, or both transmitter and receiver); PARTIALLY_BOUND when only
    * one of transmitter and receiver is (see {@link #getTransmitterState()}, {@link #getReceiverState()}); CONNECTING
    * when none is; UNBINDING while a connection waits for unbind_resp after {@link #reconnect()} (no submit_sm goes out,
    * receipts and MO are still taken); STOPPING while the broker stops; STOPPED.
    */
   String getState();

   /** transceiver or transmitter-receiver. */
   String getBindMode();

   /**
    * The bind that sends submit_sm (the transceiver in that mode): BOUND, BINDING (bind sent), UNBINDING (unbind sent, on
    * a stop or reconnect()), CONNECTING, DOWN (waiting to reconnect) or STOPPED.
    */
   String getTransmitterState();

   /** The bind that receives receipts and MO (the transceiver in that mode); the same states as the transmitter's. */
   String getReceiverState();

   /** When and what went wrong last (a refused bind, a lost connection, a timeout); empty if nothing yet. */
   String getLastError();

   /**
    * When the current outage began (ISO instant): the first failure (a connect or bind that failed, a connection lost)
    * since the link was last BOUND, kept while the retries fail; empty while the link has had no failure since.
    */
   String getDownSince();

   /** Since when the link is BOUND (ISO instant); empty while it is not. */
   String getBoundSince();

   String getSmsc();

   /**
    * What the SMSC said it speaks in its last answer to the bind that sends submit_sm (sc_interface_version): "3.4",
    * "3.3"..., "none" when the answer had none (an SMSC that takes no TLVs), "" before the first answer. A 3.4 link
    * sends no TLVs to an SMSC that says 3.3 or none.
    */
   String getSmscInterfaceVersion();

   String getQueueName();

   int getWindowSize();

   /** Messages taken from the queue and not yet resolved (counted against the window). */
   int getWindowInUse();

   long getSubmitted();

   long getAccepted();

   long getThrottled();

   long getRefused();

   long getReceiptsMatched();

   /** Receipts parked on sms.dr.unmatched (no record within the receipt wait, or no id at all). */
   long getReceiptsUnmatched();

   /** Parked receipts that matched their record on a later try and became DRs. */
   long getReceiptsRematched();

   /**
    * Parked receipts of this link moved from sms.dr.unmatched to sms.dr.unmatched.exhausted since the broker started:
    * all their tries made without a match, or no message id to look up.
    */
   long getParkedReceiptsExhausted();

   /** Parts the SMSC kept throttling until their MT's validity ended, reported EXPIRED. */
   long getExpiredThrottled();

   /** Parts whose MT's validity ended while they waited to go again after a missing submit_sm_resp, reported EXPIRED. */
   long getExpiredUnanswered();

   /** Parts whose submit_sm went unanswered max-unanswered-attempts times, reported UNKNOWN (109) and not sent again. */
   long getUnansweredGivenUp();

   /** Lookups of parked receipts that the correlation store failed; each receipt stays parked and is tried again. */
   long getParkedLookupsFailed();

   /** Parts whose MT's validity had ended before they were first sent (waiting on the queue), reported EXPIRED. */
   long getExpiredUnsent();

   /** Correlation record writes the store refused or could not write after an accepted submit_sm (each try counts). */
   long getRecordPutsFailed();

   /**
    * Parts of MT delivered again (after a crash, or a consumer the broker closed) that were not sent again because their
    * correlation record showed the SMSC had already accepted them.
    */
   long getAlreadyAccepted();

   long getMoReceived();

   /**
    * Deliver_sm / data_sm with esm_class 0 whose text or receipted_message_id reads as a receipt but whose source is
    * not the recipient of the MT it names (or whose destination is not that MT's source): delivered as MO, the MT's
    * record left alone. Also counted in MoReceived.
    */
   long getReceiptsNotFromRecipient();

   /** EXPIRED reports that could not be stored; their correlation records stay and are reported again. */
   long getExpiredReportsFailed();

   /** Correlation records whose removal after a final receipt the store refused or could not write (each try counts). */
   long getRecordRemovalsFailed();

   long getReconnects();

   /**
    * Queue consumers re-created since the broker started because the broker closed the link's consumer (an operator
    * closing it or the link's session through management, the queue destroyed, an error in delivery).
    */
   long getConsumerReopened();

   /**
    * Drops the link's connection(s) to the SMSC and binds again at once. Nothing is lost: submit_sm still unanswered are
    * sent again after the new bind, as after any lost connection. To stop sending instead, pause the link's queue
    * {@code sms.smsc.<link>} (what is in flight still completes).
    */
   void reconnect();
}
