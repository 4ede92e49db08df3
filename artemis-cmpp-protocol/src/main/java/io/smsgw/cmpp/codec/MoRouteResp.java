package io.smsgw.cmpp.codec;

/**
 * CMPP_MO_ROUTE_RESP: Route_Id u32, Destination_Id os6, Gateway_IP os15, Gateway_port u16, SP_Id
 * os6, SP_Code os21, SP_AcessType u8 (0 primary access point, 1 mirror), Start_code u32, End_code
 * u32, Result u8, Time_stamp os14.
 */
public record MoRouteResp(int sequenceId, long routeId, String destinationId, String gatewayIp, int gatewayPort,
                          String spId, String spCode, int spAccessType, long startCode, long endCode, int result,
                          String timeStamp) implements CmppResponse {

    public MoRouteResp {
        destinationId = Fields.str(destinationId);
        gatewayIp = Fields.str(gatewayIp);
        spId = Fields.str(spId);
        spCode = Fields.str(spCode);
        timeStamp = Fields.str(timeStamp);
    }

    @Override
    public int commandId() {
        return CmppCommandId.MO_ROUTE_RESP;
    }
}
