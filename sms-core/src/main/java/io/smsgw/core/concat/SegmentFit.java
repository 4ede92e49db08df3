package io.smsgw.core.concat;

import io.smsgw.core.text.Gsm7Alphabet;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;

/**
 * Whether one segment of a long message fits one SMS in an encoding. A segment cannot be cut again (its parts would
 * nest inside a concatenation no handset joins, decision 45), so when a segment is sent on in another encoding than
 * it came in, the new encoding must hold all of it within one SMS behind its header: 153 GSM 7-bit characters with
 * its 6-octet UDH, but only 67 as UCS2 and 134 as Latin-1, ASCII or GBK octets.
 */
public final class SegmentFit {

   private SegmentFit() {
   }

   /**
    * What {@code text} takes in {@code encoding}, in the units of {@link SmsSplitter#capacity}: septets for GSM7 (an
    * extension character counts two), octets otherwise; -1 when the encoding cannot hold every character.
    */
   public static int size(String text, SmsEncoding encoding) {
      if (!SmsText.canEncode(text, encoding)) {
         return -1;
      }
      switch (encoding) {
         case GSM7:
            return Gsm7Alphabet.septetCount(text);
         case UCS2:
            return 2 * text.length();
         case GBK:
            return SmsText.encode(text, encoding).length;
         default:
            return text.length();
      }
   }

   /** Whether {@code text} fits one SMS in {@code encoding} behind a user data header of {@code headerOctets}. */
   public static boolean fits(String text, SmsEncoding encoding, int headerOctets) {
      int size = size(text, encoding);
      return size >= 0 && size <= SmsSplitter.capacity(encoding, headerOctets);
   }

   /**
    * The data coding an SMPP peer gets one segment's text in: GSM 7-bit when {@code gsm7} allows it and the segment
    * fits, else UCS2, else the encoding it came in ({@code declared}: Latin-1's 134 characters, say, which neither
    * GSM7 nor UCS2 holds); null when none of them holds it within one SMS.
    *
    * @param headerOctets its UDH (UDHL included), or the 6 octets of the one the SMSC adds for SAR TLVs
    */
   public static SmsEncoding forSmpp(String text, int headerOctets, SmsEncoding declared, boolean gsm7) {
      if (gsm7 && fits(text, SmsEncoding.GSM7, headerOctets)) {
         return SmsEncoding.GSM7;
      }
      if (fits(text, SmsEncoding.UCS2, headerOctets)) {
         return SmsEncoding.UCS2;
      }
      if (declared != null && declared != SmsEncoding.BINARY && declared.smppDataCoding() != SmsEncoding.NO_CODE
          && fits(text, declared, headerOctets)) {
         return declared;
      }
      return null;
   }
}
