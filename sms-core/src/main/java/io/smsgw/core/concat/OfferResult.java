package io.smsgw.core.concat;

import java.util.List;

/**
 * What {@link Reassembler#offer} did with a segment.
 *
 * @param status    the segment's fate
 * @param completed when {@code status} is {@link Status#COMPLETE}: all segments in number order;
 *                  otherwise empty
 * @param discarded incomplete messages given up during this call (expired, or evicted to make room),
 *                  usually empty; the caller now owns them
 * @param <P>       the caller's segment type
 */
public record OfferResult<P>(Status status, List<P> completed, List<PartialMessage<P>> discarded) {

   /** The segment's fate. */
   public enum Status {
      /** Stored; its message still misses segments. */
      PENDING,
      /** It was the last missing segment (or the only one): {@code completed} holds the message. */
      COMPLETE,
      /** A segment with the same number is already pending; this one was ignored. */
      DUPLICATE,
      /** Its number is outside 1..total; it was ignored. */
      INVALID
   }

   public OfferResult {
      completed = List.copyOf(completed);
      discarded = List.copyOf(discarded);
   }
}
