package io.smsgw.cmpp.codec;

/**
 * CMPP_SUBMIT_RESP: the gateway-assigned Msg_Id (for a group send, the first of n consecutive
 * ids) and Result (1 octet in 2.0, 4 in 3.0; codes in {@link CmppResult}). When decoding, a body
 * of exactly 9 or 12 octets selects the result width whatever the connection's version.
 */
public record SubmitResp(int sequenceId, long msgId, int result) implements CmppResponse {

    @Override
    public int commandId() {
        return CmppCommandId.SUBMIT_RESP;
    }

    /** Whether Result is 0. */
    public boolean isOk() {
        return result == CmppResult.OK;
    }

    @Override
    public String toString() {
        return "SubmitResp[sequenceId=" + sequenceId + ", msgId=" + Hex.msgId(msgId) + ", result=" + result + "]";
    }
}
