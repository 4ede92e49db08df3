package io.smsgw.cmpp.codec;

/** A request whose response carries a result (or status) field, so it can be refused with a {@link CmppResult} code. */
public sealed interface CmppRefusableRequest extends CmppRequest
        permits Connect, Submit, Deliver, Cancel, Fwd, MtRoute, MoRoute, GetMtRoute, GetMoRoute, MtRouteUpdate,
        MoRouteUpdate, PushMtRouteUpdate, PushMoRouteUpdate {

    /**
     * The response refusing this request with {@code result}; its other fields are empty/zero
     * except those the spec says to copy from the request (Msg_Id of DELIVER, Pk fields of FWD).
     */
    CmppResponse errorResponse(int result);
}
