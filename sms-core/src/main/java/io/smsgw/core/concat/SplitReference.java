package io.smsgw.core.concat;

import java.util.OptionalLong;

import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.id.CmppMsgId;

/**
 * The concatenation reference for the parts of a message the gateway splits on its way out (an MO longer than one
 * deliver_sm or DELIVER, an MT or MO longer than one FWD). It is taken from the message, not from a counter, so a
 * part sent again (after a refusal, a reconnect or a restart) carries the header its siblings carry.
 */
public final class SplitReference {

   private SplitReference() {
   }

   /**
    * An 8-bit reference (IE 0x00, which leaves the most room in a full part): the low 8 bits of the smsId when it is a
    * CMPP Msg_Id (16 hex digits; its low bits are the issuing gateway's sequence, so consecutive messages differ),
    * else of another smsId's hash, else of the broker message id.
    */
   public static int of(SmsMessageReader m) {
      String smsId = m.string(SmsProperties.ID);
      if (smsId == null) {
         return (int) (m.message().getMessageID() & 0xFF);
      }
      OptionalLong msgId = CmppMsgId.parseHex(smsId);
      return (int) ((msgId.isPresent() ? msgId.getAsLong() : smsId.hashCode()) & 0xFF);
   }
}
