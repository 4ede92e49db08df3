package io.smsgw.cmpp.codec;

/** CMPP_PUSH_MO_ROUTE_UPDATE_RESP: Result u8. */
public record PushMoRouteUpdateResp(int sequenceId, int result) implements CmppResponse {

    @Override
    public int commandId() {
        return CmppCommandId.PUSH_MO_ROUTE_UPDATE_RESP;
    }
}
