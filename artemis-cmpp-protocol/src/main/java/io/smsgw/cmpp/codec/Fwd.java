package io.smsgw.cmpp.codec;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * CMPP_FWD (ISMG to ISMG). Field order and widths (2.0 / 3.0): Source_Id os6, Destination_Id os6,
 * NodesCount u8, Msg_Fwd_Type u8, Msg_Id u64, Pk_total, Pk_number, Registered_Delivery, Msg_level
 * (u8 each), Service_Id os10, Fee_UserType u8, Fee_terminal_Id os21, Fee_terminal_Pseudo os32
 * (3.0), Fee_terminal_UserType u8 (3.0), TP_pid, TP_udhi, Msg_Fmt (u8 each), Msg_src os6, FeeType
 * os2, FeeCode os6, Valid_Time os17, At_Time os17, Src_Id os21, Src_Pseudo os32 (3.0),
 * Src_UserType u8 (3.0), Src_type u8 (3.0), DestUsr_tl u8, Dest_Id os21 per recipient, Dest_Pseudo
 * os32 (3.0), Dest_UserType u8 (3.0), Msg_Length u8, Msg_Content, then Reserve os8 (2.0) or LinkID
 * os20 (3.0).
 *
 * <p>Unlike SUBMIT, FWD keeps 21-octet numbers in 3.0 and adds separate pseudo-number fields. The
 * fields marked 3.0 and {@code linkId} are written only in 3.0, {@code reserve} only in 2.0.
 * Source_Id and Destination_Id are written left-aligned and NUL-padded (6-digit gateway codes
 * fill them).
 */
public record Fwd(int sequenceId, String sourceId, String destinationId, int nodesCount, int msgFwdType, long msgId,
                  int pkTotal, int pkNumber, int registeredDelivery, int msgLevel, String serviceId, int feeUserType,
                  String feeTerminalId, String feeTerminalPseudo, int feeTerminalUserType, int tpPid, int tpUdhi,
                  int msgFmt, String msgSrc, String feeType, String feeCode, String validTime, String atTime,
                  String srcId, String srcPseudo, int srcUserType, int srcType, List<String> destIds,
                  String destPseudo, int destUserType, byte[] msgContent, String linkId, String reserve)
        implements CmppRefusableRequest {

    /** Msg_Fwd_Type: an MT message. */
    public static final int TYPE_MT = 0;
    /** Msg_Fwd_Type: an MO message. */
    public static final int TYPE_MO = 1;
    /** Msg_Fwd_Type: the status report of an MT (Msg_Content laid out as a {@link StatusReport}). */
    public static final int TYPE_MT_REPORT = 2;
    /** Msg_Fwd_Type: the status report of an MO. */
    public static final int TYPE_MO_REPORT = 3;

    public Fwd {
        sourceId = Fields.str(sourceId);
        destinationId = Fields.str(destinationId);
        serviceId = Fields.str(serviceId);
        feeTerminalId = Fields.str(feeTerminalId);
        feeTerminalPseudo = Fields.str(feeTerminalPseudo);
        msgSrc = Fields.str(msgSrc);
        feeType = Fields.str(feeType);
        feeCode = Fields.str(feeCode);
        validTime = Fields.str(validTime);
        atTime = Fields.str(atTime);
        srcId = Fields.str(srcId);
        srcPseudo = Fields.str(srcPseudo);
        destIds = Fields.list(destIds);
        destPseudo = Fields.str(destPseudo);
        msgContent = Fields.bytes(msgContent);
        linkId = Fields.str(linkId);
        reserve = Fields.str(reserve);
    }

    @Override
    public int commandId() {
        return CmppCommandId.FWD;
    }

    /** Whether Msg_Content starts with a User Data Header (TP_udhi 1, or 0x40 as some peers send). */
    public boolean hasUdh() {
        return Fields.udhi(tpUdhi);
    }

    /** The same FWD with another Sequence_Id (a part sent for the first time, or again after a reconnect). */
    public Fwd withSequenceId(int sequence) {
        return sequence == sequenceId ? this : new Fwd(sequence, sourceId, destinationId, nodesCount, msgFwdType, msgId,
                pkTotal, pkNumber, registeredDelivery, msgLevel, serviceId, feeUserType, feeTerminalId, feeTerminalPseudo,
                feeTerminalUserType, tpPid, tpUdhi, msgFmt, msgSrc, feeType, feeCode, validTime, atTime, srcId, srcPseudo,
                srcUserType, srcType, destIds, destPseudo, destUserType, msgContent, linkId, reserve);
    }

    /** The FWD_RESP (it repeats Msg_Id, Pk_total and Pk_number). */
    public FwdResp response(int result) {
        return new FwdResp(sequenceId, msgId, pkTotal, pkNumber, result);
    }

    @Override
    public FwdResp errorResponse(int result) {
        return response(result);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fwd other
                && sequenceId == other.sequenceId
                && sourceId.equals(other.sourceId)
                && destinationId.equals(other.destinationId)
                && nodesCount == other.nodesCount
                && msgFwdType == other.msgFwdType
                && msgId == other.msgId
                && pkTotal == other.pkTotal
                && pkNumber == other.pkNumber
                && registeredDelivery == other.registeredDelivery
                && msgLevel == other.msgLevel
                && serviceId.equals(other.serviceId)
                && feeUserType == other.feeUserType
                && feeTerminalId.equals(other.feeTerminalId)
                && feeTerminalPseudo.equals(other.feeTerminalPseudo)
                && feeTerminalUserType == other.feeTerminalUserType
                && tpPid == other.tpPid
                && tpUdhi == other.tpUdhi
                && msgFmt == other.msgFmt
                && msgSrc.equals(other.msgSrc)
                && feeType.equals(other.feeType)
                && feeCode.equals(other.feeCode)
                && validTime.equals(other.validTime)
                && atTime.equals(other.atTime)
                && srcId.equals(other.srcId)
                && srcPseudo.equals(other.srcPseudo)
                && srcUserType == other.srcUserType
                && srcType == other.srcType
                && destIds.equals(other.destIds)
                && destPseudo.equals(other.destPseudo)
                && destUserType == other.destUserType
                && Arrays.equals(msgContent, other.msgContent)
                && linkId.equals(other.linkId)
                && reserve.equals(other.reserve);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(sequenceId, sourceId, destinationId, nodesCount, msgFwdType, msgId, pkTotal, pkNumber,
                registeredDelivery, msgLevel, serviceId, feeUserType, feeTerminalId, feeTerminalPseudo,
                feeTerminalUserType, tpPid, tpUdhi, msgFmt, msgSrc, feeType, feeCode, validTime, atTime, srcId,
                srcPseudo, srcUserType, srcType, destIds, destPseudo, destUserType, linkId, reserve)
                + Arrays.hashCode(msgContent);
    }

    @Override
    public String toString() {
        return "Fwd[sequenceId=" + sequenceId + ", sourceId=" + sourceId + ", destinationId=" + destinationId
                + ", nodesCount=" + nodesCount + ", msgFwdType=" + msgFwdType + ", msgId=" + Hex.msgId(msgId)
                + ", pkTotal=" + pkTotal + ", pkNumber=" + pkNumber + ", registeredDelivery=" + registeredDelivery
                + ", msgLevel=" + msgLevel + ", serviceId=" + serviceId + ", feeUserType=" + feeUserType
                + ", feeTerminalId=" + feeTerminalId + ", feeTerminalPseudo=" + feeTerminalPseudo
                + ", feeTerminalUserType=" + feeTerminalUserType + ", tpPid=" + tpPid + ", tpUdhi=" + tpUdhi
                + ", msgFmt=" + msgFmt + ", msgSrc=" + msgSrc + ", feeType=" + feeType + ", feeCode=" + feeCode
                + ", validTime=" + validTime + ", atTime=" + atTime + ", srcId=" + srcId + ", srcPseudo=" + srcPseudo
                + ", srcUserType=" + srcUserType + ", srcType=" + srcType + ", destIds=" + destIds
                + ", destPseudo=" + destPseudo + ", destUserType=" + destUserType + ", msgContent="
                + Hex.of(msgContent) + ", linkId=" + linkId + ", reserve=" + reserve + "]";
    }
}
