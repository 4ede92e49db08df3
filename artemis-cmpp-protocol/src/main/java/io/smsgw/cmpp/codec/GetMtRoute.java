package io.smsgw.cmpp.codec;

/**
 * CMPP_GET_MT_ROUTE (ISMG to GNS, bulk route download): Source_Id os6, Route_type os4 ("MT"),
 * Last_route_Id as a signed int32 ({@link #FIRST} on the first request, then the last Route_Id
 * received).
 */
public record GetMtRoute(int sequenceId, String sourceId, String routeType, int lastRouteId)
        implements CmppRefusableRequest {

    /** Last_route_Id of the first request. */
    public static final int FIRST = -1;

    public GetMtRoute {
        sourceId = Fields.str(sourceId);
        routeType = Fields.str(routeType);
    }

    @Override
    public int commandId() {
        return CmppCommandId.GET_MT_ROUTE;
    }

    /** A response with {@code result} and every route field empty/zero. */
    @Override
    public GetMtRouteResp errorResponse(int result) {
        return refusal(sequenceId, result);
    }

    static GetMtRouteResp refusal(int sequenceId, int result) {
        return new GetMtRouteResp(sequenceId, 0L, "", "", 0, "", "", "", result, 0, 0L, 0L, "");
    }
}
