package io.smsgw.core.runtime;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which segments of an MT an SMSC already accepted and still owes a final state for: the correlation records of the
 * SMSC links (registered by the link service while its store is open). Routing asks it before it reports an MT that
 * expired in the broker, so an MT that an SMSC took before a crash, and that came back to its link's queue
 * unacknowledged, does not get an EXPIRED report as well as the receipt's (decision "An MT the SMSC accepted before a
 * crash is neither sent again nor reported EXPIRED").
 *
 * <p>A segment is known by its reference, total and number together: the same text split another way (the link's
 * alphabet, data coding or long-message setting changed across a restart) has other parts, and part 1 of 3 says
 * nothing about part 1 of 4.
 */
public interface AcceptedSegments {

   /** One accepted segment: its concatenation reference, total and number (all 0 for a single-part MT). */
   record Segment(int reference, int total, int number) {
   }

   /**
    * The accepted segments of MT {@code smsId} to {@code destination}, usually none. Blocks for the store's read (not
    * for an event loop).
    *
    * @throws Exception when the store cannot answer now; the caller tries again later
    */
   List<Segment> find(String smsId, String destination) throws Exception;

   /**
    * Whether an SMSC accepted a segment of MT {@code smsId} of {@code account}, to any recipient, and its receipt is still
    * awaited (its correlation record is stored): what an SMPP query_sm answers ENROUTE for once the MT left the queues.
    * Blocks for the store's read (not for an event loop).
    *
    * @throws Exception when the store cannot answer now
    */
   default boolean awaitsReceipt(String smsId, String account) throws Exception {
      return false;
   }

   /**
    * An SMSC's acceptance of one part of an MT whose receipt is still awaited (its correlation record), for an operator's
    * {@code locate}: the link, the SMSC's id, when the gateway took the MT, to whom and which part.
    */
   record Awaited(String linkId, String smscMessageId, String smsId, String account, String destination, long submitTimeMillis,
                  int segmentTotal, int segmentNumber) {
   }

   /**
    * The records of MT {@code smsId} of any account, to any recipient, whose receipt is still awaited (at most 255).
    * Blocks for the store's read (not for an event loop).
    *
    * @throws Exception when the store cannot answer now
    */
   default List<Awaited> awaited(String smsId) throws Exception {
      return List.of();
   }

   /**
    * The records the SMSC links running now hold under the SMSC message id {@code smscMessageId} (one point read per
    * link). Blocks for the store's reads (not for an event loop).
    *
    * @throws Exception when the store cannot answer now
    */
   default List<Awaited> awaitedBySmscId(String smscMessageId) throws Exception {
      return List.of();
   }

   /**
    * Whether {@code accepted} holds a whole message: a single-part MT, or every part of one split (one reference and
    * total). The handset then has the whole text, however the MT would be split now.
    */
   static boolean whole(List<Segment> accepted) {
      Map<Long, BitSet> splits = null;
      for (Segment s : accepted) {
         if (s.total() == 0) {
            if (s.number() == 0) {
               return true;
            }
         } else if (s.number() >= 1 && s.number() <= s.total()) {
            if (splits == null) {
               splits = new HashMap<>();
            }
            BitSet numbers = splits.computeIfAbsent(split(s), k -> new BitSet(s.total() + 1));
            numbers.set(s.number());
            if (numbers.cardinality() == s.total()) {
               return true;
            }
         }
      }
      return false;
   }

   /** The split a segment belongs to, as one number: its reference and total. */
   static long split(Segment s) {
      return (long) s.reference() << 16 | s.total();
   }
}
