package io.smsgw.core.concat;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * The segments of an incomplete message that a {@link Reassembler} gave up on, handed back so the
 * caller can still deliver, reject or log them.
 *
 * @param key      the message's key
 * @param parts    the segments that did arrive, by segment number (ascending), unmodifiable
 * @param reason   why it was given up
 * @param <P>      the caller's segment type
 */
public record PartialMessage<P>(ConcatKey key, SortedMap<Integer, P> parts, Reason reason) {

   /** Why a message was given up. */
   public enum Reason {
      /** Its timeout passed before all segments arrived. */
      EXPIRED,
      /** The reassembler was full and this was the oldest pending message. */
      EVICTED
   }

   /** Numbers of the segments that never arrived, ascending. */
   public List<Integer> missingNumbers() {
      List<Integer> missing = new ArrayList<>(key.total() - parts.size());
      for (int number = 1; number <= key.total(); number++) {
         if (!parts.containsKey(number)) {
            missing.add(number);
         }
      }
      return missing;
   }
}
