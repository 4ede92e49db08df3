package io.smsgw.smpp.codec;

/**
 * data_sm_resp (3.4): message_id C65 plus TLVs (delivery_failure_reason, network_error_code,
 * additional_status_info_text, dpf_result).
 */
public record DataSmResp(int sequenceNumber, int commandStatus, String messageId, Tlvs tlvs)
        implements SmppResponse {

    public DataSmResp {
        messageId = Fields.str(messageId);
        tlvs = Fields.tlvs(tlvs);
    }

    @Override
    public int commandId() {
        return SmppCommandId.DATA_SM_RESP;
    }
}
