package io.smsgw.cmpp.codec;

import java.util.Objects;
import java.util.Optional;

/**
 * A complete frame whose content could not be decoded. It carries what could be read from the
 * header (Command_Id and Sequence_Id; 0 where the frame was too short), the {@link Kind} of
 * defect and a human-readable reason. A MalformedCmppPdu cannot be encoded.
 */
public record MalformedCmppPdu(int commandId, int sequenceId, String reason, Kind kind) implements CmppPdu {

    /** What is wrong with the frame. */
    public enum Kind {
        /**
         * The frame is shorter than the header or than its Command_Id's fixed fields, or
         * Total_Length disagrees with the frame.
         */
        TRUNCATED,
        /**
         * A SUBMIT, DELIVER or FWD whose count and length fields (DestUsr_tl, Msg_Length) disagree with
         * Total_Length: the body is shorter or longer than they make it, so its later fields cannot be
         * told apart (e.g. Msg_Length 5 followed by 10 octets of content, or another version's layout).
         */
        LENGTH_MISMATCH,
        /** The Command_Id is not one CMPP 2.0/3.0 defines. */
        UNKNOWN_COMMAND
    }

    public MalformedCmppPdu {
        reason = Fields.str(reason);
        Objects.requireNonNull(kind, "kind");
    }

    /** Whether the broken frame claimed to be a response (then nothing should be answered). */
    public boolean isResponse() {
        return CmppCommandId.isResponse(commandId);
    }

    /**
     * The Result a refusal of this frame carries: 4 (message length error) when its length fields disagree
     * with Total_Length, 1 (structure error) otherwise.
     */
    public int refusalResult() {
        return kind == Kind.LENGTH_MISMATCH ? CmppResult.MESSAGE_LENGTH_ERROR : CmppResult.STRUCTURE_ERROR;
    }

    /**
     * The response refusing this frame with {@code result}, for request ids whose response
     * carries a result (SUBMIT, DELIVER, CANCEL, FWD, CONNECT and the GNS requests); empty for
     * responses, unknown ids and requests without a result field. A refused CONNECT gets version
     * byte 0x30 (the highest this codec supports) and an all-zero AuthenticatorISMG.
     */
    public Optional<CmppResponse> errorResponse(int result) {
        switch (commandId) {
            case CmppCommandId.CONNECT:
                return Optional.of(Connect.refusal(sequenceId, result));
            case CmppCommandId.SUBMIT:
                return Optional.of(new SubmitResp(sequenceId, 0L, result));
            case CmppCommandId.DELIVER:
                return Optional.of(new DeliverResp(sequenceId, 0L, result));
            case CmppCommandId.CANCEL:
                return Optional.of(new CancelResp(sequenceId, result));
            case CmppCommandId.FWD:
                return Optional.of(new FwdResp(sequenceId, 0L, 0, 0, result));
            case CmppCommandId.MT_ROUTE:
                return Optional.of(MtRoute.refusal(sequenceId, result));
            case CmppCommandId.MO_ROUTE:
                return Optional.of(MoRoute.refusal(sequenceId, result));
            case CmppCommandId.GET_MT_ROUTE:
                return Optional.of(GetMtRoute.refusal(sequenceId, result));
            case CmppCommandId.GET_MO_ROUTE:
                return Optional.of(GetMoRoute.refusal(sequenceId, result));
            case CmppCommandId.MT_ROUTE_UPDATE:
                return Optional.of(new MtRouteUpdateResp(sequenceId, result, 0L, ""));
            case CmppCommandId.MO_ROUTE_UPDATE:
                return Optional.of(new MoRouteUpdateResp(sequenceId, result, 0L, ""));
            case CmppCommandId.PUSH_MT_ROUTE_UPDATE:
                return Optional.of(new PushMtRouteUpdateResp(sequenceId, result));
            case CmppCommandId.PUSH_MO_ROUTE_UPDATE:
                return Optional.of(new PushMoRouteUpdateResp(sequenceId, result));
            default:
                return Optional.empty();
        }
    }
}
