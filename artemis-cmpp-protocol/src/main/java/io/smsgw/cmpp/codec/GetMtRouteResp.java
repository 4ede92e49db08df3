package io.smsgw.cmpp.codec;

/**
 * CMPP_GET_MT_ROUTE_RESP: one route of the download. Route_Id u32, Destination_Id os6, Gateway_IP
 * os15, Gateway_port u16, Start_Id os9, End_Id os9, Area_code os4, Result u8, User_type u8,
 * Route_total u32, Route_number u32 (from 1), Time_stamp os14.
 */
public record GetMtRouteResp(int sequenceId, long routeId, String destinationId, String gatewayIp, int gatewayPort,
                             String startId, String endId, String areaCode, int result, int userType, long routeTotal,
                             long routeNumber, String timeStamp) implements CmppResponse {

    public GetMtRouteResp {
        destinationId = Fields.str(destinationId);
        gatewayIp = Fields.str(gatewayIp);
        startId = Fields.str(startId);
        endId = Fields.str(endId);
        areaCode = Fields.str(areaCode);
        timeStamp = Fields.str(timeStamp);
    }

    @Override
    public int commandId() {
        return CmppCommandId.GET_MT_ROUTE_RESP;
    }
}
