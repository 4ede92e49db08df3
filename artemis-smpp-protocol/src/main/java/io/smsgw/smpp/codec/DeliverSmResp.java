package io.smsgw.smpp.codec;

/** deliver_sm_resp: message_id (always empty per spec, C65 accepted) plus TLVs (kept for leniency). */
public record DeliverSmResp(int sequenceNumber, int commandStatus, String messageId, Tlvs tlvs)
        implements SmppResponse {

    public DeliverSmResp {
        messageId = Fields.str(messageId);
        tlvs = Fields.tlvs(tlvs);
    }

    @Override
    public int commandId() {
        return SmppCommandId.DELIVER_SM_RESP;
    }
}
