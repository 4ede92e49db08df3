package io.smsgw.core.concat;

import io.smsgw.core.text.Gsm7Alphabet;
import io.smsgw.core.text.SmsEncoding;

/**
 * How many SMS a message's content becomes on the air, which is what carriers bill and throttle: text as the
 * gateway's SMSC links encode it by default (GSM 7-bit when every character allows, else UCS2), binary as octets;
 * one SMS up to 160 septets, 70 UCS2 characters or 140 octets, else concatenated parts of 153 septets, 67
 * characters or 134 octets ({@link SmsSplitter} with an 8-bit reference). An account's submit rate, daily quota
 * and longest message are counted in these parts.
 *
 * <p>Content that fits one SMS is answered by scanning it, without allocating; only longer text is encoded to
 * find its cuts.
 */
public final class SmsParts {

   private static final int UCS2_SINGLE_CHARS = SmsSplitter.USER_DATA_OCTETS / 2;
   private static final int OCTETS_PER_PART = SmsSplitter.capacity(SmsEncoding.BINARY, ConcatReference.Width.EIGHT_BIT.headerLength());

   private SmsParts() {
   }

   /** Parts of a text (at least 1: an empty text is still one SMS); also answers above {@value SmsSplitter#MAX_SEGMENTS}. */
   public static int ofText(String text) {
      if (Gsm7Alphabet.canEncode(text)) {
         return Gsm7Alphabet.septetCount(text) <= SmsSplitter.USER_DATA_SEPTETS ? 1
            : SmsSplitter.countSegments(text, SmsEncoding.GSM7, ConcatReference.Width.EIGHT_BIT);
      }
      return text.length() <= UCS2_SINGLE_CHARS ? 1
         : SmsSplitter.countSegments(text, SmsEncoding.UCS2, ConcatReference.Width.EIGHT_BIT);
   }

   /** Parts of binary content of {@code octets} octets (at least 1). */
   public static int ofBinary(int octets) {
      return octets <= SmsSplitter.USER_DATA_OCTETS ? 1 : (octets + OCTETS_PER_PART - 1) / OCTETS_PER_PART;
   }
}
