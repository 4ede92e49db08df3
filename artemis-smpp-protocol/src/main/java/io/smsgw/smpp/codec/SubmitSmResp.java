package io.smsgw.smpp.codec;

/**
 * submit_sm_resp: message_id (C65 in 3.4, C9 in 3.3) plus TLVs (none in 3.4, kept for
 * leniency). An error response received with an empty body decodes with an empty message_id.
 */
public record SubmitSmResp(int sequenceNumber, int commandStatus, String messageId, Tlvs tlvs)
        implements SmppResponse {

    public SubmitSmResp {
        messageId = Fields.str(messageId);
        tlvs = Fields.tlvs(tlvs);
    }

    @Override
    public int commandId() {
        return SmppCommandId.SUBMIT_SM_RESP;
    }
}
