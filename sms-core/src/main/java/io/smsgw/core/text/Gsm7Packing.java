package io.smsgw.core.text;

import java.util.Objects;

/**
 * GSM 03.38 7-bit packing: septet {@code i} occupies bits {@code fillBits + 7*i} onward of the octet
 * stream, least significant bit first. Fill bits let packed text that follows a user data header start
 * on a septet boundary (see {@link #fillBitsAfterHeader(int)}); they are zero.
 *
 * <p>SMPP carries no septet count for packed user data, so a reader takes every septet the octets hold. When the last
 * octet has 7 spare bits, they would read as one more septet, '@'; as GSM 03.38 §6.1.2.3.1 asks, {@link #pack} puts a
 * CR there and {@link #decode(byte[], int, int, int)} drops a CR in that place.
 */
public final class Gsm7Packing {

   /** GSM 03.38 carriage return, the padding of 7 spare bits. */
   private static final int CR = 0x0D;

   private Gsm7Packing() {
   }

   /** Fill bits (0..6) needed after a user data header of {@code headerOctets} octets (UDHL included). */
   public static int fillBitsAfterHeader(int headerOctets) {
      requireNonNegative(headerOctets, "headerOctets");
      return (7 - (headerOctets * 8) % 7) % 7;
   }

   /** Septet positions a user data header of {@code headerOctets} octets occupies, fill bits included. */
   public static int headerSeptets(int headerOctets) {
      requireNonNegative(headerOctets, "headerOctets");
      return (headerOctets * 8 + 6) / 7;
   }

   /** Octets needed to pack {@code septets} septets after {@code fillBits} fill bits. */
   public static int packedLength(int septets, int fillBits) {
      requireNonNegative(septets, "septets");
      requireFillBits(fillBits);
      return (fillBits + septets * 7 + 7) / 8;
   }

   /** The most septets that fit in {@code octets} octets after {@code fillBits} fill bits. */
   public static int maxSeptets(int octets, int fillBits) {
      requireNonNegative(octets, "octets");
      requireFillBits(fillBits);
      return Math.max(0, (octets * 8 - fillBits) / 7);
   }

   /**
    * Packs {@code length} septets (one per octet, low 7 bits used) after {@code fillBits} zero bits; 7 spare bits at
    * the end hold a CR, so that a reader without the septet count does not take them for an '@'.
    */
   public static byte[] pack(byte[] septets, int offset, int length, int fillBits) {
      Objects.checkFromIndexSize(offset, length, septets.length);
      byte[] packed = new byte[packedLength(length, fillBits)];
      if (packed.length * 8 - fillBits - length * 7 == 7) {
         packed[packed.length - 1] = (byte) (CR << 1);
      }
      int bit = fillBits;
      for (int i = 0; i < length; i++, bit += 7) {
         int value = septets[offset + i] & 0x7F;
         int index = bit >>> 3;
         int shift = bit & 7;
         packed[index] |= (byte) (value << shift);
         if (shift > 1) {
            packed[index + 1] |= (byte) (value >>> (8 - shift));
         }
      }
      return packed;
   }

   /**
    * Unpacks {@code septetCount} septets from {@code length} octets at {@code offset}, skipping
    * {@code fillBits} leading bits. Asking for more septets than the octets hold yields only those that fit.
    */
   public static byte[] unpack(byte[] packed, int offset, int length, int septetCount, int fillBits) {
      Objects.checkFromIndexSize(offset, length, packed.length);
      requireNonNegative(septetCount, "septetCount");
      int count = Math.min(septetCount, maxSeptets(length, fillBits));
      byte[] septets = new byte[count];
      for (int i = 0; i < count; i++) {
         septets[i] = (byte) septetAt(packed, offset, length, fillBits + 7 * i);
      }
      return septets;
   }

   /**
    * Decodes packed GSM 7-bit text without an intermediate septet array. Like
    * {@link #unpack(byte[], int, int, int, int)}, it reads at most the septets the octets hold.
    */
   public static String decode(byte[] packed, int offset, int length, int septetCount, int fillBits) {
      Objects.checkFromIndexSize(offset, length, packed.length);
      requireNonNegative(septetCount, "septetCount");
      int count = Math.min(septetCount, maxSeptets(length, fillBits));
      StringBuilder text = new StringBuilder(count);
      boolean escaped = false;
      for (int i = 0; i < count; i++) {
         escaped = Gsm7Alphabet.append(text, septetAt(packed, offset, length, fillBits + 7 * i), escaped);
      }
      return Gsm7Alphabet.finish(text, escaped);
   }

   /**
    * Decodes all the septets {@code length} octets hold after {@code fillBits}, as a reader of SMPP user data must
    * (it has no septet count): a CR in the last 7 bits of the last octet is padding and is dropped.
    */
   public static String decode(byte[] packed, int offset, int length, int fillBits) {
      Objects.checkFromIndexSize(offset, length, packed.length);
      requireFillBits(fillBits);
      int count = maxSeptets(length, fillBits);
      if (count > 0 && (length * 8 - fillBits) % 7 == 0 && septetAt(packed, offset, length, fillBits + 7 * (count - 1)) == CR) {
         count--;
      }
      return decode(packed, offset, length, count, fillBits);
   }

   /** Encodes {@code text} as packed GSM 7-bit after {@code fillBits} fill bits; unencodable → '?'. */
   public static byte[] encode(CharSequence text, int fillBits) {
      byte[] septets = Gsm7Alphabet.encode(text);
      return pack(septets, 0, septets.length, fillBits);
   }

   private static int septetAt(byte[] packed, int offset, int length, int bit) {
      int index = bit >>> 3;
      int shift = bit & 7;
      int value = (packed[offset + index] & 0xFF) >>> shift;
      if (shift > 1 && index + 1 < length) {
         value |= (packed[offset + index + 1] & 0xFF) << (8 - shift);
      }
      return value & 0x7F;
   }

   private static void requireFillBits(int fillBits) {
      if (fillBits < 0 || fillBits > 6) {
         throw new IllegalArgumentException("fillBits must be 0..6: " + fillBits);
      }
   }

   private static void requireNonNegative(int value, String name) {
      if (value < 0) {
         throw new IllegalArgumentException(name + " must not be negative: " + value);
      }
   }
}
