package io.smsgw.cmpp.codec;

/**
 * CMPP_GET_MO_ROUTE (ISMG to GNS, bulk route download): Source_Id os6, Route_type os4 ("MO"),
 * Last_route_Id as a signed int32 ({@link GetMtRoute#FIRST} on the first request).
 */
public record GetMoRoute(int sequenceId, String sourceId, String routeType, int lastRouteId)
        implements CmppRefusableRequest {

    public GetMoRoute {
        sourceId = Fields.str(sourceId);
        routeType = Fields.str(routeType);
    }

    @Override
    public int commandId() {
        return CmppCommandId.GET_MO_ROUTE;
    }

    /** A response with {@code result} and every route field empty/zero. */
    @Override
    public GetMoRouteResp errorResponse(int result) {
        return refusal(sequenceId, result);
    }

    static GetMoRouteResp refusal(int sequenceId, int result) {
        return new GetMoRouteResp(sequenceId, 0L, "", "", 0, "", "", 0, "", 0L, 0L, result, 0L, 0L, "");
    }
}
