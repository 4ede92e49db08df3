package io.smsgw.core.concat;

/**
 * What identifies the segments of one concatenated message: who sent it to whom, its reference and
 * its segment count. Put anything else that must keep messages apart (an account, a link) into
 * {@code source} or {@code destination}, e.g. {@code "account:" + source}.
 */
public record ConcatKey(String source, String destination, int reference, int total) {

   public ConcatKey {
      if (source == null || destination == null) {
         throw new IllegalArgumentException("source and destination are required");
      }
      if (reference < 0 || reference > 0xFFFF) {
         throw new IllegalArgumentException("reference must be 0..65535: " + reference);
      }
      if (total < 1 || total > SmsSplitter.MAX_SEGMENTS) {
         throw new IllegalArgumentException("total must be 1.." + SmsSplitter.MAX_SEGMENTS + ": " + total);
      }
   }

   /** The key for the message {@code part} belongs to. */
   public static ConcatKey of(String source, String destination, ConcatPart part) {
      return new ConcatKey(source, destination, part.reference().value(), part.total());
   }
}
