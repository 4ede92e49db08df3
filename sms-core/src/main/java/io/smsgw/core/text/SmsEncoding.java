package io.smsgw.core.text;

/**
 * How the octets of a short message map to text, with the SMPP data_coding and CMPP Msg_Fmt code
 * points. Lookups never fail: a code point we cannot interpret as text maps to {@link #BINARY}, which
 * keeps the octets unchanged.
 */
public enum SmsEncoding {

   /** GSM 03.38 default alphabet (SMPP data_coding 0x00). No CMPP code point. */
   GSM7(0x00, SmsEncoding.NO_CODE),
   /** IA5 / US-ASCII (SMPP 0x01, CMPP Msg_Fmt 0). */
   ASCII(0x01, 0),
   /** ISO-8859-1 (SMPP 0x03). No CMPP code point. */
   LATIN1(0x03, SmsEncoding.NO_CODE),
   /** UCS2 as UTF-16BE, no byte order mark (SMPP 0x08, CMPP Msg_Fmt 8). */
   UCS2(0x08, 8),
   /** 8-bit data, not text (SMPP 0x04, CMPP Msg_Fmt 4). */
   BINARY(0x04, 4),
   /**
    * GB-coded Chinese (CMPP Msg_Fmt 15): decoded as GB18030 (a superset of GBK/GB2312), encoded as
    * GBK. SMPP has no code point for it: transcode to {@link #UCS2} before relaying over SMPP.
    */
   GBK(SmsEncoding.NO_CODE, 15);

   /** Returned by {@link #smppDataCoding()} / {@link #cmppMsgFmt()} when the protocol has no code point. */
   public static final int NO_CODE = -1;

   private static final int GSM_CLASS_GROUP = 0xF0;
   private static final int GSM_CLASS_8BIT_BIT = 0x04;

   private final int smppDataCoding;
   private final int cmppMsgFmt;

   SmsEncoding(int smppDataCoding, int cmppMsgFmt) {
      this.smppDataCoding = smppDataCoding;
      this.cmppMsgFmt = cmppMsgFmt;
   }

   /** The SMPP data_coding to send this encoding with, or {@link #NO_CODE}. */
   public int smppDataCoding() {
      return smppDataCoding;
   }

   /** The CMPP Msg_Fmt to send this encoding with, or {@link #NO_CODE}. */
   public int cmppMsgFmt() {
      return cmppMsgFmt;
   }

   /**
    * The encoding of an SMPP data_coding octet (only its low 8 bits count). 0x00–0x0F follow the SMPP table (0x00
    * GSM7, 0x01 ASCII, 0x02/0x04 binary, 0x03 Latin-1, 0x08 UCS2; JIS, Cyrillic, Hebrew and the reserved values are
    * {@link #BINARY}). Above, the GSM 03.38 (23.038) coding groups: the general group with a message class (0x10–0x1F)
    * and the automatic-deletion group (0x40–0x7F) take their alphabet from bits 3-2 (00 GSM7, 01 8-bit, 10 UCS2, 11
    * reserved = binary), compressed text (bit 5 set) is binary; message waiting 0xC0–0xDF is GSM7, 0xE0–0xEF UCS2;
    * the message class group 0xF0–0xFF is GSM7 or, with bit 2 set, 8-bit data. 0x80–0xBF (reserved) are binary.
    * {@link DataCoding} reads the message class and writes a data_coding back with another alphabet.
    */
   public static SmsEncoding fromSmppDataCoding(int dataCoding) {
      int value = dataCoding & 0xFF;
      switch (value) {
         case 0x00:
            return GSM7;
         case 0x01:
            return ASCII;
         case 0x03:
            return LATIN1;
         case 0x08:
            return UCS2;
         default:
            break;
      }
      if (value >= GSM_CLASS_GROUP) {
         return (value & GSM_CLASS_8BIT_BIT) != 0 ? BINARY : GSM7;
      }
      if (value >= 0xC0 && value <= 0xDF) {
         return GSM7;
      }
      if (value >= 0xE0) {
         return UCS2;
      }
      if (value >= 0x10 && value <= 0x7F && (value & DataCoding.COMPRESSED) == 0) {
         return generalAlphabet(value);
      }
      return BINARY;
   }

   /** Bits 3-2 of a GSM 03.38 general data coding (uncompressed). */
   private static SmsEncoding generalAlphabet(int value) {
      switch (value & DataCoding.ALPHABET_BITS) {
         case 0x00:
            return GSM7;
         case 0x08:
            return UCS2;
         default:
            return BINARY; // 01 8-bit data; 11 reserved, kept as octets
      }
   }

   /**
    * The encoding of a CMPP Msg_Fmt value: 0 ASCII, 8 UCS2, 15 GBK; a GSM 03.38 data coding with a message class
    * ({@link DataCoding#isCmppMsgFmtWithClass}) by its alphabet, the default alphabet read as CMPP's ASCII; 3 (SIM card
    * write), 4 (binary) and any other value are {@link #BINARY}.
    */
   public static SmsEncoding fromCmppMsgFmt(int msgFmt) {
      switch (msgFmt) {
         case 0:
            return ASCII;
         case 8:
            return UCS2;
         case 15:
            return GBK;
         default:
            if (DataCoding.isCmppMsgFmtWithClass(msgFmt)) {
               SmsEncoding alphabet = fromSmppDataCoding(msgFmt);
               return alphabet == GSM7 ? ASCII : alphabet;
            }
            return BINARY;
      }
   }
}
