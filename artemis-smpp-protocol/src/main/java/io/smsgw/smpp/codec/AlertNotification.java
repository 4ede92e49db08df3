package io.smsgw.smpp.codec;

/**
 * alert_notification (3.4, SMSC to ESME): source address (C65), ESME address (C65), TLVs
 * (ms_availability_status). Has no response PDU.
 */
public record AlertNotification(int sequenceNumber, Address sourceAddr, Address esmeAddr, Tlvs tlvs)
        implements SmppRequest {

    public AlertNotification {
        sourceAddr = Fields.address(sourceAddr);
        esmeAddr = Fields.address(esmeAddr);
        tlvs = Fields.tlvs(tlvs);
    }

    @Override
    public int commandId() {
        return SmppCommandId.ALERT_NOTIFICATION;
    }

    /** alert_notification has no response of its own; a refusal is a generic_nack. */
    @Override
    public GenericNack errorResponse(int status) {
        return new GenericNack(sequenceNumber, status);
    }
}
