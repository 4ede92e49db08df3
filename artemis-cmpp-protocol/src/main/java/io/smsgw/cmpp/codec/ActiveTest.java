package io.smsgw.cmpp.codec;

/** CMPP_ACTIVE_TEST (header only): link keep-alive probe. */
public record ActiveTest(int sequenceId) implements CmppRequest {

    @Override
    public int commandId() {
        return CmppCommandId.ACTIVE_TEST;
    }

    /** The CMPP_ACTIVE_TEST_RESP (Reserved 0). */
    public ActiveTestResp response() {
        return new ActiveTestResp(sequenceId, 0);
    }
}
