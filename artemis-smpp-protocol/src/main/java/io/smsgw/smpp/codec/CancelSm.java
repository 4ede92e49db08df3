package io.smsgw.smpp.codec;

/**
 * cancel_sm: service_type C6, message_id C65, source address (C21), destination address (C21).
 * An empty message_id cancels every message matching the addresses and service type.
 */
public record CancelSm(int sequenceNumber, String serviceType, String messageId, Address sourceAddr,
                       Address destinationAddr) implements SmppRequest {

    public CancelSm {
        serviceType = Fields.str(serviceType);
        messageId = Fields.str(messageId);
        sourceAddr = Fields.address(sourceAddr);
        destinationAddr = Fields.address(destinationAddr);
    }

    @Override
    public int commandId() {
        return SmppCommandId.CANCEL_SM;
    }

    public CancelSmResp response(int status) {
        return new CancelSmResp(sequenceNumber, status);
    }

    @Override
    public CancelSmResp errorResponse(int status) {
        return response(status);
    }
}
