package io.smsgw.routing;

import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gathers the final states of the segments of long messages, so that one rolled-up status can be reported
 * for the whole message once every segment has one: delivered only when every segment is. Segments are
 * grouped by account, recipient, concatenation reference and total.
 *
 * <p>Kept in memory, bounded ({@code maxPending} messages, oldest dropped first) and aged out after
 * {@code maxAgeMillis}: the per-segment billing records are the durable truth; a message whose segments
 * straddle a broker restart gets no rolled-up record.
 */
final class SegmentRollup {

   /** The outcome of a completed long message. */
   record Completed(String key, boolean allDelivered, int total) {
   }

   private static final class Pending {
      final BitSet seen = new BitSet();
      final long since;
      boolean allDelivered = true;

      Pending(long since) {
         this.since = since;
      }
   }

   private final int maxPending;
   private final long maxAgeMillis;
   private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();

   SegmentRollup(int maxPending, long maxAgeMillis) {
      this.maxPending = maxPending;
      this.maxAgeMillis = maxAgeMillis;
   }

   static String key(String account, String recipient, int reference, int total) {
      return account + '|' + recipient + '|' + reference + '|' + total;
   }

   /** Records one segment's final state; returns the whole message's outcome when this was its last segment. */
   synchronized Completed offer(String key, int number, int total, boolean delivered, long nowMillis) {
      expire(nowMillis);
      Pending p = pending.get(key);
      if (p == null) {
         if (pending.size() >= maxPending) {
            Iterator<Map.Entry<String, Pending>> oldest = pending.entrySet().iterator();
            oldest.next();
            oldest.remove();
         }
         p = new Pending(nowMillis);
         pending.put(key, p);
      }
      if (number >= 1 && number <= total) {
         p.seen.set(number);
      }
      p.allDelivered &= delivered;
      if (p.seen.cardinality() < total) {
         return null;
      }
      pending.remove(key);
      return new Completed(key, p.allDelivered, total);
   }

   synchronized int pendingCount() {
      return pending.size();
   }

   private void expire(long nowMillis) {
      for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
         if (nowMillis - it.next().since <= maxAgeMillis) {
            return; // insertion order: the rest are younger
         }
         it.remove();
      }
   }
}
