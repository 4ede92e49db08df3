package io.smsgw.cmpp.codec;

/** A PDU that answers a request (same Sequence_Id). */
public sealed interface CmppResponse extends CmppPdu
        permits ConnectResp, TerminateResp, ActiveTestResp, SubmitResp, DeliverResp, QueryResp, CancelResp, FwdResp,
        MtRouteResp, MoRouteResp, GetMtRouteResp, GetMoRouteResp, MtRouteUpdateResp, MoRouteUpdateResp,
        PushMtRouteUpdateResp, PushMoRouteUpdateResp {
}
