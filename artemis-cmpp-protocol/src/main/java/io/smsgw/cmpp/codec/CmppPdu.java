package io.smsgw.cmpp.codec;

/**
 * One decoded CMPP 2.0/3.0 PDU. Every PDU type is an immutable record; requests implement
 * {@link CmppRequest}, responses {@link CmppResponse}, and a frame that could not be decoded is a
 * {@link MalformedCmppPdu}. The wire layout of several types depends on the connection's
 * {@link CmppVersion}; a record holds the union of both versions' fields, and a field that the
 * encoding version lacks is ignored (and decodes as 0 / "").
 *
 * <p>String fields never hold {@code null} (constructors turn it into ""), byte arrays never hold
 * {@code null} (they become empty) and lists are immutable. Byte arrays are not copied: do not
 * modify them after construction.
 */
public sealed interface CmppPdu permits CmppRequest, CmppResponse, MalformedCmppPdu {

    /** The header's Command_Id. */
    int commandId();

    /** The header's Sequence_Id; a response repeats its request's. */
    int sequenceId();

    /** Spec name of the command, e.g. "CMPP_SUBMIT". */
    default String commandName() {
        return CmppCommandId.name(commandId());
    }
}
