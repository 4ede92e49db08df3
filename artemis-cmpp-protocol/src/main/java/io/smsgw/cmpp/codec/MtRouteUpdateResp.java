package io.smsgw.cmpp.codec;

/** CMPP_MT_ROUTE_UPDATE_RESP: Result u8, Route_Id u32, Time_stamp os14 (when GNS received the request). */
public record MtRouteUpdateResp(int sequenceId, int result, long routeId, String timeStamp) implements CmppResponse {

    public MtRouteUpdateResp {
        timeStamp = Fields.str(timeStamp);
    }

    @Override
    public int commandId() {
        return CmppCommandId.MT_ROUTE_UPDATE_RESP;
    }
}
