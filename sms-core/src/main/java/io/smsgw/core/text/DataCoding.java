package io.smsgw.core.text;

/**
 * The parts of an SMPP data_coding octet besides its alphabet ({@link SmsEncoding#fromSmppDataCoding}): the GSM 03.38
 * message class (0 flash, 1 mobile equipment, 2 SIM, 3 terminal equipment) and the message-waiting indication, which
 * the gateway keeps when it sends a message on in another alphabet, and the mapping to and from CMPP Msg_Fmt.
 *
 * <p>Groups (23.038 §4): 0x00–0x0F are SMPP's own table (no class); 0x10–0x3F general data coding, bit 5 compressed,
 * bit 4 class present, bits 3-2 alphabet, bits 1-0 class; 0x40–0x7F the same, marked for automatic deletion;
 * 0xC0–0xEF message waiting (0xC0 discard and 0xD0 store in GSM7, 0xE0 store in UCS2, low four bits the indication);
 * 0xF0–0xFF data coding / message class, bit 2 8-bit data instead of GSM7, bits 1-0 class. SMPP's table holds
 * no UCS2 in the 0xF0 group, so a class-0 text that needs UCS2 goes as 0x18 (the general group with class 0).
 */
public final class DataCoding {

   /** Bit 5 of a general data coding: the text is compressed (read as binary, never re-encoded). */
   static final int COMPRESSED = 0x20;
   /** Bits 3-2 of a general data coding: 00 GSM7, 01 8-bit, 10 UCS2, 11 reserved. */
   static final int ALPHABET_BITS = 0x0C;
   private static final int CLASS_PRESENT = 0x10;
   private static final int CLASS_BITS = 0x03;
   private static final int CLASS_GROUP = 0xF0;
   private static final int CLASS_GROUP_8BIT = 0xF4;
   private static final int GENERAL_UCS2_WITH_CLASS = 0x18;
   private static final int WAITING_DISCARD = 0xC0;
   private static final int WAITING_STORE_GSM7 = 0xD0;
   private static final int WAITING_STORE_UCS2 = 0xE0;
   /** SIM-specific (class 2) 8-bit data: what CMPP's Msg_Fmt 3 (SIM card write) is on the air. */
   public static final int SIM_DATA = 0xF6;
   /** CMPP Msg_Fmt 3: SIM card write. */
   public static final int MSG_FMT_SIM = 3;
   /** CMPP Msg_Fmt 4: binary. */
   public static final int MSG_FMT_BINARY = 4;

   private DataCoding() {
   }

   /** The GSM 03.38 message class (0–3) {@code dataCoding} names, or -1 when it names none. */
   public static int messageClass(int dataCoding) {
      int value = dataCoding & 0xFF;
      if (value >= CLASS_GROUP || isGeneral(value) && (value & CLASS_PRESENT) != 0) {
         return value & CLASS_BITS;
      }
      return -1;
   }

   /**
    * The data_coding to send octets of {@code encoding} with, for a message that came with {@code dataCoding}: that
    * same value when its alphabet is {@code encoding}; else the same group, class and indication with the alphabet
    * changed (0xF0, GSM7 class 0, needed in UCS2 becomes 0x18; 0x1A, UCS2 class 2, in GSM7 0x12); else, where no group holds both
    * (Latin-1 or ASCII with a class, 8-bit data with a message-waiting indication), the plain SMPP code of {@code
    * encoding}. Only the low 8 bits of {@code dataCoding} count.
    *
    * @throws IllegalArgumentException for an encoding SMPP has no code for (GBK)
    */
   public static int withAlphabet(int dataCoding, SmsEncoding encoding) {
      int value = dataCoding & 0xFF;
      if (SmsEncoding.fromSmppDataCoding(value) == encoding) {
         return value;
      }
      int bits = alphabetBits(encoding);
      if (value >= CLASS_GROUP) {
         int messageClass = value & CLASS_BITS;
         switch (encoding) {
            case GSM7:
               return CLASS_GROUP | messageClass;
            case BINARY:
               return CLASS_GROUP_8BIT | messageClass;
            case UCS2:
               return GENERAL_UCS2_WITH_CLASS | messageClass;
            default:
               return plain(encoding);
         }
      }
      if (isGeneral(value)) {
         // A re-encoded text is no longer compressed: bit 5 goes, group, class and auto-deletion stay.
         return bits < 0 ? plain(encoding) : value & ~(COMPRESSED | ALPHABET_BITS) | bits;
      }
      if (value >= WAITING_STORE_GSM7 && value < WAITING_STORE_UCS2 && encoding == SmsEncoding.UCS2) {
         return WAITING_STORE_UCS2 | value & 0x0F;
      }
      if (value >= WAITING_STORE_UCS2 && value < CLASS_GROUP && encoding == SmsEncoding.GSM7) {
         return WAITING_STORE_GSM7 | value & 0x0F;
      }
      return plain(encoding); // also the discard group (0xC0) in UCS2, which 23.038 does not define
   }

   /**
    * The data_coding a message that came with CMPP {@code msgFmt} carries in the contract: 0 (ASCII) 0x01, 8 (UCS2) and
    * 15 (GB text, kept as Unicode text and relayed as UCS2) 0x08, 3 (SIM card write) 0xF6 (8-bit data for the SIM), a
    * data coding with a message class itself, 4 (binary) and any other value 0x04.
    */
   public static int fromCmppMsgFmt(int msgFmt) {
      if (msgFmt == MSG_FMT_SIM) {
         return SIM_DATA;
      }
      if (isCmppMsgFmtWithClass(msgFmt)) {
         return msgFmt;
      }
      SmsEncoding encoding = SmsEncoding.fromCmppMsgFmt(msgFmt);
      return encoding == SmsEncoding.GBK ? SmsEncoding.UCS2.smppDataCoding() : encoding.smppDataCoding();
   }

   /**
    * Whether a CMPP Msg_Fmt is one the gateway takes: 0 (ASCII), 3 (SIM card write), 4 (binary), 8 (UCS2), 15 (GB)
    * and a GSM 03.38 data coding with a message class.
    */
   public static boolean isCmppMsgFmt(int msgFmt) {
      return msgFmt == 0 || msgFmt == MSG_FMT_SIM || msgFmt == MSG_FMT_BINARY || msgFmt == 8 || msgFmt == 15
         || isCmppMsgFmtWithClass(msgFmt);
   }

   /**
    * A Msg_Fmt holding a whole GSM 03.38 data coding with a message class: the general group with the class bit and an
    * uncompressed, defined alphabet (0x10–0x1B) or the 0xF0–0xF7 group. SP clients (SMSGate among them) write flash
    * and SIM-class SMS so; CMPP itself has no field for the class.
    */
   public static boolean isCmppMsgFmtWithClass(int msgFmt) {
      return msgFmt >= 0x10 && msgFmt <= 0x1B || msgFmt >= 0xF0 && msgFmt <= 0xF7;
   }

   /**
    * The CMPP Msg_Fmt binary content with {@code dataCoding} goes with: 3 (SIM card write) for 8-bit data of class 2
    * (0xF6, 0x16), else 4. CMPP has no other place for a class: text and other binary content lose it.
    */
   public static int cmppBinaryMsgFmt(int dataCoding) {
      return messageClass(dataCoding) == 2 && SmsEncoding.fromSmppDataCoding(dataCoding) == SmsEncoding.BINARY
         ? MSG_FMT_SIM : MSG_FMT_BINARY;
   }

   private static boolean isGeneral(int value) {
      return value >= CLASS_PRESENT && value < 0x80;
   }

   private static int alphabetBits(SmsEncoding encoding) {
      switch (encoding) {
         case GSM7:
            return 0x00;
         case BINARY:
            return 0x04;
         case UCS2:
            return 0x08;
         default:
            return -1;
      }
   }

   private static int plain(SmsEncoding encoding) {
      int code = encoding.smppDataCoding();
      if (code == SmsEncoding.NO_CODE) {
         throw new IllegalArgumentException("SMPP has no data_coding for " + encoding);
      }
      return code;
   }
}
