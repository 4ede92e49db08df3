package io.smsgw.cmpp.codec;

/**
 * CMPP_PUSH_MO_ROUTE_UPDATE (GNS to ISMG): the fields of {@link MoRouteUpdate} followed by
 * Time_stamp os14.
 */
public record PushMoRouteUpdate(int sequenceId, int updateType, long routeId, String destinationId, String gatewayIp,
                                int gatewayPort, String spId, String spCode, int spAccessType, String serviceId,
                                long startCode, long endCode, String timeStamp) implements CmppRefusableRequest {

    public PushMoRouteUpdate {
        destinationId = Fields.str(destinationId);
        gatewayIp = Fields.str(gatewayIp);
        spId = Fields.str(spId);
        spCode = Fields.str(spCode);
        serviceId = Fields.str(serviceId);
        timeStamp = Fields.str(timeStamp);
    }

    @Override
    public int commandId() {
        return CmppCommandId.PUSH_MO_ROUTE_UPDATE;
    }

    /** The response. */
    public PushMoRouteUpdateResp response(int result) {
        return new PushMoRouteUpdateResp(sequenceId, result);
    }

    @Override
    public PushMoRouteUpdateResp errorResponse(int result) {
        return response(result);
    }
}
