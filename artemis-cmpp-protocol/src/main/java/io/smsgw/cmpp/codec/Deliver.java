package io.smsgw.cmpp.codec;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * CMPP_DELIVER (ISMG to SP): an MO message, or a status report when Registered_Delivery is 1.
 * Field order and widths (2.0 / 3.0): Msg_Id u64, Dest_Id os21, Service_Id os10, TP_pid, TP_udhi,
 * Msg_Fmt (u8 each), Src_terminal_Id os21 / os32, Src_terminal_type u8 (3.0 only),
 * Registered_Delivery u8, Msg_Length u8, Msg_Content, then Reserved os8 (2.0) or LinkID os20 (3.0).
 *
 * <p>{@code msgContent} always holds the raw octets; for a report, {@link #statusReport(CmppVersion)}
 * reads them and {@link #ofStatusReport} builds them. {@code srcTerminalType} and {@code linkId}
 * are written only in 3.0, {@code reserve} only in 2.0.
 */
public record Deliver(int sequenceId, long msgId, String destId, String serviceId, int tpPid, int tpUdhi,
                      int msgFmt, String srcTerminalId, int srcTerminalType, int registeredDelivery,
                      byte[] msgContent, String linkId, String reserve) implements CmppRefusableRequest {

    /** Registered_Delivery value marking Msg_Content as a status report. */
    public static final int STATUS_REPORT = 1;

    public Deliver {
        destId = Fields.str(destId);
        serviceId = Fields.str(serviceId);
        srcTerminalId = Fields.str(srcTerminalId);
        msgContent = Fields.bytes(msgContent);
        linkId = Fields.str(linkId);
        reserve = Fields.str(reserve);
    }

    /**
     * A DELIVER carrying {@code report} in {@code version}'s layout (60 or 71 octets).
     * Src_terminal_Id is the report's Dest_terminal_Id (the recipient of the original SUBMIT);
     * {@code destId} is the original SUBMIT's Src_Id; TP fields and Msg_Fmt are 0.
     *
     * @throws IllegalArgumentException if the report cannot be represented in {@code version}
     */
    public static Deliver ofStatusReport(int sequenceId, long msgId, String destId, String serviceId,
                                         StatusReport report, CmppVersion version) {
        return new Deliver(sequenceId, msgId, destId, serviceId, 0, 0, 0, report.destTerminalId(), 0,
                STATUS_REPORT, report.toBytes(version), "", "");
    }

    @Override
    public int commandId() {
        return CmppCommandId.DELIVER;
    }

    /** Whether Msg_Content is a status report (Registered_Delivery 1). */
    public boolean isStatusReport() {
        return registeredDelivery == STATUS_REPORT;
    }

    /**
     * The status report in Msg_Content (see {@link StatusReport#parse} for the layout rule); empty
     * if this is not a report or the content is too short.
     */
    public Optional<StatusReport> statusReport(CmppVersion version) {
        return isStatusReport() ? StatusReport.parse(msgContent, version) : Optional.empty();
    }

    /** Whether Msg_Content starts with a User Data Header (TP_udhi 1, or 0x40 as some peers send). */
    public boolean hasUdh() {
        return Fields.udhi(tpUdhi);
    }

    /** The DELIVER_RESP (it repeats this DELIVER's Msg_Id). */
    public DeliverResp response(int result) {
        return new DeliverResp(sequenceId, msgId, result);
    }

    @Override
    public DeliverResp errorResponse(int result) {
        return response(result);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Deliver other
                && sequenceId == other.sequenceId
                && msgId == other.msgId
                && destId.equals(other.destId)
                && serviceId.equals(other.serviceId)
                && tpPid == other.tpPid
                && tpUdhi == other.tpUdhi
                && msgFmt == other.msgFmt
                && srcTerminalId.equals(other.srcTerminalId)
                && srcTerminalType == other.srcTerminalType
                && registeredDelivery == other.registeredDelivery
                && Arrays.equals(msgContent, other.msgContent)
                && linkId.equals(other.linkId)
                && reserve.equals(other.reserve);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(sequenceId, msgId, destId, serviceId, tpPid, tpUdhi, msgFmt, srcTerminalId,
                srcTerminalType, registeredDelivery, linkId, reserve) + Arrays.hashCode(msgContent);
    }

    @Override
    public String toString() {
        return "Deliver[sequenceId=" + sequenceId + ", msgId=" + Hex.msgId(msgId) + ", destId=" + destId
                + ", serviceId=" + serviceId + ", tpPid=" + tpPid + ", tpUdhi=" + tpUdhi + ", msgFmt=" + msgFmt
                + ", srcTerminalId=" + srcTerminalId + ", srcTerminalType=" + srcTerminalType
                + ", registeredDelivery=" + registeredDelivery + ", msgContent=" + Hex.of(msgContent)
                + ", linkId=" + linkId + ", reserve=" + reserve + "]";
    }
}
