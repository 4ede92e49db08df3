package io.smsgw.cmpp.codec;

/** A PDU that starts an exchange; the peer answers with the matching *_RESP and the same Sequence_Id. */
public sealed interface CmppRequest extends CmppPdu permits CmppRefusableRequest, Terminate, ActiveTest, Query {
}
