package io.smsgw.smpp.codec;

/**
 * A complete frame whose content could not be decoded. It carries what could be read from the
 * header (command_id, command_status and sequence_number; 0 where the frame was too short), the
 * {@code errorStatus} to answer with, and a human-readable reason.
 *
 * <p>Error statuses: truncated body, C-string without NUL, a field beyond the frame or a
 * command_length that disagrees with the frame → ESME_RINVCMDLEN; sm_length larger than the
 * remaining bytes → ESME_RINVMSGLEN; a TLV header or value beyond the frame →
 * ESME_RINVOPTPARSTREAM; an unknown command_id → ESME_RINVCMDID. What to send back (generic_nack
 * or the command's own *_resp) is the session's decision; {@link #genericNack()} builds the former.
 *
 * <p>A MalformedPdu cannot be encoded.
 */
public record MalformedPdu(int commandId, int commandStatus, int sequenceNumber, int errorStatus, String reason)
        implements SmppPdu {

    public MalformedPdu {
        reason = Fields.str(reason);
    }

    /** Whether the broken frame claimed to be a response (then nothing should be answered). */
    public boolean isResponse() {
        return SmppCommandId.isResponse(commandId);
    }

    /** A generic_nack with this frame's sequence number and {@link #errorStatus()}. */
    public GenericNack genericNack() {
        return new GenericNack(sequenceNumber, errorStatus);
    }
}
