package io.smsgw.smpp.codec;

import java.util.List;

/**
 * submit_multi_resp: message_id C65, no_unsuccess (derived from the list size, at most 255),
 * the unsuccessful deliveries, TLVs (kept for leniency).
 */
public record SubmitMultiResp(int sequenceNumber, int commandStatus, String messageId,
                              List<UnsuccessfulDelivery> unsuccessSmes, Tlvs tlvs) implements SmppResponse {

    public SubmitMultiResp {
        messageId = Fields.str(messageId);
        unsuccessSmes = Fields.list(unsuccessSmes);
        tlvs = Fields.tlvs(tlvs);
    }

    @Override
    public int commandId() {
        return SmppCommandId.SUBMIT_MULTI_RESP;
    }
}
