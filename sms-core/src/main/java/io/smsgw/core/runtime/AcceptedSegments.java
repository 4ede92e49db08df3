package io.smsgw.core.runtime;

import java.util.List;

/**
 * Which segments of an MT an SMSC already accepted and still owes a final state for: the correlation records of the
 * SMSC links (registered by the link service while its store is open). Routing asks it before it reports an MT that
 * expired in the broker, so an MT that an SMSC took before a crash, and that came back to its link's queue
 * unacknowledged, does not get an EXPIRED report as well as the receipt's (decision "An MT the SMSC accepted before a
 * crash is neither sent again nor reported EXPIRED").
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
}
