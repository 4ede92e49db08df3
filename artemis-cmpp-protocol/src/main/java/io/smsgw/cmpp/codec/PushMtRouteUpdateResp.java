package io.smsgw.cmpp.codec;

/** CMPP_PUSH_MT_ROUTE_UPDATE_RESP: Result u8. */
public record PushMtRouteUpdateResp(int sequenceId, int result) implements CmppResponse {

    @Override
    public int commandId() {
        return CmppCommandId.PUSH_MT_ROUTE_UPDATE_RESP;
    }
}
