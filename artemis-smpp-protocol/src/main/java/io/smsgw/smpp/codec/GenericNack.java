package io.smsgw.smpp.codec;

/** generic_nack: header-only negative answer to a PDU that could not be understood. */
public record GenericNack(int sequenceNumber, int commandStatus) implements SmppResponse {

    @Override
    public int commandId() {
        return SmppCommandId.GENERIC_NACK;
    }
}
