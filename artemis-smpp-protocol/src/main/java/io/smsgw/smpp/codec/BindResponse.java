package io.smsgw.smpp.codec;

/**
 * bind_*_resp: system_id C16 plus TLVs (3.4 SMSCs add sc_interface_version). An error response
 * received with an empty body decodes with an empty system_id.
 */
public record BindResponse(int sequenceNumber, int commandStatus, BindType bindType, String systemId, Tlvs tlvs)
        implements SmppResponse {

    public BindResponse {
        bindType = Fields.bindType(bindType);
        systemId = Fields.str(systemId);
        tlvs = Fields.tlvs(tlvs);
    }

    @Override
    public int commandId() {
        return bindType.responseId();
    }
}
