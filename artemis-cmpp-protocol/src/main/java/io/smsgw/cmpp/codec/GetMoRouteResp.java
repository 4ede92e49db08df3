package io.smsgw.cmpp.codec;

/**
 * CMPP_GET_MO_ROUTE_RESP: one route of the download. Route_Id u32, Destination_Id os6, Gateway_IP
 * os15, Gateway_port u16, SP_Id os6, SP_Code os21, SP_AcessType u8, Service_Id os10, Start_code u32,
 * End_code u32, Result u8, Route_total u32, Route_number u32, Time_stamp os14.
 */
public record GetMoRouteResp(int sequenceId, long routeId, String destinationId, String gatewayIp, int gatewayPort,
                             String spId, String spCode, int spAccessType, String serviceId, long startCode,
                             long endCode, int result, long routeTotal, long routeNumber, String timeStamp)
        implements CmppResponse {

    public GetMoRouteResp {
        destinationId = Fields.str(destinationId);
        gatewayIp = Fields.str(gatewayIp);
        spId = Fields.str(spId);
        spCode = Fields.str(spCode);
        serviceId = Fields.str(serviceId);
        timeStamp = Fields.str(timeStamp);
    }

    @Override
    public int commandId() {
        return CmppCommandId.GET_MO_ROUTE_RESP;
    }
}
