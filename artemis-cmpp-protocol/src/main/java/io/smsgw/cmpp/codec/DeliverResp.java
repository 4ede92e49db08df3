package io.smsgw.cmpp.codec;

/**
 * CMPP_DELIVER_RESP: the DELIVER's Msg_Id and Result (1 octet in 2.0, 4 in 3.0). When decoding, a
 * body of exactly 9 or 12 octets selects the result width whatever the connection's version.
 */
public record DeliverResp(int sequenceId, long msgId, int result) implements CmppResponse {

    @Override
    public int commandId() {
        return CmppCommandId.DELIVER_RESP;
    }

    /** Whether Result is 0. */
    public boolean isOk() {
        return result == CmppResult.OK;
    }

    @Override
    public String toString() {
        return "DeliverResp[sequenceId=" + sequenceId + ", msgId=" + Hex.msgId(msgId) + ", result=" + result + "]";
    }
}
