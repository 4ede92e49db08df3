package io.smsgw.cmpp.codec;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * CMPP_SUBMIT (SP to ISMG). Field order and widths (2.0 / 3.0): Msg_Id u64, Pk_total, Pk_number,
 * Registered_Delivery, Msg_level (u8 each), Service_Id os10, Fee_UserType u8, Fee_terminal_Id
 * os21 / os32, Fee_terminal_type u8 (3.0 only), TP_pId, TP_udhi, Msg_Fmt (u8 each), Msg_src os6,
 * FeeType os2, FeeCode os6, ValId_Time os17, At_Time os17, Src_Id os21, DestUsr_tl u8,
 * Dest_terminal_Id os21 / os32 per recipient, Dest_terminal_type u8 (3.0 only), Msg_Length u8,
 * Msg_Content, then Reserve os8 (2.0) or LinkID os20 (3.0).
 *
 * <p>{@code feeTerminalType}, {@code destTerminalType} and {@code linkId} are written only in 3.0,
 * {@code reserve} only in 2.0. The SP's Msg_Id is meaningless (the gateway assigns one in
 * SUBMIT_RESP) and is kept only for fidelity.
 */
public record Submit(int sequenceId, long msgId, int pkTotal, int pkNumber, int registeredDelivery, int msgLevel,
                     String serviceId, int feeUserType, String feeTerminalId, int feeTerminalType, int tpPid,
                     int tpUdhi, int msgFmt, String msgSrc, String feeType, String feeCode, String valIdTime,
                     String atTime, String srcId, List<String> destTerminalIds, int destTerminalType,
                     byte[] msgContent, String linkId, String reserve) implements CmppRefusableRequest {

    /** The spec's limit on DestUsr_tl ("fewer than 100"); the codec itself accepts up to 255. */
    public static final int MAX_DEST_TERMINALS = 99;

    public Submit {
        serviceId = Fields.str(serviceId);
        feeTerminalId = Fields.str(feeTerminalId);
        msgSrc = Fields.str(msgSrc);
        feeType = Fields.str(feeType);
        feeCode = Fields.str(feeCode);
        valIdTime = Fields.str(valIdTime);
        atTime = Fields.str(atTime);
        srcId = Fields.str(srcId);
        destTerminalIds = Fields.list(destTerminalIds);
        msgContent = Fields.bytes(msgContent);
        linkId = Fields.str(linkId);
        reserve = Fields.str(reserve);
    }

    @Override
    public int commandId() {
        return CmppCommandId.SUBMIT;
    }

    /** Whether Msg_Content starts with a User Data Header (TP_udhi 1, or 0x40 as some peers send). */
    public boolean hasUdh() {
        return Fields.udhi(tpUdhi);
    }

    /** The SUBMIT_RESP carrying the gateway-assigned {@code msgId}. */
    public SubmitResp response(long msgId, int result) {
        return new SubmitResp(sequenceId, msgId, result);
    }

    /** A refusal with Msg_Id 0. */
    @Override
    public SubmitResp errorResponse(int result) {
        return response(0L, result);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Submit other
                && sequenceId == other.sequenceId
                && msgId == other.msgId
                && pkTotal == other.pkTotal
                && pkNumber == other.pkNumber
                && registeredDelivery == other.registeredDelivery
                && msgLevel == other.msgLevel
                && serviceId.equals(other.serviceId)
                && feeUserType == other.feeUserType
                && feeTerminalId.equals(other.feeTerminalId)
                && feeTerminalType == other.feeTerminalType
                && tpPid == other.tpPid
                && tpUdhi == other.tpUdhi
                && msgFmt == other.msgFmt
                && msgSrc.equals(other.msgSrc)
                && feeType.equals(other.feeType)
                && feeCode.equals(other.feeCode)
                && valIdTime.equals(other.valIdTime)
                && atTime.equals(other.atTime)
                && srcId.equals(other.srcId)
                && destTerminalIds.equals(other.destTerminalIds)
                && destTerminalType == other.destTerminalType
                && Arrays.equals(msgContent, other.msgContent)
                && linkId.equals(other.linkId)
                && reserve.equals(other.reserve);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(sequenceId, msgId, pkTotal, pkNumber, registeredDelivery, msgLevel, serviceId,
                feeUserType, feeTerminalId, feeTerminalType, tpPid, tpUdhi, msgFmt, msgSrc, feeType, feeCode, valIdTime,
                atTime, srcId, destTerminalIds, destTerminalType, linkId, reserve) + Arrays.hashCode(msgContent);
    }

    @Override
    public String toString() {
        return "Submit[sequenceId=" + sequenceId + ", msgId=" + Hex.msgId(msgId) + ", pkTotal=" + pkTotal
                + ", pkNumber=" + pkNumber + ", registeredDelivery=" + registeredDelivery + ", msgLevel=" + msgLevel
                + ", serviceId=" + serviceId + ", feeUserType=" + feeUserType + ", feeTerminalId=" + feeTerminalId
                + ", feeTerminalType=" + feeTerminalType + ", tpPid=" + tpPid + ", tpUdhi=" + tpUdhi
                + ", msgFmt=" + msgFmt + ", msgSrc=" + msgSrc + ", feeType=" + feeType + ", feeCode=" + feeCode
                + ", valIdTime=" + valIdTime + ", atTime=" + atTime + ", srcId=" + srcId
                + ", destTerminalIds=" + destTerminalIds + ", destTerminalType=" + destTerminalType
                + ", msgContent=" + Hex.of(msgContent) + ", linkId=" + linkId + ", reserve=" + reserve + "]";
    }
}
