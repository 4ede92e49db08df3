package io.smsgw.cmpp.codec;

/** CMPP_TERMINATE (header only): the sender is closing the connection. */
public record Terminate(int sequenceId) implements CmppRequest {

    @Override
    public int commandId() {
        return CmppCommandId.TERMINATE;
    }

    /** The CMPP_TERMINATE_RESP. */
    public TerminateResp response() {
        return new TerminateResp(sequenceId);
    }
}
