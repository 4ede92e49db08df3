package io.smsgw.smpp.codec;

/** The three SMPP bind flavours with their request and response command ids. */
public enum BindType {
    TRANSMITTER(SmppCommandId.BIND_TRANSMITTER),
    RECEIVER(SmppCommandId.BIND_RECEIVER),
    /** SMPP 3.4 only. */
    TRANSCEIVER(SmppCommandId.BIND_TRANSCEIVER);

    private final int requestId;

    BindType(int requestId) {
        this.requestId = requestId;
    }

    public int requestId() {
        return requestId;
    }

    public int responseId() {
        return SmppCommandId.responseIdOf(requestId);
    }

    /** Whether a session bound this way may submit (transmitter, transceiver). */
    public boolean canTransmit() {
        return this != RECEIVER;
    }

    /** Whether a session bound this way may receive deliver_sm (receiver, transceiver). */
    public boolean canReceive() {
        return this != TRANSMITTER;
    }

    /** The bind type for a bind request or response id, or {@code null} if it is not a bind id. */
    public static BindType ofCommandId(int commandId) {
        switch (commandId & ~SmppCommandId.RESPONSE_BIT) {
            case SmppCommandId.BIND_TRANSMITTER: return TRANSMITTER;
            case SmppCommandId.BIND_RECEIVER: return RECEIVER;
            case SmppCommandId.BIND_TRANSCEIVER: return TRANSCEIVER;
            default: return null;
        }
    }
}
