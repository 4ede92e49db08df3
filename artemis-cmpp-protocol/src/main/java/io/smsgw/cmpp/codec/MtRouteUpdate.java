package io.smsgw.cmpp.codec;

/**
 * CMPP_MT_ROUTE_UPDATE (ISMG to GNS): Update_type u8 ({@link RouteUpdateType}), Route_Id u32 (0
 * when adding), Destination_Id os6, Gateway_IP os15, Gateway_port u16, Start_Id os9, End_Id os9,
 * Area_code os4, User_type u8.
 */
public record MtRouteUpdate(int sequenceId, int updateType, long routeId, String destinationId, String gatewayIp,
                            int gatewayPort, String startId, String endId, String areaCode, int userType)
        implements CmppRefusableRequest {

    public MtRouteUpdate {
        destinationId = Fields.str(destinationId);
        gatewayIp = Fields.str(gatewayIp);
        startId = Fields.str(startId);
        endId = Fields.str(endId);
        areaCode = Fields.str(areaCode);
    }

    @Override
    public int commandId() {
        return CmppCommandId.MT_ROUTE_UPDATE;
    }

    /**
     * The response: {@code routeId} is the new id on add, the request's on update/delete;
     * {@code timeStamp} is when GNS received the request.
     */
    public MtRouteUpdateResp response(int result, long routeId, String timeStamp) {
        return new MtRouteUpdateResp(sequenceId, result, routeId, timeStamp);
    }

    @Override
    public MtRouteUpdateResp errorResponse(int result) {
        return response(result, routeId, "");
    }
}
