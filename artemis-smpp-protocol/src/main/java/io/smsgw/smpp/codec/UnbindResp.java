package io.smsgw.smpp.codec;

/** unbind_resp (header only). */
public record UnbindResp(int sequenceNumber, int commandStatus) implements SmppResponse {

    @Override
    public int commandId() {
        return SmppCommandId.UNBIND_RESP;
    }
}
