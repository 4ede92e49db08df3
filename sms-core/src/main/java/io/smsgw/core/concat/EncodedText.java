package io.smsgw.core.concat;

import io.smsgw.core.text.Gsm7Alphabet;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;

/**
 * Text encoded the way {@link SmsText#encode(String, SmsEncoding)} does it (GSM7 unpacked, one septet
 * per octet), together with where each character ends, so a splitter can cut only between
 * characters: never inside a GSM escape sequence, a surrogate pair or a multi-byte GBK character.
 */
final class EncodedText {

   private final byte[] bytes;
   /** ends[i] = offset just past the i-th character (a surrogate pair counts as one). */
   private final int[] ends;
   private final int count;

   private EncodedText(byte[] bytes, int[] ends, int count) {
      this.bytes = bytes;
      this.ends = ends;
      this.count = count;
   }

   static EncodedText of(String text, SmsEncoding encoding) {
      switch (encoding) {
         case GSM7:
            return gsm7(text);
         case UCS2:
            return ucs2(text);
         default:
            return viaCharset(text, encoding);
      }
   }

   /** Every octet is a unit of its own. */
   static EncodedText ofOctets(byte[] data) {
      int[] ends = new int[data.length];
      for (int i = 0; i < ends.length; i++) {
         ends[i] = i + 1;
      }
      return new EncodedText(data.clone(), ends, ends.length);
   }

   byte[] bytes() {
      return bytes;
   }

   int length() {
      return bytes.length;
   }

   int characterCount() {
      return count;
   }

   /** Offset just past character {@code index}. */
   int end(int index) {
      return ends[index];
   }

   private static EncodedText gsm7(String text) {
      byte[] septets = new byte[Gsm7Alphabet.septetCount(text)];
      int[] ends = new int[text.length()];
      int position = 0;
      for (int i = 0; i < ends.length; i++) {
         position += Gsm7Alphabet.encode(text.charAt(i), septets, position);
         ends[i] = position;
      }
      return new EncodedText(septets, ends, ends.length);
   }

   /** Two octets per char, four per surrogate pair; an unpaired surrogate is two octets of its own. */
   private static EncodedText ucs2(String text) {
      byte[] octets = SmsText.encode(text, SmsEncoding.UCS2);
      int[] ends = new int[text.length()];
      int count = 0;
      int position = 0;
      for (int i = 0, n = text.length(); i < n; i++) {
         if (isPairAt(text, i)) {
            i++;
            position += 4;
         } else {
            position += 2;
         }
         ends[count++] = position;
      }
      return new EncodedText(octets, ends, count);
   }

   /** Encodes one code point at a time, so the boundaries are exact whatever the charset's widths. */
   private static EncodedText viaCharset(String text, SmsEncoding encoding) {
      CharsetEncoder encoder = SmsText.encodeCharset(encoding).newEncoder()
         .onMalformedInput(CodingErrorAction.REPLACE)
         .onUnmappableCharacter(CodingErrorAction.REPLACE);
      int perChar = (int) Math.ceil(Math.max(encoder.maxBytesPerChar(), encoder.replacement().length));
      ByteBuffer out = ByteBuffer.allocate(text.length() * perChar);
      CharBuffer in = CharBuffer.wrap(text);
      int[] ends = new int[text.length()];
      int count = 0;
      for (int i = 0, n = text.length(); i < n; ) {
         int next = isPairAt(text, i) ? i + 2 : i + 1;
         in.limit(next).position(i);
         encoder.reset();
         CoderResult result = encoder.encode(in, out, true);
         if (!result.isUnderflow() || !encoder.flush(out).isUnderflow()) {
            throw new IllegalStateException("encoder for " + encoding + " did not finish: " + result);
         }
         ends[count++] = out.position();
         i = next;
      }
      return new EncodedText(Arrays.copyOf(out.array(), out.position()), ends, count);
   }

   private static boolean isPairAt(String text, int index) {
      return Character.isHighSurrogate(text.charAt(index))
         && index + 1 < text.length()
         && Character.isLowSurrogate(text.charAt(index + 1));
   }
}
