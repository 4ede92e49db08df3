package io.smsgw.core.concat;

/**
 * The reference number shared by all segments of one concatenated message, with its width: 8 bit
 * (UDH IEI 0x00) or 16 bit (UDH IEI 0x08).
 */
public record ConcatReference(Width width, int value) {

   /** Reference width and the concatenation information element that carries it. */
   public enum Width {
      /** IEI 0x00, reference 0..255; the UDH is {@code 05 00 03 RR TT SS} (6 octets). */
      EIGHT_BIT(0x00, 0xFF),
      /** IEI 0x08, reference 0..65535; the UDH is {@code 06 08 04 RH RL TT SS} (7 octets). */
      SIXTEEN_BIT(0x08, 0xFFFF);

      private final int identifier;
      private final int maxValue;

      Width(int identifier, int maxValue) {
         this.identifier = identifier;
         this.maxValue = maxValue;
      }

      /** The information element identifier. */
      public int identifier() {
         return identifier;
      }

      /** The largest reference value. */
      public int maxValue() {
         return maxValue;
      }

      /** Length of the IE's data: reference, total, number. */
      public int dataLength() {
         return this == EIGHT_BIT ? 3 : 4;
      }

      /** Octets of a UDH holding only this concatenation IE, UDHL included (6 or 7). */
      public int headerLength() {
         return dataLength() + 3;
      }
   }

   public ConcatReference {
      if (width == null) {
         throw new IllegalArgumentException("width is required");
      }
      if (value < 0 || value > width.maxValue()) {
         throw new IllegalArgumentException(width + " reference out of range: " + value);
      }
   }

   /** An 8-bit reference (0..255). */
   public static ConcatReference eightBit(int value) {
      return new ConcatReference(Width.EIGHT_BIT, value);
   }

   /** A 16-bit reference (0..65535). */
   public static ConcatReference sixteenBit(int value) {
      return new ConcatReference(Width.SIXTEEN_BIT, value);
   }
}
