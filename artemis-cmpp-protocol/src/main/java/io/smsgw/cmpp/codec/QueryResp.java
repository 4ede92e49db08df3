package io.smsgw.cmpp.codec;

/**
 * CMPP_QUERY_RESP (same in both versions): the query's Time, Query_Type and Query_Code, then
 * eight u32 counters: MT_TLMsg (messages received from the SP), MT_Tlusr (users), MT_Scs
 * (forwarded successfully), MT_WT (waiting), MT_FL (failed), MO_Scs, MO_WT, MO_FL.
 */
public record QueryResp(int sequenceId, String time, int queryType, String queryCode, long mtTlMsg, long mtTlUsr,
                        long mtScs, long mtWt, long mtFl, long moScs, long moWt, long moFl) implements CmppResponse {

    public QueryResp {
        time = Fields.str(time);
        queryCode = Fields.str(queryCode);
    }

    @Override
    public int commandId() {
        return CmppCommandId.QUERY_RESP;
    }
}
