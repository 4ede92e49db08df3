package io.smsgw.core.concat;

import java.util.Arrays;

/**
 * One part of a split message: the octets to send as short_message / Msg_Content (a UDH, when there
 * is one, followed by the payload) and the part's number and the total, counted from 1. Immutable.
 */
public final class Segment {

   private final byte[] shortMessage;
   private final int headerLength;
   private final int number;
   private final int total;

   Segment(byte[] shortMessage, int headerLength, int number, int total) {
      this.shortMessage = shortMessage;
      this.headerLength = headerLength;
      this.number = number;
      this.total = total;
   }

   /** This part's number, 1..{@link #total()}. */
   public int number() {
      return number;
   }

   /** How many parts the message has. */
   public int total() {
      return total;
   }

   /** True when the octets begin with a user data header (send with UDHI set). */
   public boolean hasHeader() {
      return headerLength > 0;
   }

   /** UDH octets (UDHL included); 0 when there is none. */
   public int headerLength() {
      return headerLength;
   }

   /** The UDH (UDHL included), empty when there is none. */
   public byte[] header() {
      return Arrays.copyOfRange(shortMessage, 0, headerLength);
   }

   /** The encoded text of this part, without the UDH. */
   public byte[] payload() {
      return Arrays.copyOfRange(shortMessage, headerLength, shortMessage.length);
   }

   /** Octets to send: UDH, if any, then payload. */
   public byte[] shortMessage() {
      return shortMessage.clone();
   }

   /** Length of {@link #shortMessage()}. */
   public int length() {
      return shortMessage.length;
   }

   @Override
   public boolean equals(Object other) {
      return other instanceof Segment segment
            && segment.number == number
            && segment.total == total
            && segment.headerLength == headerLength
            && Arrays.equals(segment.shortMessage, shortMessage);
   }

   @Override
   public int hashCode() {
      return (31 * (31 * number + total) + headerLength) * 31 + Arrays.hashCode(shortMessage);
   }

   @Override
   public String toString() {
      return "Segment[" + number + "/" + total + ", header=" + headerLength + ", length=" + shortMessage.length + "]";
   }
}
