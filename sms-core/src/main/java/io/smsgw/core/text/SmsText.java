package io.smsgw.core.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Converts between text and short-message octets for every {@link SmsEncoding}. GSM7 here is the
 * unpacked form (one septet per octet); use {@link Gsm7Packing} for packed GSM 7-bit.
 *
 * <p>Neither direction throws on bad data. Decoding replaces what cannot be decoded with U+FFFD
 * (including a lone trailing byte of UCS2). Encoding replaces what the encoding cannot represent with
 * '?'; check {@link #canEncode(CharSequence, SmsEncoding)} first when that matters.
 *
 * <p>Half a character that whoever split a long message left at the end of a part survives both ways, so
 * the part goes on with the octets it came with and joins its sibling on the handset: UCS2 is two octets
 * a UTF-16 char, taken as they are, so an unpaired surrogate decodes to itself and encodes back to the
 * same two octets; a GSM escape septet at the very end decodes to U+001B, which encodes back to the
 * escape septet (see {@link Gsm7Alphabet}). {@link SmsEncoding#BINARY} maps each octet to the char of the same value
 * (as ISO-8859-1 does), so binary content survives a decode/encode round trip.
 */
public final class SmsText {

   /** GB18030 decodes everything GBK and GB2312 produce. */
   private static final Charset GB_DECODE = Charset.forName("GB18030");
   private static final Charset GB_ENCODE = Charset.forName("GBK");

   private SmsText() {
   }

   /** Decodes {@code length} octets at {@code offset} as {@code encoding}. */
   public static String decode(byte[] data, int offset, int length, SmsEncoding encoding) {
      Objects.checkFromIndexSize(offset, length, data.length);
      if (encoding == SmsEncoding.GSM7) {
         return Gsm7Alphabet.decode(data, offset, length);
      }
      if (encoding == SmsEncoding.UCS2) {
         return decodeUcs2(data, offset, length);
      }
      return new String(data, offset, length, decodeCharset(encoding));
   }

   /**
    * Two octets, big-endian, a char, whatever the char: the JDK's UTF-16BE decoder turns an unpaired surrogate
    * (half an emoji at the end of a part someone else cut) into U+FFFD. A lone trailing octet becomes U+FFFD.
    */
   private static String decodeUcs2(byte[] data, int offset, int length) {
      int pairs = length >>> 1;
      char[] text = new char[pairs + (length & 1)];
      for (int i = 0, at = offset; i < pairs; i++, at += 2) {
         text[i] = (char) ((data[at] & 0xFF) << 8 | data[at + 1] & 0xFF);
      }
      if ((length & 1) != 0) {
         text[pairs] = '\uFFFD';
      }
      return new String(text);
   }

   /** Each char as two octets, big-endian: an unpaired surrogate goes as it came, not as U+FFFD. */
   private static byte[] encodeUcs2(String text) {
      int length = text.length();
      byte[] octets = new byte[2 * length];
      for (int i = 0, at = 0; i < length; i++) {
         char c = text.charAt(i);
         octets[at++] = (byte) (c >>> 8);
         octets[at++] = (byte) c;
      }
      return octets;
   }

   /** What {@link #check} finds wrong with octets that should be text of an encoding. */
   public enum Validity {
      /** Every octet is a character of the encoding. */
      VALID,
      /** UCS2 of an odd number of octets: its last character is cut. */
      ODD_LENGTH,
      /** An octet (sequence) the encoding does not define: above 0x7F for GSM7 (unpacked) and ASCII, bad GB bytes. */
      UNDEFINED_OCTETS
   }

   /**
    * Whether {@code length} octets at {@code offset} are text of {@code encoding} that {@link #decode} turns into
    * characters without a U+FFFD of its own making. Latin-1 and binary take any octet. An unpaired UTF-16 surrogate
    * passes (a pair may be split across the parts of a long message by whoever cut it), as does a GSM escape at the
    * very end.
    */
   public static Validity check(byte[] data, int offset, int length, SmsEncoding encoding) {
      Objects.checkFromIndexSize(offset, length, data.length);
      switch (encoding) {
         case GSM7:
         case ASCII:
            for (int i = offset, end = offset + length; i < end; i++) {
               if (data[i] < 0) {
                  return Validity.UNDEFINED_OCTETS;
               }
            }
            return Validity.VALID;
         case UCS2:
            return (length & 1) == 0 ? Validity.VALID : Validity.ODD_LENGTH;
         case GBK:
            try {
               GB_DECODE.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                  .decode(ByteBuffer.wrap(data, offset, length));
               return Validity.VALID;
            } catch (CharacterCodingException e) {
               return Validity.UNDEFINED_OCTETS;
            }
         default:
            return Validity.VALID;
      }
   }

   /** Decodes all of {@code data} as {@code encoding}. */
   public static String decode(byte[] data, SmsEncoding encoding) {
      return decode(data, 0, data.length, encoding);
   }

   /** Encodes {@code text} as {@code encoding}; what the encoding cannot represent becomes '?'. */
   public static byte[] encode(String text, SmsEncoding encoding) {
      if (encoding == SmsEncoding.GSM7) {
         return Gsm7Alphabet.encode(text);
      }
      if (encoding == SmsEncoding.UCS2) {
         return encodeUcs2(text);
      }
      return text.getBytes(encodeCharset(encoding));
   }

   /**
    * True if {@code encoding} represents every character of {@code text} without loss. UCS2 represents every UTF-16
    * char, an unpaired surrogate included.
    */
   public static boolean canEncode(CharSequence text, SmsEncoding encoding) {
      switch (encoding) {
         case GSM7:
            return Gsm7Alphabet.canEncode(text);
         case UCS2:
            return true;
         case ASCII:
            return allCharsBelow(text, 0x80);
         case LATIN1:
         case BINARY:
            return allCharsBelow(text, 0x100);
         default:
            return encodeCharset(encoding).newEncoder().canEncode(text);
      }
   }

   /** The smallest encoding that represents {@code text} without loss: GSM7 if it can, else UCS2. */
   public static SmsEncoding chooseEncoding(CharSequence text) {
      return Gsm7Alphabet.canEncode(text) ? SmsEncoding.GSM7 : SmsEncoding.UCS2;
   }

   /**
    * The charset {@link #encode(String, SmsEncoding)} uses; not defined for GSM7. For UCS2 it is UTF-16BE, which
    * {@code encode} follows except that it keeps an unpaired surrogate (the charset writes U+FFFD).
    */
   public static Charset encodeCharset(SmsEncoding encoding) {
      switch (encoding) {
         case ASCII:
            return StandardCharsets.US_ASCII;
         case LATIN1:
         case BINARY:
            return StandardCharsets.ISO_8859_1;
         case UCS2:
            return StandardCharsets.UTF_16BE;
         case GBK:
            return GB_ENCODE;
         default:
            throw new IllegalArgumentException("No java.nio charset for " + encoding);
      }
   }

   private static Charset decodeCharset(SmsEncoding encoding) {
      return encoding == SmsEncoding.GBK ? GB_DECODE : encodeCharset(encoding);
   }

   private static boolean allCharsBelow(CharSequence text, int limit) {
      for (int i = 0, n = text.length(); i < n; i++) {
         if (text.charAt(i) >= limit) {
            return false;
         }
      }
      return true;
   }
}
