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
    * a septet boundary behind the header (GSM 03.40), and all the septets the octets hold are read.
    */
   public String decode(byte[] userData, int headerOctets) {
      Objects.checkIndex(headerOctets, userData.length + 1);
      if (packed()) {
         return Gsm7Packing.decode(userData, headerOctets, userData.length - headerOctets, Gsm7Packing.fillBitsAfterHeader(headerOctets));
      }
      return SmsText.decode(userData, headerOctets, userData.length - headerOctets, encoding);
   }

   /**
    * {@code text} as the octets that follow a user data header of {@code headerOctets} (0: none) with data_coding 0;
    * what the alphabet cannot represent becomes '?' (check {@link SmsText#canEncode} first).
    */
   public byte[] encode(String text, int headerOctets) {
      if (packed()) {
         return Gsm7Packing.encode(text, Gsm7Packing.fillBitsAfterHeader(headerOctets));
      }
      return SmsText.encode(text, encoding);
   }

   /**
    * Septets (one per octet, as {@link SmsText#encode} gives GSM 7-bit) behind a user data header of {@code headerOctets},
    * written in this alphabet: packed after the fill bits, else as they are. Only for {@link #GSM7} and {@link #GSM7_PACKED}.
    */
   public byte[] fromSeptets(byte[] septets, int offset, int length, int headerOctets) {
      if (encoding != SmsEncoding.GSM7) {
         throw new IllegalStateException(this + " holds no GSM septets");
      }
      if (packed()) {
         return Gsm7Packing.pack(septets, offset, length, Gsm7Packing.fillBitsAfterHeader(headerOctets));
      }
      return java.util.Arrays.copyOfRange(septets, offset, offset + length);
   }
}
