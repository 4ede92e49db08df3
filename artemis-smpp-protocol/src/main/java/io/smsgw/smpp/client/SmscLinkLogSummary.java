package io.smsgw.smpp.client;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per link and interval for what happens per message and would otherwise be a line each: parts the
 * SMSC refused, parts that expired while throttled or before their first send, receipts parked, parked receipts
 * matched later or whose lookup failed, submit_sm sent again on the same bind (on-unanswered = requeue), correlation
 * record writes the store refused (each retried every 100 ms), receipt texts with esm_class 0 from a number other than
 * their MT's recipient (delivered as MO), messages not stored as their address was full. An SMSC refusing a whole number range, or receipts
 * parked under overload, made thousands of lines a second; each is now a DEBUG line and counted here, from the link's
 * counters (the ones its management bean shows).
 * Nothing is written for an interval in which none of them changed. Housekeeping thread only.
 */
final class SmscLinkLogSummary {

   /** The link's own logger: the summary sits among the link's other lines and its DEBUG ones. */
   private static final Logger logger = LoggerFactory.getLogger(SmscLink.class);

   private final SmscLink link;
   /** The interval as the line says it (60 s). */
   private final String interval;
   private long refused;
   private long expiredThrottled;
   private long parked;
   private long rematched;
   private long lookupsFailed;
   private long requeued;
   private long putsFailed;
   private long expiredUnsent;
   private long addressFull;
   private long notFromRecipient;

   SmscLinkLogSummary(SmscLink link, long intervalMillis) {
      this.link = link;
      this.interval = intervalMillis % 1000 == 0 ? intervalMillis / 1000 + " s" : intervalMillis + " ms";
      // Counted from the start of this summary, not the start of the link.
      this.refused = link.refused.get();
      this.expiredThrottled = link.expiredThrottled.get();
      this.parked = link.receiptsUnmatched.get();
      this.rematched = link.receiptsRematched.get();
      this.lookupsFailed = link.parkedLookupsFailed.get();
      this.requeued = link.requeuedUnanswered.get();
      this.putsFailed = link.recordPutsFailed.get();
      this.expiredUnsent = link.expiredUnsent.get();
      this.addressFull = link.refusedAddressFull.get();
      this.notFromRecipient = link.receiptsNotFromRecipient.get();
   }

   /** Writes the counts since the last call, if any is not 0. */
   void log() {
      List<String> parts = new ArrayList<>(6);
      long now = link.refused.get();
      if (now > refused) {
         String latest = link.lastRefusal;
         parts.add((now - refused) + " part(s) refused" + (latest == null ? "" : " (latest " + latest + ")"));
      }
      refused = now;
      now = link.expiredThrottled.get();
      if (now > expiredThrottled) {
         parts.add((now - expiredThrottled) + " part(s) still throttled at their validity's end, reported EXPIRED");
      }
      expiredThrottled = now;
      now = link.receiptsUnmatched.get();
      if (now > parked) {
         parts.add((now - parked) + " receipt(s) for unknown message ids parked on " + LinkMessages.UNMATCHED_RECEIPTS);
      }
      parked = now;
      now = link.receiptsRematched.get();
      if (now > rematched) {
         parts.add((now - rematched) + " parked receipt(s) matched on a later try");
      }
      rematched = now;
      now = link.parkedLookupsFailed.get();
      if (now > lookupsFailed) {
         parts.add((now - lookupsFailed) + " parked receipt lookup(s) failed");
      }
      lookupsFailed = now;
      now = link.requeuedUnanswered.get();
      if (now > requeued) {
         parts.add((now - requeued) + " submit_sm unanswered for response-timeout sent again on the same bind");
      }
      requeued = now;
      now = link.recordPutsFailed.get();
      if (now > putsFailed) {
         parts.add((now - putsFailed) + " correlation record write(s) refused by the store and tried again");
      }
      putsFailed = now;
      now = link.expiredUnsent.get();
      if (now > expiredUnsent) {
         parts.add((now - expiredUnsent) + " part(s) past their validity before their first send, reported EXPIRED");
      }
      expiredUnsent = now;
      now = link.refusedAddressFull.get();
      if (now > addressFull) {
         parts.add((now - addressFull) + " message(s) not stored as their address was full (the SMSC sends them again, "
                   + "reports are tried again)");
      }
      addressFull = now;
      now = link.receiptsNotFromRecipient.get();
      if (now > notFromRecipient) {
         parts.add((now - notFromRecipient) + " receipt-like MO not from the recipient of the MT they name, delivered as MO");
      }
      notFromRecipient = now;
      if (!parts.isEmpty()) {
         logger.info("SMSC link {} in the last {}: {} (each at DEBUG)", link.config().id(), interval, String.join(", ", parts));
      }
   }
}
