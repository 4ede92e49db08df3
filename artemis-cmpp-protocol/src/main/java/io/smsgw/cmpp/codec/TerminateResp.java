package io.smsgw.cmpp.codec;

/** CMPP_TERMINATE_RESP (header only). */
public record TerminateResp(int sequenceId) implements CmppResponse {

    @Override
    public int commandId() {
        return CmppCommandId.TERMINATE_RESP;
    }
}
