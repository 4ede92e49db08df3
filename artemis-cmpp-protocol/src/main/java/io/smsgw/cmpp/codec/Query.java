package io.smsgw.cmpp.codec;

/**
 * CMPP_QUERY (same in both versions): Time os8 "YYYYMMDD", Query_Type u8 (0 totals, 1 by
 * Service_Id), Query_Code os10 (the Service_Id when Query_Type is 1), Reserve os8.
 */
public record Query(int sequenceId, String time, int queryType, String queryCode, String reserve)
        implements CmppRequest {

    public static final int TYPE_TOTAL = 0;
    public static final int TYPE_BY_SERVICE = 1;

    public Query {
        time = Fields.str(time);
        queryCode = Fields.str(queryCode);
        reserve = Fields.str(reserve);
    }

    @Override
    public int commandId() {
        return CmppCommandId.QUERY;
    }
}
