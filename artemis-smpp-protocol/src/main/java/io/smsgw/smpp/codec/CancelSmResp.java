package io.smsgw.smpp.codec;

/** cancel_sm_resp (header only). */
public record CancelSmResp(int sequenceNumber, int commandStatus) implements SmppResponse {

    @Override
    public int commandId() {
        return SmppCommandId.CANCEL_SM_RESP;
    }
}
