package io.smsgw.smpp.codec;

import java.util.List;

/**
 * query_last_msgs (SMPP 3.3 only): source address (ton 1, npi 1, addr C21) whose most recent
 * messages are wanted, then num_messages 1 (the spec allows 1..100; not enforced by the codec).
 */
public record QueryLastMsgs(int sequenceNumber, Address sourceAddr, int numMessages) implements SmppRequest {

    public QueryLastMsgs {
        sourceAddr = Fields.address(sourceAddr);
    }

    @Override
    public int commandId() {
        return SmppCommandId.QUERY_LAST_MSGS;
    }

    public QueryLastMsgsResp response(int status, List<String> messageIds) {
        return new QueryLastMsgsResp(sequenceNumber, status, messageIds);
    }

    @Override
    public QueryLastMsgsResp errorResponse(int status) {
        return response(status, List.of());
    }
}
