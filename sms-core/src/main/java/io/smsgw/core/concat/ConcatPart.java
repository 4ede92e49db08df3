package io.smsgw.core.concat;

import java.util.List;

/**
 * What a concatenation information element says about one segment: its message's reference, how
 * many segments there are (1..255) and which one this is (1..total).
 */
public record ConcatPart(ConcatReference reference, int total, int number) {

   public ConcatPart {
      if (reference == null) {
         throw new IllegalArgumentException("reference is required");
      }
      if (total < 1 || total > 255) {
         throw new IllegalArgumentException("total must be 1..255: " + total);
      }
      if (number < 1 || number > total) {
         throw new IllegalArgumentException("number must be 1.." + total + ": " + number);
      }
   }

   /** The information element for this part ({@code 00 03 RR TT SS} or {@code 08 04 RH RL TT SS}). */
   public InformationElement toInformationElement() {
      ConcatReference.Width width = reference.width();
      byte[] data = new byte[width.dataLength()];
      int i = 0;
      if (width == ConcatReference.Width.SIXTEEN_BIT) {
         data[i++] = (byte) (reference.value() >>> 8);
      }
      data[i++] = (byte) reference.value();
      data[i++] = (byte) total;
      data[i] = (byte) number;
      return new InformationElement(width.identifier(), data);
   }

   /** A complete UDH (UDHL first) holding only this part's concatenation IE. */
   public byte[] toUserDataHeader() {
      return UserDataHeader.of(List.of(toInformationElement())).toBytes();
   }
}
