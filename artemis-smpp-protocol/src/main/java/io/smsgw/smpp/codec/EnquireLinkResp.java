package io.smsgw.smpp.codec;

/** enquire_link_resp (header only). */
public record EnquireLinkResp(int sequenceNumber, int commandStatus) implements SmppResponse {

    @Override
    public int commandId() {
        return SmppCommandId.ENQUIRE_LINK_RESP;
    }
}
