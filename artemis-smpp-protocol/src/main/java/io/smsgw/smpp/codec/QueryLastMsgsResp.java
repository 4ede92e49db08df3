package io.smsgw.smpp.codec;

import java.util.List;

/**
 * query_last_msgs_resp (SMPP 3.3 only): number_msgs 1 (derived from the list size, at most 255)
 * followed by that many message_id C9 strings.
 */
public record QueryLastMsgsResp(int sequenceNumber, int commandStatus, List<String> messageIds)
        implements SmppResponse {

    public QueryLastMsgsResp {
        messageIds = Fields.list(messageIds);
    }

    @Override
    public int commandId() {
        return SmppCommandId.QUERY_LAST_MSGS_RESP;
    }
}
