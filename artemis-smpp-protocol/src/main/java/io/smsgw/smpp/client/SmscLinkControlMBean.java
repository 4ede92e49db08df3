package io.smsgw.smpp.client;

/** Management view of one SMSC link (JMX, the console's JMX tab, management messages). */
public interface SmscLinkControlMBean {

   String getLinkId();

   /** STOPPED, CONNECTING or BOUND. */
   String getState();

   String getSmsc();

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

   /** Lookups of parked receipts that the correlation store failed; each receipt stays parked and is tried again. */
   long getParkedLookupsFailed();

   long getMoReceived();

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
}
