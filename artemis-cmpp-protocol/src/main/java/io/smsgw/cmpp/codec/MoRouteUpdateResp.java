package io.smsgw.cmpp.codec;

/** CMPP_MO_ROUTE_UPDATE_RESP: Result u8, Route_Id u32, Time_stamp os14. */
public record MoRouteUpdateResp(int sequenceId, int result, long routeId, String timeStamp) implements CmppResponse {

    public MoRouteUpdateResp {
        timeStamp = Fields.str(timeStamp);
    }

    @Override
    public int commandId() {
        return CmppCommandId.MO_ROUTE_UPDATE_RESP;
    }
}
