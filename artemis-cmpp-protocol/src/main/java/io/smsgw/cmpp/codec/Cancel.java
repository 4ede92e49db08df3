package io.smsgw.cmpp.codec;

/** CMPP_CANCEL: Msg_Id of the message to cancel (same in both versions). */
public record Cancel(int sequenceId, long msgId) implements CmppRefusableRequest {

    @Override
    public int commandId() {
        return CmppCommandId.CANCEL;
    }

    /** The CANCEL_RESP with {@code successId}: {@link CmppResult#CANCEL_SUCCESS} or {@code CANCEL_FAILURE}. */
    public CancelResp response(int successId) {
        return new CancelResp(sequenceId, successId);
    }

    @Override
    public CancelResp errorResponse(int result) {
        return response(result);
    }

    @Override
    public String toString() {
        return "Cancel[sequenceId=" + sequenceId + ", msgId=" + Hex.msgId(msgId) + "]";
    }
}
