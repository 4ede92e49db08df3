package io.smsgw.routing;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.smsgw.core.receipt.DeliveryState;

/**
 * The one final report the submitter of an MT the gateway split gets: the parts' final reports are gathered here
 * (by account, recipient, smsId and number of parts) and only the part that completes the message goes on, carrying
 * the whole message's outcome (decision 155): DELIVRD when every part was delivered, else the state and error of the
 * lowest-numbered part that was not; done when the last part was.
 *
 * <p>In memory, bounded ({@code maxPending} messages, oldest dropped first, and {@code maxAgeMillis}). What it forgets
 * must never cost the submitter every report, so a part whose earlier parts may have been held by state that is gone
 * goes on as it is ({@link Decision#INDIVIDUAL}): a part with no entry whose MT was submitted before this gateway
 * started (held parts do not survive a restart) or at or before the submit time of a message dropped unfinished, and a
 * part without a usable submit time. The submitter then gets each remaining part's report, as before this existed.
 */
final class SplitReports {

   enum Decision { INDIVIDUAL, HELD, COMPLETE }

   /** What to do with one part's report; for {@link Decision#COMPLETE} the whole message's outcome. */
   record Outcome(Decision decision, DeliveryState state, String error, long doneMillis, int total) {
   }

   static final Outcome INDIVIDUAL = new Outcome(Decision.INDIVIDUAL, null, null, 0, 0);
   static final Outcome HELD = new Outcome(Decision.HELD, null, null, 0, 0);

   private static final class Pending {
      final boolean[] seen;
      final long submitMillis;
      final long since;
      int count;
      int failedNumber = Integer.MAX_VALUE;
      DeliveryState failedState;
      String failedError;
      long doneMillis = Long.MIN_VALUE;

      Pending(int total, long submitMillis, long since) {
         this.seen = new boolean[total];
         this.submitMillis = submitMillis;
         this.since = since;
      }
   }

   private final int maxPending;
   private final long maxAgeMillis;
   private final long startMillis;
   /** Parts of MT submitted at or before this may have had parts held by an entry dropped unfinished. */
   private long forgottenUpTo = Long.MIN_VALUE;
   private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
   /**
    * Messages completed lately, so that the completing part routed again (its routing failed and the DR is sent again)
    * gets the same outcome instead of starting an entry nothing would complete.
    */
   private final LinkedHashMap<String, Outcome> completed;

   SplitReports(int maxPending, long maxAgeMillis, long startMillis) {
      this.maxPending = maxPending;
      this.maxAgeMillis = maxAgeMillis;
      this.startMillis = startMillis;
      int recent = Math.max(16, maxPending / 10);
      this.completed = new LinkedHashMap<>(16, 0.75f, false) {
         @Override
         protected boolean removeEldestEntry(Map.Entry<String, Outcome> eldest) {
            return size() > recent;
         }
      };
   }

   static String key(String account, String recipient, String smsId, int total) {
      return account + '|' + recipient + '|' + smsId + '|' + total;
   }

   /**
    * One part's final report.
    *
    * @param submitMillis the MT's submit time, or null when the report has none (then {@link #INDIVIDUAL})
    */
   synchronized Outcome offer(String key, int number, int total, DeliveryState state, String error, long doneMillis,
                              Long submitMillis, long nowMillis) {
      expire(nowMillis);
      if (number < 1 || number > total) {
         return INDIVIDUAL;
      }
      Pending p = pending.get(key);
      if (p == null) {
         Outcome done = completed.get(key);
         if (done != null) {
            return done;
         }
         if (submitMillis == null || submitMillis < startMillis || submitMillis <= forgottenUpTo || submitMillis > nowMillis) {
            return INDIVIDUAL;
         }
         if (pending.size() >= maxPending) {
            Iterator<Pending> oldest = pending.values().iterator();
            forgotten(oldest.next());
            oldest.remove();
         }
         p = new Pending(total, submitMillis, nowMillis);
         pending.put(key, p);
      }
      if (p.seen[number - 1]) {
         return HELD; // this part was counted already (its report came again)
      }
      p.seen[number - 1] = true;
      p.count++;
      p.doneMillis = Math.max(p.doneMillis, doneMillis);
      if (state != DeliveryState.DELIVRD && number < p.failedNumber) {
         p.failedNumber = number;
         p.failedState = state;
         p.failedError = error;
      }
      if (p.count < total) {
         return HELD;
      }
      pending.remove(key);
      Outcome outcome = p.failedState == null ? new Outcome(Decision.COMPLETE, DeliveryState.DELIVRD, error, p.doneMillis, total)
         : new Outcome(Decision.COMPLETE, p.failedState, p.failedError, p.doneMillis, total);
      completed.put(key, outcome);
      return outcome;
   }

   synchronized int pendingCount() {
      return pending.size();
   }

   private void forgotten(Pending p) {
      forgottenUpTo = Math.max(forgottenUpTo, p.submitMillis);
   }

   private void expire(long nowMillis) {
      for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
         Pending p = it.next();
         if (nowMillis - p.since <= maxAgeMillis) {
            return; // insertion order: the rest are younger
         }
         forgotten(p);
         it.remove();
      }
   }
}
