package io.smsgw.smpp.client;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Optional;

import io.smsgw.core.config.SmscLinkConfig.ReceiptIdFormat;
import io.smsgw.core.receipt.DeliveryReceipt;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;

/**
 * What a delivery receipt from an SMSC says, read from the 3.4 TLVs (receipted_message_id, message_state,
 * network_error_code) when present and from the receipt text otherwise.
 *
 * @param smscMessageId the id normalised for the link ({@link ReceiptIds}): the key of its correlation record
 * @param state         delivery state
 * @param error         error code text ("000" when none)
 * @param doneDate      when the final state was reached, if the text says so
 * @param legacyKey     the key a record stored before ids were keyed tolerantly has (the id exactly as the receipt gives
 *                      it), when it differs from {@code smscMessageId}; else null
 */
record SmscReceipt(String smscMessageId, DeliveryState state, String error, LocalDateTime doneDate, String legacyKey) {

   SmscReceipt(String smscMessageId, DeliveryState state, String error, LocalDateTime doneDate) {
      this(smscMessageId, state, error, doneDate, null);
   }

   /** esm_class message types that carry a receipt (SMSC receipt, SME ack, intermediate notification). */
   static final int RECEIPT_TYPES = 0x04 | 0x08 | 0x20;

   static boolean isReceipt(int esmClass) {
      return (esmClass & 0x3C) != 0 && (esmClass & RECEIPT_TYPES) != 0;
   }

   /** esm_class message type of an intermediate delivery notification (SMPP 3.4 5.2.12, bits 5-2 = 1000). */
   static final int INTERMEDIATE_NOTIFICATION = 0x20;

   static Optional<SmscReceipt> read(int esmClass, byte[] shortMessage, Tlvs tlvs, ReceiptIdFormat format) {
      DeliveryReceipt text = shortMessage.length == 0 ? null
         : DeliveryReceipt.parse(new String(shortMessage, StandardCharsets.ISO_8859_1)).orElse(null);
      return read(esmClass, text, tlvs, format);
   }

   /**
    * A deliver_sm or data_sm of the default message type (esm_class bits 5-2 = 0) read as a receipt, for SMSCs that
    * do not flag their receipts (decision 118): it is one when it carries receipted_message_id, which only receipts
    * carry (SMPP 3.4 5.3.2.12), or when its text is a receipt strictly: it starts with {@code id:}, and has a
    * {@code done date:} that reads as a date and a {@code stat:} word that names a state. A handset's "id: 5 stat: ok"
    * is none. Empty when it is an MO; most MO are known as such from their first octets, without a copy.
    */
   static Optional<SmscReceipt> readByContent(byte[] shortMessage, Tlvs tlvs, ReceiptIdFormat format) {
      boolean tlv = tlvs.contains(TlvTag.RECEIPTED_MESSAGE_ID);
      if (!tlv && !startsWithId(shortMessage)) {
         return Optional.empty();
      }
      String raw = shortMessage.length == 0 ? null : new String(shortMessage, StandardCharsets.ISO_8859_1);
      DeliveryReceipt text = raw == null ? null : DeliveryReceipt.parse(raw).orElse(null);
      if (tlv) {
         String id = tlvs.getCString(TlvTag.RECEIPTED_MESSAGE_ID);
         if (id != null && !id.isEmpty()) {
            return read(0, text, tlvs, format);
         }
      }
      if (text == null || text.doneDate() == null
          || (text.state() == DeliveryState.UNKNOWN && !statSaysUnknown(raw))) {
         return Optional.empty();
      }
      return read(0, text, tlvs, format);
   }

   /** Whether the text starts with "id:" (any case, after spaces), as every Appendix B receipt does. */
   private static boolean startsWithId(byte[] text) {
      int i = 0;
      while (i < text.length && text[i] == ' ') {
         i++;
      }
      return text.length - i >= 3 && (text[i] | 0x20) == 'i' && (text[i + 1] | 0x20) == 'd' && text[i + 2] == ':';
   }

   /**
    * Whether the {@code stat:} word is UNKNOWN itself: the parser also gives UNKNOWN for words it cannot read, which
    * must not make a receipt of an MO.
    */
   private static boolean statSaysUnknown(String text) {
      int at = indexOfIgnoreCase(text, "stat:");
      if (at < 0) {
         return false;
      }
      int from = at + 5;
      while (from < text.length() && text.charAt(from) == ' ') {
         from++;
      }
      int to = from + "UNKNOWN".length();
      return text.regionMatches(true, from, "UNKNOWN", 0, 7) && (to == text.length() || text.charAt(to) == ' ');
   }

   private static int indexOfIgnoreCase(String text, String word) {
      for (int i = 0; i + word.length() <= text.length(); i++) {
         if (text.regionMatches(true, i, word, 0, word.length())) {
            return i;
         }
      }
      return -1;
   }

   private static Optional<SmscReceipt> read(int esmClass, DeliveryReceipt text, Tlvs tlvs, ReceiptIdFormat format) {
      // receipted_message_id is the id of submit_sm_resp itself (SMPP 3.4 5.3.2.12), so it is keyed as that id;
      // only the receipt text may write it in another base.
      String given = tlvs.getCString(TlvTag.RECEIPTED_MESSAGE_ID);
      String id;
      if (given != null && !given.isEmpty()) {
         id = ReceiptIds.fromResponse(given, format);
      } else if (text != null && text.id() != null && !text.id().isEmpty()) {
         given = text.id();
         id = ReceiptIds.fromReceipt(given, format);
      } else {
         return Optional.empty();
      }
      // as-given keys became tolerant (decision 124): a record stored before is under the id as the SMSC wrote it
      String legacyKey = format == ReceiptIdFormat.AS_GIVEN && !id.equals(given) ? given : null;
      int messageState = tlvs.getU8(TlvTag.MESSAGE_STATE);
      DeliveryState state = messageState > 0 ? DeliveryState.fromMessageState(messageState)
         : text != null ? text.state() : DeliveryState.UNKNOWN;
      if ((esmClass & 0x3C) == INTERMEDIATE_NOTIFICATION && state.isFinal()) {
         // An intermediate notification never ends an MT: a final or unknown state word in one (some SMSCs write their
         // own, such as "PENDING", which reads as UNKNOWN) would end tracking, and the real receipt after it would then
         // match nothing.
         state = DeliveryState.ENROUTE;
      }
      String error = text != null && text.error() != null ? text.error() : "000";
      byte[] network = tlvs.getBytes(TlvTag.NETWORK_ERROR_CODE);
      if (network != null && network.length == 3) {
         int code = ((network[1] & 0xFF) << 8) | (network[2] & 0xFF);
         if (code != 0) {
            error = String.format("%03d", code);
         }
      }
      return Optional.of(new SmscReceipt(id, state, error, text == null ? null : text.doneDate(), legacyKey));
   }
}
