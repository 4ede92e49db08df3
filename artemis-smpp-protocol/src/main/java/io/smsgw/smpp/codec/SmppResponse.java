package io.smsgw.smpp.codec;

/** A PDU that answers a request (same sequence_number); generic_nack included. */
public sealed interface SmppResponse extends SmppPdu
        permits GenericNack, BindResponse, UnbindResp, EnquireLinkResp, SubmitSmResp, DeliverSmResp, DataSmResp,
        QuerySmResp, CancelSmResp, ReplaceSmResp, SubmitMultiResp, ParamRetrieveResp, QueryLastMsgsResp,
        QueryMsgDetailsResp {

    /** Whether command_status is ESME_ROK. */
    default boolean isOk() {
        return commandStatus() == SmppStatus.ESME_ROK;
    }
}
