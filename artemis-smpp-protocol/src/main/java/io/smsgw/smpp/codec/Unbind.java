package io.smsgw.smpp.codec;

/** unbind (header only). */
public record Unbind(int sequenceNumber) implements SmppRequest {

    @Override
    public int commandId() {
        return SmppCommandId.UNBIND;
    }

    /** The successful unbind_resp. */
    public UnbindResp response() {
        return new UnbindResp(sequenceNumber, SmppStatus.ESME_ROK);
    }

    @Override
    public UnbindResp errorResponse(int status) {
        return new UnbindResp(sequenceNumber, status);
    }
}
