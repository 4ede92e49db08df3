package io.smsgw.smpp.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per link and interval for what happens per message and would otherwise be a line each: parts the
 * SMSC refused, parts that expired while throttled or before their first send, receipts parked, parked receipts
 * matched later or whose lookup failed, submit_sm sent again on the same bind (on-unanswered = requeue), correlation
 * record writes the store refused (each retried every 100 ms), receipt texts with esm_class 0 from a number other than
 * their MT's recipient (delivered as MO), messages not stored as their address was full, malformed PDUs from the SMSC
 * after the first of an episode (that one is a WARN; an interval without any ends the episode). An SMSC refusing a whole number range, or receipts
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
   /** The link's count of malformed PDUs at the last line: unchanged for an interval, it ends their episode. */
   private long malformed;
   /** The other counters, each with what the line says after its count, in the line's order. */
   private final List<Counted> counted;

   /** One of the link's counters, what the line calls it, and its value at the last line. */
   private static final class Counted {
      final AtomicLong counter;
      final String what;
      long last;

      Counted(AtomicLong counter, String what) {
         this.counter = counter;
         this.what = what;
         this.last = counter.get(); // counted from the start of this summary, not the start of the link
      }
   }

   SmscLinkLogSummary(SmscLink link, long intervalMillis) {
      this.link = link;
      this.interval = intervalMillis % 1000 == 0 ? intervalMillis / 1000 + " s" : intervalMillis + " ms";
      this.refused = link.refused.get();
      this.malformed = link.malformedReceived.get();
      this.counted = List.of(
         new Counted(link.expiredThrottled, "part(s) still throttled at their validity's end, reported EXPIRED"),
         new Counted(link.receiptsUnmatched, "receipt(s) for unknown message ids parked on " + LinkMessages.UNMATCHED_RECEIPTS),
         new Counted(link.receiptIdsTooLong, "of them with a message id longer than a correlation record holds"),
         new Counted(link.receiptsRematched, "parked receipt(s) matched on a later try"),
         new Counted(link.parkedLookupsFailed, "parked receipt lookup(s) failed"),
         new Counted(link.requeuedUnanswered, "submit_sm unanswered for response-timeout sent again on the same bind"),
         new Counted(link.recordPutsFailed, "correlation record write(s) refused by the store and tried again"),
         new Counted(link.expiredUnsent, "part(s) past their validity before their first send, reported EXPIRED"),
         new Counted(link.refusedAddressFull, "message(s) not stored as their address was full (the SMSC sends them again, "
                                              + "reports are tried again)"),
         new Counted(link.receiptsNotFromRecipient, "receipt-like MO not from the recipient of the MT they name, delivered as MO"),
         new Counted(link.malformedCounted, "further malformed PDU(s) from the SMSC (the first was a WARN)"));
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
      for (Counted c : counted) {
         now = c.counter.get();
         if (now > c.last) {
            parts.add((now - c.last) + " " + c.what);
         }
         c.last = now;
      }
      // An interval without a malformed PDU ends their episode: the next one is a WARN again.
      now = link.malformedReceived.get();
      if (now == malformed) {
         link.malformedLogged = false;
      }
      malformed = now;
      if (!parts.isEmpty()) {
         logger.info("SMSC link {} in the last {}: {} (each at DEBUG)", link.config().id(), interval, String.join(", ", parts));
      }
   }
}
