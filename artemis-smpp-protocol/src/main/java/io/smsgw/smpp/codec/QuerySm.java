package io.smsgw.smpp.codec;

/** query_sm: message_id C65, source address (C21). */
public record QuerySm(int sequenceNumber, String messageId, Address sourceAddr) implements SmppRequest {

    public QuerySm {
        messageId = Fields.str(messageId);
        sourceAddr = Fields.address(sourceAddr);
    }

    @Override
    public int commandId() {
        return SmppCommandId.QUERY_SM;
    }

    /** The query_sm_resp for this message id; messageState uses the message_state values (2 = DELIVERED). */
    public QuerySmResp response(int status, String finalDate, int messageState, int errorCode) {
        return new QuerySmResp(sequenceNumber, status, messageId, finalDate, messageState, errorCode);
    }

    @Override
    public QuerySmResp errorResponse(int status) {
        return response(status, "", 0, 0);
    }
}
