package io.smsgw.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Gathers the final states of the segments of long messages, so that one rolled-up status can be reported
 * for the whole message once every segment has one: delivered only when every segment is. Segments are
 * grouped by account, recipient, concatenation reference and total; that group is not unique (an SP reuses
 * its 8-bit references, a CMPP SUBMIT without UDH always has reference 0), so a group holds one entry per long
 * message: a segment joins the oldest entry that shares its smsId (the segments of a message the gateway split)
 * or else the oldest that still lacks its number, and starts a new entry when every entry has it.
 * A segment already counted (same smsId and number) is ignored.
 *
 * <p>Kept in memory, bounded ({@code maxPending} messages, oldest dropped first) and aged out after
 * {@code maxAgeMillis}: the per-segment billing records are the durable truth; a message whose segments
 * straddle a broker restart gets no rolled-up record.
 */
final class SegmentRollup {

   /**
    * The outcome of a completed long message; {@code key} identifies that message (its group and the smsId of its
    * first segment), so the same message completed twice yields the same key.
    */
   record Completed(String key, boolean allDelivered, int total) {
   }

   private static final class Pending {
      final String group;
      final String[] ids; // smsId of each segment seen, by number - 1
      final long since;
      final long sequence;
      int seen;
      boolean allDelivered = true;

      Pending(String group, int total, long since, long sequence) {
         this.group = group;
         this.ids = new String[total];
         this.since = since;
         this.sequence = sequence;
      }

      boolean has(int number) {
         return ids[number - 1] != null;
      }

      boolean holds(String smsId) {
         for (String id : ids) {
            if (smsId.equals(id)) {
               return true;
            }
         }
         return false;
      }
   }

   private final int maxPending;
   private final long maxAgeMillis;
   /** Every open entry, oldest first (identity: two entries are never equal). */
   private final LinkedHashSet<Pending> byAge = new LinkedHashSet<>();
   private final Map<String, List<Pending>> byGroup = new HashMap<>();
   private long sequence;

   SegmentRollup(int maxPending, long maxAgeMillis) {
      this.maxPending = maxPending;
      this.maxAgeMillis = maxAgeMillis;
   }

   static String key(String account, String recipient, int reference, int total) {
      return account + '|' + recipient + '|' + reference + '|' + total;
   }

   /** Records one segment's final state; returns the whole message's outcome when this was its last segment. */
   synchronized Completed offer(String group, String smsId, int number, int total, boolean delivered, long nowMillis) {
      expire(nowMillis);
      if (number < 1 || number > total) {
         return null;
      }
      String id = smsId == null ? "" : smsId;
      List<Pending> open = byGroup.get(group);
      Pending p = open == null ? null : pick(open, id, number);
      if (p != null && p.has(number)) {
         return null; // this segment's final state was counted already
      }
      if (p == null) {
         if (byAge.size() >= maxPending) {
            Iterator<Pending> oldest = byAge.iterator();
            Pending dropped = oldest.next();
            oldest.remove();
            forget(dropped);
         }
         p = new Pending(group, total, nowMillis, sequence++);
         byAge.add(p);
         byGroup.computeIfAbsent(group, g -> new ArrayList<>(1)).add(p);
      }
      p.ids[number - 1] = id;
      p.seen++;
      p.allDelivered &= delivered;
      if (p.seen < total) {
         return null;
      }
      byAge.remove(p);
      forget(p);
      String first = p.ids[0].isEmpty() ? "#" + p.sequence : p.ids[0];
      return new Completed(group + '|' + first, p.allDelivered, total);
   }

   /**
    * The entry a segment belongs to: one that counted this very segment already (a repeated report), else the
    * oldest that shares its smsId and lacks the number, else the oldest that lacks the number; null for a new one.
    */
   private static Pending pick(List<Pending> open, String id, int number) {
      Pending lacking = null;
      Pending sameId = null;
      for (Pending p : open) {
         if (p.has(number)) {
            if (!id.isEmpty() && id.equals(p.ids[number - 1])) {
               return p;
            }
         } else if (sameId == null && !id.isEmpty() && p.holds(id)) {
            sameId = p;
         } else if (lacking == null) {
            lacking = p;
         }
      }
      return sameId != null ? sameId : lacking;
   }

   private void forget(Pending p) {
      List<Pending> open = byGroup.get(p.group);
      if (open != null && open.remove(p) && open.isEmpty()) {
         byGroup.remove(p.group);
      }
   }

   synchronized int pendingCount() {
      return byAge.size();
   }

   private void expire(long nowMillis) {
      for (Iterator<Pending> it = byAge.iterator(); it.hasNext(); ) {
         Pending p = it.next();
         if (nowMillis - p.since <= maxAgeMillis) {
            return; // insertion order: the rest are younger
         }
         it.remove();
         forget(p);
      }
   }
}
