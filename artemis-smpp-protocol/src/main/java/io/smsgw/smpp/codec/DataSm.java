package io.smsgw.smpp.codec;

/**
 * data_sm (3.4): service_type C6, source address (C65), destination address (C65), esm_class,
 * registered_delivery, data_coding, TLVs (the payload travels in message_payload).
 */
public record DataSm(int sequenceNumber, String serviceType, Address sourceAddr, Address destinationAddr,
                     int esmClass, int registeredDelivery, int dataCoding, Tlvs tlvs) implements SmppRequest {

    public DataSm {
        serviceType = Fields.str(serviceType);
        sourceAddr = Fields.address(sourceAddr);
        destinationAddr = Fields.address(destinationAddr);
        tlvs = Fields.tlvs(tlvs);
    }

    @Override
    public int commandId() {
        return SmppCommandId.DATA_SM;
    }

    public DataSmResp response(int status, String messageId, Tlvs tlvs) {
        return new DataSmResp(sequenceNumber, status, messageId, tlvs);
    }

    public DataSmResp response(int status, String messageId) {
        return response(status, messageId, Tlvs.EMPTY);
    }

    @Override
    public DataSmResp errorResponse(int status) {
        return response(status, "", Tlvs.EMPTY);
    }
}
