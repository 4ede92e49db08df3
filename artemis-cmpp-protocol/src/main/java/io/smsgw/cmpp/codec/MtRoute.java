package io.smsgw.cmpp.codec;

/** CMPP_MT_ROUTE (ISMG to GNS): which gateway serves MSISDN Terminal_Id (os21); Source_Id (os6) is the asking ISMG. */
public record MtRoute(int sequenceId, String sourceId, String terminalId) implements CmppRefusableRequest {

    public MtRoute {
        sourceId = Fields.str(sourceId);
        terminalId = Fields.str(terminalId);
    }

    @Override
    public int commandId() {
        return CmppCommandId.MT_ROUTE;
    }

    /** A response with {@code result} and every route field empty/zero. */
    @Override
    public MtRouteResp errorResponse(int result) {
        return refusal(sequenceId, result);
    }

    static MtRouteResp refusal(int sequenceId, int result) {
        return new MtRouteResp(sequenceId, 0L, "", "", 0, "", "", "", result, 0, "");
    }
}
