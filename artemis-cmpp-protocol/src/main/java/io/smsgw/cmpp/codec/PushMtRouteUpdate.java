package io.smsgw.cmpp.codec;

/**
 * CMPP_PUSH_MT_ROUTE_UPDATE (GNS to ISMG): the fields of {@link MtRouteUpdate} followed by
 * Time_stamp os14; an ISMG refuses a push older than its cached route with
 * {@link CmppResult#GNS_TIMESTAMP_OUTDATED}.
 */
public record PushMtRouteUpdate(int sequenceId, int updateType, long routeId, String destinationId, String gatewayIp,
                                int gatewayPort, String startId, String endId, String areaCode, int userType,
                                String timeStamp) implements CmppRefusableRequest {

    public PushMtRouteUpdate {
        destinationId = Fields.str(destinationId);
        gatewayIp = Fields.str(gatewayIp);
        startId = Fields.str(startId);
        endId = Fields.str(endId);
        areaCode = Fields.str(areaCode);
        timeStamp = Fields.str(timeStamp);
    }

    @Override
    public int commandId() {
        return CmppCommandId.PUSH_MT_ROUTE_UPDATE;
    }

    /** The response. */
    public PushMtRouteUpdateResp response(int result) {
        return new PushMtRouteUpdateResp(sequenceId, result);
    }

    @Override
    public PushMtRouteUpdateResp errorResponse(int result) {
        return response(result);
    }
}
