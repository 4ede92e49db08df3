package io.smsgw.cmpp.codec;

/**
 * CMPP_MO_ROUTE (ISMG to GNS): which gateway serves SP_Code (os21). Source_Id os6 is the asking
 * ISMG; Service_Id os10 and Service_Code u32 are carried but unused by GNS routing.
 */
public record MoRoute(int sequenceId, String sourceId, String spCode, String serviceId, long serviceCode)
        implements CmppRefusableRequest {

    public MoRoute {
        sourceId = Fields.str(sourceId);
        spCode = Fields.str(spCode);
        serviceId = Fields.str(serviceId);
    }

    @Override
    public int commandId() {
        return CmppCommandId.MO_ROUTE;
    }

    /** A response with {@code result} and every route field empty/zero. */
    @Override
    public MoRouteResp errorResponse(int result) {
        return refusal(sequenceId, result);
    }

    static MoRouteResp refusal(int sequenceId, int result) {
        return new MoRouteResp(sequenceId, 0L, "", "", 0, "", "", 0, 0L, 0L, result, "");
    }
}
