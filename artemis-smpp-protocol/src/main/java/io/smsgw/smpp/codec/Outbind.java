package io.smsgw.smpp.codec;

/** outbind (3.4, SMSC to ESME): system_id C16, password C9. Has no response PDU. */
public record Outbind(int sequenceNumber, String systemId, String password) implements SmppRequest {

    public Outbind {
        systemId = Fields.str(systemId);
        password = Fields.str(password);
    }

    @Override
    public int commandId() {
        return SmppCommandId.OUTBIND;
    }

    /** Outbind has no response of its own; a refusal is a generic_nack. */
    @Override
    public GenericNack errorResponse(int status) {
        return new GenericNack(sequenceNumber, status);
    }

    /** Without the password, as {@link BindRequest#toString()}. */
    @Override
    public String toString() {
        return "Outbind[sequenceNumber=" + sequenceNumber + ", systemId=" + systemId + ", password="
                + Fields.masked(password) + "]";
    }
}
