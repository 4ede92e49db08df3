package io.smsgw.smpp.codec;

/**
 * A PDU that starts an exchange. Requests always carry command_status 0 on the wire; a non-zero
 * status received in a request is not kept.
 */
public sealed interface SmppRequest extends SmppPdu
        permits BindRequest, Outbind, Unbind, EnquireLink, ShortMessagePdu, DataSm, QuerySm, CancelSm, ReplaceSm,
        SubmitMulti, AlertNotification, ParamRetrieve, QueryLastMsgs, QueryMsgDetails {

    @Override
    default int commandStatus() {
        return SmppStatus.ESME_ROK;
    }

    /**
     * The response to send when refusing this request with {@code status}: the matching *_resp
     * with empty fields, or a generic_nack for requests that have no response of their own
     * (outbind, alert_notification).
     */
    SmppResponse errorResponse(int status);
}
