package io.smsgw.cmpp.codec;

/**
 * CMPP_FWD_RESP: Msg_Id, Pk_total, Pk_number (copied from the FWD) and Result (1 octet in 2.0, 4
 * in 3.0; 9 = wrong forwarding decision). When decoding, a body of exactly 11 or 14 octets selects
 * the result width whatever the connection's version.
 */
public record FwdResp(int sequenceId, long msgId, int pkTotal, int pkNumber, int result) implements CmppResponse {

    @Override
    public int commandId() {
        return CmppCommandId.FWD_RESP;
    }

    /** Whether Result is 0. */
    public boolean isOk() {
        return result == CmppResult.OK;
    }

    @Override
    public String toString() {
        return "FwdResp[sequenceId=" + sequenceId + ", msgId=" + Hex.msgId(msgId) + ", pkTotal=" + pkTotal
                + ", pkNumber=" + pkNumber + ", result=" + result + "]";
    }
}
