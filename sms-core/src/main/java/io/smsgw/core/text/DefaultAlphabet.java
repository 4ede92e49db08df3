package io.smsgw.core.text;

import java.util.Locale;
import java.util.Objects;

/**
 * What SMPP data_coding 0 ("SMSC default alphabet") means to one peer. SMSCs differ: most take GSM 03.38 one septet per
 * octet and pack it themselves, some pack it already on SMPP (8 septets in 7 octets), some read Latin-1 or IA5/ASCII.
 * An SMSC link has one ({@code default-alphabet}); the SMPP acceptor reads and writes GSM 7-bit unpacked only, so it
 * offers {@link #GSM7}, {@link #LATIN1} and {@link #ASCII}.
 */
public enum DefaultAlphabet {

   /** GSM 03.38, one septet per octet: what SMPP peers mostly expect, and the gateway's default. */
   GSM7(SmsEncoding.GSM7),
   /** GSM 03.38 packed as on the air: 160 septets in 140 octets, fill bits after a user data header. */
   GSM7_PACKED(SmsEncoding.GSM7),
   /** ISO-8859-1, one character per octet. */
   LATIN1(SmsEncoding.LATIN1),
   /** IA5 / US-ASCII, one character per octet. */
   ASCII(SmsEncoding.ASCII);

   /** User data octets of one SMS. */
   private static final int SMS_OCTETS = 140;

   private final SmsEncoding encoding;

   DefaultAlphabet(SmsEncoding encoding) {
      this.encoding = encoding;
   }

   /** The character set text in this alphabet uses. */
   public SmsEncoding encoding() {
      return encoding;
   }

   /** Whether GSM 7-bit goes packed. */
   public boolean packed() {
      return this == GSM7_PACKED;
   }

   /** The name configuration uses: {@code gsm7}, {@code gsm7-packed}, {@code latin1}, {@code ascii}. */
   public String configName() {
      return name().replace('_', '-').toLowerCase(Locale.ROOT);
   }

   /**
    * Reads the user data of a message with data_coding 0 as text in this alphabet: {@code userData} from
    * {@code headerOctets} on (0 without a user data header). Packed septets start after the fill bits that put them on
    * a septet boundary behind the header (GSM 03.40), and all the septets the octets hold are read; a CR padding the
    * last 7 bits is dropped.
    */
   public String decode(byte[] userData, int headerOctets) {
      return decode(userData, headerOctets, true);
   }

   /**
    * {@link #decode(byte[], int)} for one part of a long message: in a part before the last that fills one SMS, a
    * packed CR in the last 7 bits is the text's own and is kept ({@link Gsm7Packing#decode(byte[], int, int, int,
    * boolean)}); a writer with room left would have added a second CR, so elsewhere it is padding.
    */
   public String decode(byte[] userData, int headerOctets, boolean lastPart) {
      Objects.checkIndex(headerOctets, userData.length + 1);
      if (packed()) {
         return Gsm7Packing.decode(userData, headerOctets, userData.length - headerOctets, Gsm7Packing.fillBitsAfterHeader(headerOctets),
                                   lastPart || userData.length < SMS_OCTETS);
      }
      return SmsText.decode(userData, headerOctets, userData.length - headerOctets, encoding);
   }

   /**
    * {@code text} as the octets that follow a user data header of {@code headerOctets} (0: none) with data_coding 0, in
    * one SMS (packed, a final CR gets its second CR only within 140 octets in all); what the alphabet cannot represent
    * becomes '?' (check {@link SmsText#canEncode} first).
    */
   public byte[] encode(String text, int headerOctets) {
      if (packed()) {
         byte[] septets = Gsm7Alphabet.encode(text);
         return Gsm7Packing.pack(septets, 0, septets.length, Gsm7Packing.fillBitsAfterHeader(headerOctets), SMS_OCTETS - headerOctets);
      }
      return SmsText.encode(text, encoding);
   }

   /** {@code text} with data_coding 0 as a message_payload, of any length. */
   public byte[] encodePayload(String text) {
      if (packed()) {
         return Gsm7Packing.encode(text, 0);
      }
      return SmsText.encode(text, encoding);
   }

   /**
    * Septets (one per octet, as {@link SmsText#encode} gives GSM 7-bit) behind a user data header of {@code headerOctets},
    * written in this alphabet, within one SMS: packed after the fill bits, else as they are. Only for {@link #GSM7} and {@link #GSM7_PACKED}.
    */
   public byte[] fromSeptets(byte[] septets, int offset, int length, int headerOctets) {
      if (encoding != SmsEncoding.GSM7) {
         throw new IllegalStateException(this + " holds no GSM septets");
      }
      if (packed()) {
         return Gsm7Packing.pack(septets, offset, length, Gsm7Packing.fillBitsAfterHeader(headerOctets), SMS_OCTETS - headerOctets);
      }
      return java.util.Arrays.copyOfRange(septets, offset, offset + length);
   }
}
