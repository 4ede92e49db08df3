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
 */
record SmscReceipt(String smscMessageId, DeliveryState state, String error, LocalDateTime doneDate) {

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
      // receipted_message_id is the id of submit_sm_resp itself (SMPP 3.4 5.3.2.12), so it is keyed as that id;
      // only the receipt text may write it in another base.
      String id = tlvs.getCString(TlvTag.RECEIPTED_MESSAGE_ID);
      if (id != null && !id.isEmpty()) {
         id = ReceiptIds.fromResponse(id, format);
      } else if (text != null && text.id() != null && !text.id().isEmpty()) {
         id = ReceiptIds.fromReceipt(text.id(), format);
      } else {
         return Optional.empty();
      }
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
      return Optional.of(new SmscReceipt(id, state, error, text == null ? null : text.doneDate()));
   }
}
