package io.smsgw.core.text;

import java.util.Objects;

/**
 * GSM 03.38 7-bit packing: septet {@code i} occupies bits {@code fillBits + 7*i} onward of the octet
 * stream, least significant bit first. Fill bits let packed text that follows a user data header start
 * on a septet boundary (see {@link #fillBitsAfterHeader(int)}); they are zero.
 *
 * <p>SMPP carries no septet count for packed user data, so a reader takes every septet the octets hold. When the last
 * octet has 7 spare bits, they would read as one more septet, '@'; as GSM 03.38 §6.1.2.3.1 asks, {@link #pack} puts a
 * CR there and {@link #decode(byte[], int, int, int)} drops a CR in that place. Septets filling the octets to
 * the last bit read the same way, so a text whose own last character is a CR there would lose it: {@link #pack} then
 * adds a second CR (§6.1.2.3.1 again), which the reader keeps, so it shows two CRs rather than none; where that septet
 * has no room (160 septets, a part filled to its last bit), the final CR goes without it and is read as padding.
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
    * the end hold a CR, so that a reader without the septet count does not take them for an '@', and a CR that ends
    * on an octet boundary gets a second one, so that the reader does not take it for that padding. No length limit:
    * for text that must fit one SMS use {@link #pack(byte[], int, int, int, int)}.
    */
   public static byte[] pack(byte[] septets, int offset, int length, int fillBits) {
      return pack(septets, offset, length, fillBits, Integer.MAX_VALUE);
   }

   /**
    * {@link #pack(byte[], int, int, int)} for at most {@code maxOctets} octets: the second CR after a CR ending on an
    * octet boundary is left out when it would not fit (160 septets; a part of a long message filled to its last bit).
    * The septets themselves must fit.
    */
   public static byte[] pack(byte[] septets, int offset, int length, int fillBits, int maxOctets) {
      Objects.checkFromIndexSize(offset, length, septets.length);
      requireFillBits(fillBits);
      boolean secondCr = length > 0 && (septets[offset + length - 1] & 0x7F) == CR && (fillBits + 7 * length) % 8 == 0
                         && packedLength(length + 1, fillBits) <= maxOctets;
      int total = secondCr ? length + 1 : length;
      byte[] packed = new byte[packedLength(total, fillBits)];
      if (packed.length * 8 - fillBits - total * 7 == 7) {
         packed[packed.length - 1] = (byte) (CR << 1);
      }
      int bit = fillBits;
      for (int i = 0; i < total; i++, bit += 7) {
         int value = i < length ? septets[offset + i] & 0x7F : CR;
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
    * (it has no septet count): a CR in the last 7 bits of the last octet is padding and is dropped. The same as
    * {@code decode(packed, offset, length, fillBits, true)}.
    */
   public static String decode(byte[] packed, int offset, int length, int fillBits) {
      return decode(packed, offset, length, fillBits, true);
   }

   /**
    * {@link #decode(byte[], int, int, int)}, dropping the CR in the last 7 bits only if {@code dropFinalCr}. A reader
    * keeps it where the octets are full and more parts follow: a writer had no room for the second CR there (153
    * septets behind a 6-octet UDH), so the CR is the text's own, a line break on the part boundary. (A full part a
    * splitter left a septet short, not to cut an escape sequence, and padded with CR reads the same: its padding then
    * reads as a CR. The two cannot be told apart.)
    */
   public static String decode(byte[] packed, int offset, int length, int fillBits, boolean dropFinalCr) {
      Objects.checkFromIndexSize(offset, length, packed.length);
      requireFillBits(fillBits);
      int count = maxSeptets(length, fillBits);
      if (dropFinalCr && count > 0 && (length * 8 - fillBits) % 7 == 0 && septetAt(packed, offset, length, fillBits + 7 * (count - 1)) == CR) {
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
