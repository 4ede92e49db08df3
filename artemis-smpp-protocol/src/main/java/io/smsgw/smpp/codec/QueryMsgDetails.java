package io.smsgw.smpp.codec;

import java.util.List;

/**
 * query_msg_details (SMPP 3.3 only): original message_id C9, originating address (ton 1, npi 1,
 * addr C21), sm_length 1 = how many octets of the stored short_message to return (spec: 0..160).
 */
public record QueryMsgDetails(int sequenceNumber, String messageId, Address sourceAddr, int smLength)
        implements SmppRequest {

    public QueryMsgDetails {
        messageId = Fields.str(messageId);
        sourceAddr = Fields.address(sourceAddr);
    }

    @Override
    public int commandId() {
        return SmppCommandId.QUERY_MSG_DETAILS;
    }

    @Override
    public QueryMsgDetailsResp errorResponse(int status) {
        return new QueryMsgDetailsResp(sequenceNumber, status, "", Address.EMPTY, List.of(), 0, 0, "", "", 0, 0,
                Fields.NO_BYTES, messageId, "", 0, 0);
    }
}
