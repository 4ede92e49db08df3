package io.smsgw.smpp.codec;

/** enquire_link (header only). */
public record EnquireLink(int sequenceNumber) implements SmppRequest {

    @Override
    public int commandId() {
        return SmppCommandId.ENQUIRE_LINK;
    }

    /** The successful enquire_link_resp. */
    public EnquireLinkResp response() {
        return new EnquireLinkResp(sequenceNumber, SmppStatus.ESME_ROK);
    }

    @Override
    public EnquireLinkResp errorResponse(int status) {
        return new EnquireLinkResp(sequenceNumber, status);
    }
}
