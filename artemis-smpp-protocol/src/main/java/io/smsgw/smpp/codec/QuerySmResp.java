package io.smsgw.smpp.codec;

/** query_sm_resp: message_id C65, final_date C17, message_state 1, error_code 1. */
public record QuerySmResp(int sequenceNumber, int commandStatus, String messageId, String finalDate,
                          int messageState, int errorCode) implements SmppResponse {

    public QuerySmResp {
        messageId = Fields.str(messageId);
        finalDate = Fields.str(finalDate);
    }

    @Override
    public int commandId() {
        return SmppCommandId.QUERY_SM_RESP;
    }
}
