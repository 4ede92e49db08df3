package io.smsgw.smpp.codec;

/**
 * deliver_sm (SMSC to ESME; MO messages and delivery receipts). Layout in {@link ShortMessagePdu};
 * schedule_delivery_time, validity_period, replace_if_present_flag and sm_default_msg_id should be
 * empty/0.
 */
public record DeliverSm(int sequenceNumber, String serviceType, Address sourceAddr, Address destinationAddr,
                        int esmClass, int protocolId, int priorityFlag, String scheduleDeliveryTime,
                        String validityPeriod, int registeredDelivery, int replaceIfPresentFlag, int dataCoding,
                        int smDefaultMsgId, byte[] shortMessage, Tlvs tlvs) implements ShortMessagePdu {

    public DeliverSm {
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
        return SmppCommandId.DELIVER_SM;
    }

    /** The deliver_sm_resp (its message_id is always empty). */
    public DeliverSmResp response(int status) {
        return new DeliverSmResp(sequenceNumber, status, "", Tlvs.EMPTY);
    }

    @Override
    public DeliverSmResp errorResponse(int status) {
        return response(status);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeliverSm other && ShortMessageFields.equal(this, other);
    }

    @Override
    public int hashCode() {
        return ShortMessageFields.hash(this);
    }

    @Override
    public String toString() {
        return ShortMessageFields.toString("DeliverSm", this);
    }
}
