package io.smsgw.smpp.codec;

/**
 * One decoded SMPP 3.3/3.4 PDU. Every PDU type is an immutable record; requests implement
 * {@link SmppRequest}, responses {@link SmppResponse}, and a frame that could not be decoded
 * is a {@link MalformedPdu}.
 *
 * <p>String fields never hold {@code null} (record constructors turn {@code null} into "");
 * TLV fields never hold {@code null} (they become {@link Tlvs#EMPTY}).
 */
public sealed interface SmppPdu permits SmppRequest, SmppResponse, MalformedPdu {

    /** The header's command_id. */
    int commandId();

    /** The header's command_status (always 0 for requests). */
    int commandStatus();

    /** The header's sequence_number. */
    int sequenceNumber();

    /** Spec name of the command, e.g. "submit_sm". */
    default String commandName() {
        return SmppCommandId.name(commandId());
    }
}
