package io.smsgw.core.concat;

import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;

/**
 * The concatenation reference for the parts of a message the gateway splits on its way out (an MT for an SMSC, an
 * MO longer than one deliver_sm or DELIVER, an MT or MO longer than one FWD). It is taken from the message, not from
 * a counter, so a part sent again (after a refusal, a reconnect, a consumer closed or a restart) carries the header
 * its siblings carry.
 */
public final class SplitReference {

   private static final int HEX_MSG_ID_LENGTH = 16;

   private SplitReference() {
   }

   /**
    * An 8-bit reference (IE 0x00, which leaves the most room in a full part) from the message's smsId, else from its
    * broker message id: {@link #of(CharSequence)}.
    */
   public static int of(SmsMessageReader m) {
      String smsId = m.string(SmsProperties.ID);
      return smsId == null ? fold(m.message().getMessageID()) : of(smsId);
   }

   /**
    * The 8-bit reference for the message with this smsId: every bit of the id mixed into 8. A CMPP Msg_Id (16 hex
    * digits, either case) counts by its value. Its low bits alone are the issuing gateway's sequence, which starts
    * again at 0 every second, so at a message a second or less every long message would get the same reference and a
    * handset receiving two at once would join them; the whole id (time, gateway, sequence) differs from message to
    * message. References still repeat by chance (1 in 256 for two given messages), as any 8-bit reference does.
    */
   public static int of(CharSequence smsId) {
      int length = smsId.length();
      long value = 0;
      boolean hex = length == HEX_MSG_ID_LENGTH;
      for (int i = 0; hex && i < length; i++) {
         int digit = Character.digit(smsId.charAt(i), 16);
         hex = digit >= 0;
         value = value << 4 | digit;
      }
      if (!hex) {
         value = 0;
         for (int i = 0; i < length; i++) {
            value = 31 * value + smsId.charAt(i);
         }
      }
      return fold(value);
   }

   /** 64 bits mixed (MurmurHash3's finalizer: each input bit changes each output bit half the time) into 8. */
   private static int fold(long value) {
      long h = value;
      h ^= h >>> 33;
      h *= 0xff51afd7ed558ccdL;
      h ^= h >>> 33;
      h *= 0xc4ceb9fe1a85ec53L;
      h ^= h >>> 33;
      return (int) (h >>> 56);
   }
}
