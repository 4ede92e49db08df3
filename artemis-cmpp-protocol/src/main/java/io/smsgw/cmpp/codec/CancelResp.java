package io.smsgw.cmpp.codec;

/**
 * CMPP_CANCEL_RESP: Success_Id, 0 success / 1 failure (1 octet in 2.0, 4 in 3.0). When decoding,
 * a body of exactly 1 or 4 octets selects the width whatever the connection's version.
 */
public record CancelResp(int sequenceId, int successId) implements CmppResponse {

    @Override
    public int commandId() {
        return CmppCommandId.CANCEL_RESP;
    }

    /** Whether Success_Id is 0. */
    public boolean isOk() {
        return successId == CmppResult.CANCEL_SUCCESS;
    }
}
