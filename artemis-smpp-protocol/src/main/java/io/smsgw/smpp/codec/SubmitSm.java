package io.smsgw.smpp.codec;

/**
 * submit_sm (ESME to SMSC). Layout in {@link ShortMessagePdu}.
 */
public record SubmitSm(int sequenceNumber, String serviceType, Address sourceAddr, Address destinationAddr,
                       int esmClass, int protocolId, int priorityFlag, String scheduleDeliveryTime,
                       String validityPeriod, int registeredDelivery, int replaceIfPresentFlag, int dataCoding,
                       int smDefaultMsgId, byte[] shortMessage, Tlvs tlvs) implements ShortMessagePdu {

    public SubmitSm {
        serviceType = Fields.str(serviceType);
        sourceAddr = Fields.address(sourceAddr);
        destinationAddr = Fields.address(destinationAddr);
        scheduleDeliveryTime = Fields.str(scheduleDeliveryTime);
        validityPeriod = Fields.str(validityPeriod);
        shortMessage = Fields.bytes(shortMessage);
        tlvs = Fields.tlvs(tlvs);
    }

    @Override
    public int commandId() {
        return SmppCommandId.SUBMIT_SM;
    }

    /** The submit_sm_resp carrying the SMSC-assigned {@code messageId} (empty on error). */
    public SubmitSmResp response(int status, String messageId) {
        return new SubmitSmResp(sequenceNumber, status, messageId, Tlvs.EMPTY);
    }

    @Override
    public SubmitSmResp errorResponse(int status) {
        return response(status, "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubmitSm other && ShortMessageFields.equal(this, other);
    }

    @Override
    public int hashCode() {
        return ShortMessageFields.hash(this);
    }

    @Override
    public String toString() {
        return ShortMessageFields.toString("SubmitSm", this);
    }
}
