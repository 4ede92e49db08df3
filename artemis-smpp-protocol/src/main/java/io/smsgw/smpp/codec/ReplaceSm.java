package io.smsgw.smpp.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * replace_sm: message_id C65, source address (C21), schedule_delivery_time C17,
 * validity_period C17, registered_delivery, sm_default_msg_id, sm_length + short_message.
 * The short_message array is owned by the record; equality compares its content.
 */
public record ReplaceSm(int sequenceNumber, String messageId, Address sourceAddr, String scheduleDeliveryTime,
                        String validityPeriod, int registeredDelivery, int smDefaultMsgId, byte[] shortMessage)
        implements SmppRequest {

    public ReplaceSm {
        messageId = Fields.str(messageId);
        sourceAddr = Fields.address(sourceAddr);
        scheduleDeliveryTime = Fields.str(scheduleDeliveryTime);
        validityPeriod = Fields.str(validityPeriod);
        shortMessage = Fields.bytes(shortMessage);
    }

    @Override
    public int commandId() {
        return SmppCommandId.REPLACE_SM;
    }

    public ReplaceSmResp response(int status) {
        return new ReplaceSmResp(sequenceNumber, status);
    }

    @Override
    public ReplaceSmResp errorResponse(int status) {
        return response(status);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplaceSm other
                && sequenceNumber == other.sequenceNumber
                && messageId.equals(other.messageId)
                && sourceAddr.equals(other.sourceAddr)
                && scheduleDeliveryTime.equals(other.scheduleDeliveryTime)
                && validityPeriod.equals(other.validityPeriod)
                && registeredDelivery == other.registeredDelivery
                && smDefaultMsgId == other.smDefaultMsgId
                && Arrays.equals(shortMessage, other.shortMessage);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(sequenceNumber, messageId, sourceAddr, scheduleDeliveryTime, validityPeriod,
                registeredDelivery, smDefaultMsgId) + Arrays.hashCode(shortMessage);
    }

    @Override
    public String toString() {
        return "ReplaceSm[sequenceNumber=" + sequenceNumber + ", messageId=" + messageId + ", sourceAddr="
                + sourceAddr + ", scheduleDeliveryTime=" + scheduleDeliveryTime + ", validityPeriod="
                + validityPeriod + ", registeredDelivery=" + registeredDelivery + ", smDefaultMsgId="
                + smDefaultMsgId + ", shortMessage=" + Hex.of(shortMessage) + "]";
    }
}
