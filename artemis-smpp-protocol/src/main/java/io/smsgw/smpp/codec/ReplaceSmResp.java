package io.smsgw.smpp.codec;

/** replace_sm_resp (header only). */
public record ReplaceSmResp(int sequenceNumber, int commandStatus) implements SmppResponse {

    @Override
    public int commandId() {
        return SmppCommandId.REPLACE_SM_RESP;
    }
}
