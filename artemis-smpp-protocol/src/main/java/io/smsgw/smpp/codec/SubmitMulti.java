package io.smsgw.smpp.codec;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * submit_multi: service_type C6, source address (C21), number_of_dests (1..254) followed by the
 * destinations, then esm_class ... short_message as in submit_sm, TLVs. The short_message array
 * is owned by the record; equality compares its content.
 */
public record SubmitMulti(int sequenceNumber, String serviceType, Address sourceAddr,
                          List<DestinationAddress> destinations, int esmClass, int protocolId, int priorityFlag,
                          String scheduleDeliveryTime, String validityPeriod, int registeredDelivery,
                          int replaceIfPresentFlag, int dataCoding, int smDefaultMsgId, byte[] shortMessage,
                          Tlvs tlvs) implements SmppRequest {

    /** Most destinations number_of_dests may announce. */
    public static final int MAX_DESTINATIONS = 254;

    public SubmitMulti {
        serviceType = Fields.str(serviceType);
        sourceAddr = Fields.address(sourceAddr);
        destinations = Fields.list(destinations);
        scheduleDeliveryTime = Fields.str(scheduleDeliveryTime);
        validityPeriod = Fields.str(validityPeriod);
        shortMessage = Fields.bytes(shortMessage);
        tlvs = Fields.tlvs(tlvs);
    }

    @Override
    public int commandId() {
        return SmppCommandId.SUBMIT_MULTI;
    }

    /** The submit_multi_resp listing the destinations that were refused. */
    public SubmitMultiResp response(int status, String messageId, List<UnsuccessfulDelivery> unsuccessSmes) {
        return new SubmitMultiResp(sequenceNumber, status, messageId, unsuccessSmes, Tlvs.EMPTY);
    }

    @Override
    public SubmitMultiResp errorResponse(int status) {
        return response(status, "", List.of());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubmitMulti other
                && sequenceNumber == other.sequenceNumber
                && serviceType.equals(other.serviceType)
                && sourceAddr.equals(other.sourceAddr)
                && destinations.equals(other.destinations)
                && esmClass == other.esmClass
                && protocolId == other.protocolId
                && priorityFlag == other.priorityFlag
                && scheduleDeliveryTime.equals(other.scheduleDeliveryTime)
                && validityPeriod.equals(other.validityPeriod)
                && registeredDelivery == other.registeredDelivery
                && replaceIfPresentFlag == other.replaceIfPresentFlag
                && dataCoding == other.dataCoding
                && smDefaultMsgId == other.smDefaultMsgId
                && Arrays.equals(shortMessage, other.shortMessage)
                && tlvs.equals(other.tlvs);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(sequenceNumber, serviceType, sourceAddr, destinations, esmClass, protocolId,
                priorityFlag, scheduleDeliveryTime, validityPeriod, registeredDelivery, replaceIfPresentFlag,
                dataCoding, smDefaultMsgId, tlvs) + Arrays.hashCode(shortMessage);
    }

    @Override
    public String toString() {
        return "SubmitMulti[sequenceNumber=" + sequenceNumber + ", serviceType=" + serviceType + ", sourceAddr="
                + sourceAddr + ", destinations=" + destinations + ", esmClass=0x" + Integer.toHexString(esmClass)
                + ", protocolId=" + protocolId + ", priorityFlag=" + priorityFlag + ", scheduleDeliveryTime="
                + scheduleDeliveryTime + ", validityPeriod=" + validityPeriod + ", registeredDelivery="
                + registeredDelivery + ", replaceIfPresentFlag=" + replaceIfPresentFlag + ", dataCoding=0x"
                + Integer.toHexString(dataCoding) + ", smDefaultMsgId=" + smDefaultMsgId + ", shortMessage="
                + Hex.of(shortMessage) + ", tlvs=" + tlvs + "]";
    }
}
