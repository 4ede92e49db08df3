package io.smsgw.core.text;

import java.util.Arrays;
import java.util.Objects;

/**
 * The GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table, one septet per octet
 * ("unpacked", as SMPP data_coding 0 usually carries it). See {@link Gsm7Packing} for the 7-bit
 * packed form.
 *
 * <p>Only characters that survive an encode/decode round trip unchanged are encodable, so
 * {@link #canEncode(CharSequence)} is a reliable test for "GSM7 loses nothing" (U+001B, the escape,
 * survives only as the last character: see below). Code 0x09 is decoded as
 * ç (the intent of the standard, as in the Unicode mapping table); Ç is therefore not encodable.
 * National language shift tables are not supported. Encoding works per UTF-16 char: an unencodable
 * character becomes '?', so an unguarded emoji (a surrogate pair) becomes "??".
 *
 * <p>Decoding never fails: octets above 0x7F become {@link #REPLACEMENT}; an escape followed by a
 * code the extension table does not define decodes as that code's basic character (as 23.038 tells
 * receivers to do), and escape-escape as a space. A lone escape at the very end decodes to U+001B: it
 * is the first half of an extension character (€, say) that whoever cut a long message left at the end
 * of one part, the rest starting the next part. U+001B encodes back to the escape septet (one septet),
 * so such a part goes on with the septets it came with and the handset joins the character; U+001B
 * anywhere else combines with the septet after it as an escape does.
 */
public final class Gsm7Alphabet {

   /** The escape septet that introduces a character from the extension table. */
   public static final int ESCAPE = 0x1B;
   /** What undecodable input becomes. */
   public static final char REPLACEMENT = '\uFFFD';

   private static final char[] BASIC = (
         "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00e7\n\u00d8\u00f8\r\u00c5\u00e5"
       + "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\u001b\u00c6\u00e6\u00df\u00c9"
       + " !\"#\u00a4%&'()*+,-./"
       + "0123456789:;<=>?"
       + "\u00a1ABCDEFGHIJKLMNO"
       + "PQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
       + "\u00bfabcdefghijklmno"
       + "pqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0").toCharArray();

   /** Extension table: septet after the escape → character; 0 where the table has no entry. */
   private static final char[] EXTENSION = new char[128];

   /**
    * Character → code, for every character below {@link #LOOKUP_SIZE}: basic septet (0..0x7F),
    * {@link #EXTENDED_FLAG} | extension septet, or -1 when not encodable. The euro sign is the only
    * encodable character above that range and is handled separately.
    */
   private static final short[] CODE_BY_CHAR;
   private static final int LOOKUP_SIZE = 0x400;
   private static final int EXTENDED_FLAG = 0x100;
   private static final char EURO = '\u20ac';
   private static final int EURO_SEPTET = 0x65;

   static {
      EXTENSION[0x0A] = '\f';
      EXTENSION[0x14] = '^';
      EXTENSION[0x28] = '{';
      EXTENSION[0x29] = '}';
      EXTENSION[0x2F] = '\\';
      EXTENSION[0x3C] = '[';
      EXTENSION[0x3D] = '~';
      EXTENSION[0x3E] = ']';
      EXTENSION[0x40] = '|';
      EXTENSION[EURO_SEPTET] = EURO;

      CODE_BY_CHAR = new short[LOOKUP_SIZE];
      Arrays.fill(CODE_BY_CHAR, (short) -1);
      // BASIC[ESCAPE] is U+001B: it encodes as the escape septet (a part's last septet, decoded by finish)
      for (int septet = 0; septet < BASIC.length; septet++) {
         CODE_BY_CHAR[BASIC[septet]] = (short) septet;
      }
      for (int septet = 0; septet < EXTENSION.length; septet++) {
         char c = EXTENSION[septet];
         if (c != 0 && c < LOOKUP_SIZE) {
            CODE_BY_CHAR[c] = (short) (EXTENDED_FLAG | septet);
         }
      }
   }

   private Gsm7Alphabet() {
   }

   /**
    * True if every character of {@code text} is in the basic or the extension table. U+001B (the escape) counts only as
    * the last character, the half of an extension character a client-split part ends with: anywhere else it would join
    * the next septet into another character on the handset.
    */
   public static boolean canEncode(CharSequence text) {
      for (int i = 0, n = text.length(); i < n; i++) {
         char c = text.charAt(i);
         if (code(c) < 0 || c == ESCAPE && i < n - 1) {
            return false;
         }
      }
      return true;
   }

   /** True if {@code c} is in the basic or the extension table. */
   public static boolean canEncode(char c) {
      return code(c) >= 0;
   }

   /**
    * Septets needed for {@code c}: 1 (basic table), 2 (extension table, escape included), or 1 for an
    * unencodable character (it is replaced by '?').
    */
   public static int septetCount(char c) {
      int code = code(c);
      return code >= 0 && (code & EXTENDED_FLAG) != 0 ? 2 : 1;
   }

   /** Septets needed for {@code text}; extension characters count 2, unencodable ones 1 ('?'). */
   public static int septetCount(CharSequence text) {
      int count = 0;
      for (int i = 0, n = text.length(); i < n; i++) {
         count += septetCount(text.charAt(i));
      }
      return count;
   }

   /**
    * Writes the septet(s) for {@code c} at {@code out[position]} and returns how many were written (1
    * or 2). Unencodable characters are written as '?'; guard with {@link #canEncode(char)} first.
    */
   public static int encode(char c, byte[] out, int position) {
      int code = code(c);
      if (code < 0) {
         out[position] = '?';
         return 1;
      }
      if ((code & EXTENDED_FLAG) != 0) {
         out[position] = ESCAPE;
         out[position + 1] = (byte) (code & 0x7F);
         return 2;
      }
      out[position] = (byte) code;
      return 1;
   }

   /** Encodes {@code text} one septet per octet. Unencodable characters become '?'. */
   public static byte[] encode(CharSequence text) {
      byte[] out = new byte[septetCount(text)];
      int position = 0;
      for (int i = 0, n = text.length(); i < n; i++) {
         position += encode(text.charAt(i), out, position);
      }
      return out;
   }

   /** Decodes {@code length} septets stored one per octet, starting at {@code offset}. */
   public static String decode(byte[] septets, int offset, int length) {
      Objects.checkFromIndexSize(offset, length, septets.length);
      StringBuilder text = new StringBuilder(length);
      boolean escaped = false;
      for (int i = offset, end = offset + length; i < end; i++) {
         escaped = append(text, septets[i] & 0xFF, escaped);
      }
      return finish(text, escaped);
   }

   /**
    * Appends the character for {@code septet} to {@code text}, given whether the previous septet was
    * an unconsumed escape, and returns whether this septet is one. Shared by the packed decoder.
    */
   static boolean append(StringBuilder text, int septet, boolean escaped) {
      if (septet > 0x7F) {
         text.append(REPLACEMENT);
         return false;
      }
      if (escaped) {
         char extended = EXTENSION[septet];
         if (extended != 0) {
            text.append(extended);
         } else if (septet == ESCAPE) {
            text.append(' ');
         } else {
            text.append(BASIC[septet]);
         }
         return false;
      }
      if (septet == ESCAPE) {
         return true;
      }
      text.append(BASIC[septet]);
      return false;
   }

   /**
    * Completes a decode: an escape with nothing after it stays, as U+001B, for the part after it to complete on the
    * handset.
    */
   static String finish(StringBuilder text, boolean escaped) {
      if (escaped) {
         text.append((char) ESCAPE);
      }
      return text.toString();
   }

   private static int code(char c) {
      if (c < LOOKUP_SIZE) {
         return CODE_BY_CHAR[c];
      }
      return c == EURO ? EXTENDED_FLAG | EURO_SEPTET : -1;
   }
}
