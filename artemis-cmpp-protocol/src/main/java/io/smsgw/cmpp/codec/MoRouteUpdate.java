package io.smsgw.cmpp.codec;

/**
 * CMPP_MO_ROUTE_UPDATE (ISMG to GNS): Update_type u8 ({@link RouteUpdateType}), Route_Id u32,
 * Destination_Id os6, Gateway_IP os15, Gateway_port u16, SP_Id os6, SP_Code os21, SP_AcessType u8,
 * Service_Id os10, Start_code u32, End_code u32.
 */
public record MoRouteUpdate(int sequenceId, int updateType, long routeId, String destinationId, String gatewayIp,
                            int gatewayPort, String spId, String spCode, int spAccessType, String serviceId,
                            long startCode, long endCode) implements CmppRefusableRequest {

    public MoRouteUpdate {
        destinationId = Fields.str(destinationId);
        gatewayIp = Fields.str(gatewayIp);
        spId = Fields.str(spId);
        spCode = Fields.str(spCode);
        serviceId = Fields.str(serviceId);
    }

    @Override
    public int commandId() {
        return CmppCommandId.MO_ROUTE_UPDATE;
    }

    /** The response: {@code routeId} is the new id on add, the request's on update/delete. */
    public MoRouteUpdateResp response(int result, long routeId, String timeStamp) {
        return new MoRouteUpdateResp(sequenceId, result, routeId, timeStamp);
    }

    @Override
    public MoRouteUpdateResp errorResponse(int result) {
        return response(result, routeId, "");
    }
}
