package io.smsgw.cmpp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Optional;

/**
 * The status report carried in a DELIVER's Msg_Content when Registered_Delivery is 1 (and in an
 * MT-report FWD): Msg_Id u64 (the id returned in SUBMIT_RESP for this recipient), Stat os7
 * ("DELIVRD", "UNDELIV", "MB:0001", ...), Submit_time os10 and Done_time os10 ("YYMMDDHHMM"),
 * Dest_terminal_Id os21 (2.0) / os32 (3.0), SMSC_sequence u32. 60 octets in 2.0, 71 in 3.0.
 */
public record StatusReport(long msgId, String stat, String submitTime, String doneTime, String destTerminalId,
                           long smscSequence) {

    static final int STAT_LENGTH = 7;
    static final int TIME_LENGTH = 10;

    public StatusReport {
        stat = Fields.str(stat);
        submitTime = Fields.str(submitTime);
        doneTime = Fields.str(doneTime);
        destTerminalId = Fields.str(destTerminalId);
    }

    /**
     * Reads a report from Msg_Content. The layout is the one of {@code version}, except that
     * content of exactly the other version's length (60 or 71) is read in that version's layout,
     * since some peers send the other layout; bytes beyond the layout are ignored.
     *
     * @return empty if the content is shorter than the layout
     */
    public static Optional<StatusReport> parse(byte[] msgContent, CmppVersion version) {
        CmppVersion layout = version;
        for (CmppVersion candidate : CmppVersion.values()) {
            if (msgContent.length == candidate.statusReportLength()) {
                layout = candidate;
            }
        }
        if (msgContent.length < layout.statusReportLength()) {
            return Optional.empty();
        }
        ByteBuf in = Unpooled.wrappedBuffer(msgContent);
        return Optional.of(new StatusReport(in.readLong(), PduReader.octets(in, STAT_LENGTH, "Stat"),
                PduReader.octets(in, TIME_LENGTH, "Submit_time"), PduReader.octets(in, TIME_LENGTH, "Done_time"),
                PduReader.octets(in, layout.terminalIdLength(), "Dest_terminal_Id"), in.readUnsignedInt()));
    }

    /**
     * The Msg_Content bytes of this report in {@code version}'s layout (60 or 71 octets).
     *
     * @throws IllegalArgumentException if a text field is longer than its width or not Latin-1, or
     *     smscSequence is outside u32
     */
    public byte[] toBytes(CmppVersion version) {
        byte[] content = new byte[version.statusReportLength()];
        ByteBuf out = Unpooled.wrappedBuffer(content).writerIndex(0);
        out.writeLong(msgId);
        PduWriter.octets(out, stat, STAT_LENGTH, "Stat");
        PduWriter.octets(out, submitTime, TIME_LENGTH, "Submit_time");
        PduWriter.octets(out, doneTime, TIME_LENGTH, "Done_time");
        PduWriter.octets(out, destTerminalId, version.terminalIdLength(), "Dest_terminal_Id");
        PduWriter.u32(out, smscSequence, "SMSC_sequence");
        return content;
    }

    @Override
    public String toString() {
        return "StatusReport[msgId=" + Hex.msgId(msgId) + ", stat=" + stat + ", submitTime=" + submitTime
                + ", doneTime=" + doneTime + ", destTerminalId=" + destTerminalId + ", smscSequence=" + smscSequence
                + "]";
    }
}
