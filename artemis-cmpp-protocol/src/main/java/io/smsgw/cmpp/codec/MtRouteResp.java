package io.smsgw.cmpp.codec;

/**
 * CMPP_MT_ROUTE_RESP: Route_Id u32, Destination_Id os6, Gateway_IP os15, Gateway_port u16,
 * Start_Id os9, End_Id os9, Area_code os4, Result u8 (GNS codes in {@link CmppResult}), User_type u8
 * (0 GoTone, 1 Shenzhouxing, 2 M-Zone), Time_stamp os14 "yyyymmddhhmmss".
 */
public record MtRouteResp(int sequenceId, long routeId, String destinationId, String gatewayIp, int gatewayPort,
                          String startId, String endId, String areaCode, int result, int userType, String timeStamp)
        implements CmppResponse {

    public MtRouteResp {
        destinationId = Fields.str(destinationId);
        gatewayIp = Fields.str(gatewayIp);
        startId = Fields.str(startId);
        endId = Fields.str(endId);
        areaCode = Fields.str(areaCode);
        timeStamp = Fields.str(timeStamp);
    }

    @Override
    public int commandId() {
        return CmppCommandId.MT_ROUTE_RESP;
    }
}
