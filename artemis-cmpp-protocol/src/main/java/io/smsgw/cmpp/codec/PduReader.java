package io.smsgw.cmpp.codec;

import static io.smsgw.cmpp.codec.Widths.AREA_CODE;
import static io.smsgw.cmpp.codec.Widths.DEST_ID;
import static io.smsgw.cmpp.codec.Widths.FEE_CODE;
import static io.smsgw.cmpp.codec.Widths.FEE_TYPE;
import static io.smsgw.cmpp.codec.Widths.FWD_NUMBER;
import static io.smsgw.cmpp.codec.Widths.GATEWAY_ID;
import static io.smsgw.cmpp.codec.Widths.GATEWAY_IP;
import static io.smsgw.cmpp.codec.Widths.GNS_TIME_STAMP;
import static io.smsgw.cmpp.codec.Widths.MSG_SRC;
import static io.smsgw.cmpp.codec.Widths.PSEUDO;
import static io.smsgw.cmpp.codec.Widths.QUERY_CODE;
import static io.smsgw.cmpp.codec.Widths.QUERY_RESERVE;
import static io.smsgw.cmpp.codec.Widths.QUERY_TIME;
import static io.smsgw.cmpp.codec.Widths.ROUTE_TYPE;
import static io.smsgw.cmpp.codec.Widths.SEGMENT_ID;
import static io.smsgw.cmpp.codec.Widths.SERVICE_ID;
import static io.smsgw.cmpp.codec.Widths.SOURCE_ADDR;
import static io.smsgw.cmpp.codec.Widths.SP_CODE;
import static io.smsgw.cmpp.codec.Widths.SP_ID;
import static io.smsgw.cmpp.codec.Widths.SRC_ID;
import static io.smsgw.cmpp.codec.Widths.TERMINAL_ID;
import static io.smsgw.cmpp.codec.Widths.TIME;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes one complete CMPP frame into a {@link CmppPdu}. Fields are read straight from the
 * buffer; every read is bounds-checked and the first problem becomes a {@link MalformedCmppPdu}.
 *
 * <p>Leniency rules: octet strings are cut at their first NUL (bytes after it are dropped);
 * bytes after the last field of a fixed-length body are ignored (they cannot move any field); the
 * result width of a fixed-size response (CONNECT_RESP, SUBMIT_RESP, DELIVER_RESP, CANCEL_RESP,
 * FWD_RESP) follows the body length when it matches one version exactly; ACTIVE_TEST_RESP may lack
 * its Reserved octet. Not lenient: SUBMIT, DELIVER and FWD must be exactly as long as DestUsr_tl and
 * Msg_Length make them (docs/decisions.md), else {@link MalformedCmppPdu.Kind#LENGTH_MISMATCH}.
 */
final class PduReader {

    private PduReader() {
    }

    static CmppPdu decode(ByteBuf frame, CmppVersion version) {
        int frameLength = frame.readableBytes();
        if (frameLength < CmppCodec.HEADER_LENGTH) {
            int commandId = frameLength >= 8 ? frame.getInt(frame.readerIndex() + 4) : 0;
            frame.skipBytes(frameLength);
            return new MalformedCmppPdu(commandId, 0, "frame of " + frameLength
                    + " bytes is shorter than the 12-byte header", MalformedCmppPdu.Kind.TRUNCATED);
        }
        int totalLength = frame.readInt();
        int commandId = frame.readInt();
        int sequenceId = frame.readInt();
        try {
            if (totalLength != frameLength) {
                throw new MalformedCmppPduException("Total_Length " + Integer.toUnsignedString(totalLength)
                        + " but frame has " + frameLength + " bytes");
            }
            return decodeBody(commandId, sequenceId, frame, version);
        } catch (MalformedCmppPduException e) {
            return new MalformedCmppPdu(commandId, sequenceId, e.getMessage(), e.kind());
        } catch (IndexOutOfBoundsException e) {
            // Safety net only: every read above is checked first.
            return new MalformedCmppPdu(commandId, sequenceId, "read beyond the frame: " + e.getMessage(),
                    MalformedCmppPdu.Kind.TRUNCATED);
        } finally {
            frame.readerIndex(frame.writerIndex());
        }
    }

    private static CmppPdu decodeBody(int commandId, int seq, ByteBuf in, CmppVersion v) {
        switch (commandId) {
            case CmppCommandId.CONNECT:
                return new Connect(seq, octets(in, SOURCE_ADDR, "Source_Addr"),
                        bytes(in, Connect.AUTHENTICATOR_LENGTH, "AuthenticatorSource"), u8(in, "Version"),
                        u32(in, "Timestamp"));
            case CmppCommandId.CONNECT_RESP:
                return new ConnectResp(seq, result(in, resultWidth(in, Connect.AUTHENTICATOR_LENGTH + 1, v), "Status"),
                        bytes(in, Connect.AUTHENTICATOR_LENGTH, "AuthenticatorISMG"), u8(in, "Version"));
            case CmppCommandId.TERMINATE:
                return new Terminate(seq);
            case CmppCommandId.TERMINATE_RESP:
                return new TerminateResp(seq);
            case CmppCommandId.ACTIVE_TEST:
                return new ActiveTest(seq);
            case CmppCommandId.ACTIVE_TEST_RESP:
                return new ActiveTestResp(seq, in.isReadable() ? in.readUnsignedByte() : 0);
            case CmppCommandId.SUBMIT:
                return submit(seq, in, v);
            case CmppCommandId.SUBMIT_RESP: {
                int width = resultWidth(in, 8, v);
                return new SubmitResp(seq, u64(in, "Msg_Id"), result(in, width, "Result"));
            }
            case CmppCommandId.DELIVER:
                return deliver(seq, in, v);
            case CmppCommandId.DELIVER_RESP: {
                int width = resultWidth(in, 8, v);
                return new DeliverResp(seq, u64(in, "Msg_Id"), result(in, width, "Result"));
            }
            case CmppCommandId.QUERY:
                return new Query(seq, octets(in, QUERY_TIME, "Time"), u8(in, "Query_Type"),
                        octets(in, QUERY_CODE, "Query_Code"), octets(in, QUERY_RESERVE, "Reserve"));
            case CmppCommandId.QUERY_RESP:
                return new QueryResp(seq, octets(in, QUERY_TIME, "Time"), u8(in, "Query_Type"),
                        octets(in, QUERY_CODE, "Query_Code"), u32(in, "MT_TLMsg"), u32(in, "MT_Tlusr"),
                        u32(in, "MT_Scs"), u32(in, "MT_WT"), u32(in, "MT_FL"), u32(in, "MO_Scs"), u32(in, "MO_WT"),
                        u32(in, "MO_FL"));
            case CmppCommandId.CANCEL:
                return new Cancel(seq, u64(in, "Msg_Id"));
            case CmppCommandId.CANCEL_RESP:
                return new CancelResp(seq, result(in, resultWidth(in, 0, v), "Success_Id"));
            case CmppCommandId.FWD:
                return fwd(seq, in, v);
            case CmppCommandId.FWD_RESP: {
                int width = resultWidth(in, 10, v);
                return new FwdResp(seq, u64(in, "Msg_Id"), u8(in, "Pk_total"), u8(in, "Pk_number"),
                        result(in, width, "Result"));
            }
            case CmppCommandId.MT_ROUTE:
                return new MtRoute(seq, octets(in, GATEWAY_ID, "Source_Id"), octets(in, TERMINAL_ID, "Terminal_Id"));
            case CmppCommandId.MT_ROUTE_RESP:
                return new MtRouteResp(seq, u32(in, "Route_Id"), octets(in, GATEWAY_ID, "Destination_Id"),
                        octets(in, GATEWAY_IP, "Gateway_IP"), u16(in, "Gateway_port"),
                        octets(in, SEGMENT_ID, "Start_Id"), octets(in, SEGMENT_ID, "End_Id"),
                        octets(in, AREA_CODE, "Area_code"), u8(in, "Result"), u8(in, "User_type"),
                        octets(in, GNS_TIME_STAMP, "Time_stamp"));
            case CmppCommandId.MO_ROUTE:
                return new MoRoute(seq, octets(in, GATEWAY_ID, "Source_Id"), octets(in, SP_CODE, "SP_Code"),
                        octets(in, SERVICE_ID, "Service_Id"), u32(in, "Service_Code"));
            case CmppCommandId.MO_ROUTE_RESP:
                return new MoRouteResp(seq, u32(in, "Route_Id"), octets(in, GATEWAY_ID, "Destination_Id"),
                        octets(in, GATEWAY_IP, "Gateway_IP"), u16(in, "Gateway_port"), octets(in, SP_ID, "SP_Id"),
                        octets(in, SP_CODE, "SP_Code"), u8(in, "SP_AcessType"), u32(in, "Start_code"),
                        u32(in, "End_code"), u8(in, "Result"), octets(in, GNS_TIME_STAMP, "Time_stamp"));
            case CmppCommandId.GET_MT_ROUTE:
                return new GetMtRoute(seq, octets(in, GATEWAY_ID, "Source_Id"), octets(in, ROUTE_TYPE, "Route_type"),
                        s32(in, "Last_route_Id"));
            case CmppCommandId.GET_MT_ROUTE_RESP:
                return new GetMtRouteResp(seq, u32(in, "Route_Id"), octets(in, GATEWAY_ID, "Destination_Id"),
                        octets(in, GATEWAY_IP, "Gateway_IP"), u16(in, "Gateway_port"),
                        octets(in, SEGMENT_ID, "Start_Id"), octets(in, SEGMENT_ID, "End_Id"),
                        octets(in, AREA_CODE, "Area_code"), u8(in, "Result"), u8(in, "User_type"),
                        u32(in, "Route_total"), u32(in, "Route_number"), octets(in, GNS_TIME_STAMP, "Time_stamp"));
            case CmppCommandId.GET_MO_ROUTE:
                return new GetMoRoute(seq, octets(in, GATEWAY_ID, "Source_Id"), octets(in, ROUTE_TYPE, "Route_type"),
                        s32(in, "Last_route_Id"));
            case CmppCommandId.GET_MO_ROUTE_RESP:
                return new GetMoRouteResp(seq, u32(in, "Route_Id"), octets(in, GATEWAY_ID, "Destination_Id"),
                        octets(in, GATEWAY_IP, "Gateway_IP"), u16(in, "Gateway_port"), octets(in, SP_ID, "SP_Id"),
                        octets(in, SP_CODE, "SP_Code"), u8(in, "SP_AcessType"), octets(in, SERVICE_ID, "Service_Id"),
                        u32(in, "Start_code"), u32(in, "End_code"), u8(in, "Result"), u32(in, "Route_total"),
                        u32(in, "Route_number"), octets(in, GNS_TIME_STAMP, "Time_stamp"));
            case CmppCommandId.MT_ROUTE_UPDATE:
                return new MtRouteUpdate(seq, u8(in, "Update_type"), u32(in, "Route_Id"),
                        octets(in, GATEWAY_ID, "Destination_Id"), octets(in, GATEWAY_IP, "Gateway_IP"),
                        u16(in, "Gateway_port"), octets(in, SEGMENT_ID, "Start_Id"), octets(in, SEGMENT_ID, "End_Id"),
                        octets(in, AREA_CODE, "Area_code"), u8(in, "User_type"));
            case CmppCommandId.MT_ROUTE_UPDATE_RESP:
                return new MtRouteUpdateResp(seq, u8(in, "Result"), u32(in, "Route_Id"),
                        octets(in, GNS_TIME_STAMP, "Time_stamp"));
            case CmppCommandId.MO_ROUTE_UPDATE:
                return new MoRouteUpdate(seq, u8(in, "Update_type"), u32(in, "Route_Id"),
                        octets(in, GATEWAY_ID, "Destination_Id"), octets(in, GATEWAY_IP, "Gateway_IP"),
                        u16(in, "Gateway_port"), octets(in, SP_ID, "SP_Id"), octets(in, SP_CODE, "SP_Code"),
                        u8(in, "SP_AcessType"), octets(in, SERVICE_ID, "Service_Id"), u32(in, "Start_code"),
                        u32(in, "End_code"));
            case CmppCommandId.MO_ROUTE_UPDATE_RESP:
                return new MoRouteUpdateResp(seq, u8(in, "Result"), u32(in, "Route_Id"),
                        octets(in, GNS_TIME_STAMP, "Time_stamp"));
            case CmppCommandId.PUSH_MT_ROUTE_UPDATE:
                return new PushMtRouteUpdate(seq, u8(in, "Update_type"), u32(in, "Route_Id"),
                        octets(in, GATEWAY_ID, "Destination_Id"), octets(in, GATEWAY_IP, "Gateway_IP"),
                        u16(in, "Gateway_port"), octets(in, SEGMENT_ID, "Start_Id"), octets(in, SEGMENT_ID, "End_Id"),
                        octets(in, AREA_CODE, "Area_code"), u8(in, "User_type"),
                        octets(in, GNS_TIME_STAMP, "Time_stamp"));
            case CmppCommandId.PUSH_MT_ROUTE_UPDATE_RESP:
                return new PushMtRouteUpdateResp(seq, u8(in, "Result"));
            case CmppCommandId.PUSH_MO_ROUTE_UPDATE:
                return new PushMoRouteUpdate(seq, u8(in, "Update_type"), u32(in, "Route_Id"),
                        octets(in, GATEWAY_ID, "Destination_Id"), octets(in, GATEWAY_IP, "Gateway_IP"),
                        u16(in, "Gateway_port"), octets(in, SP_ID, "SP_Id"), octets(in, SP_CODE, "SP_Code"),
                        u8(in, "SP_AcessType"), octets(in, SERVICE_ID, "Service_Id"), u32(in, "Start_code"),
                        u32(in, "End_code"), octets(in, GNS_TIME_STAMP, "Time_stamp"));
            case CmppCommandId.PUSH_MO_ROUTE_UPDATE_RESP:
                return new PushMoRouteUpdateResp(seq, u8(in, "Result"));
            default:
                return new MalformedCmppPdu(commandId, seq, "unknown Command_Id 0x" + String.format("%08x", commandId),
                        MalformedCmppPdu.Kind.UNKNOWN_COMMAND);
        }
    }

    private static Submit submit(int seq, ByteBuf in, CmppVersion v) {
        boolean v30 = v.hasTerminalTypes();
        long msgId = u64(in, "Msg_Id");
        int pkTotal = u8(in, "Pk_total");
        int pkNumber = u8(in, "Pk_number");
        int registeredDelivery = u8(in, "Registered_Delivery");
        int msgLevel = u8(in, "Msg_level");
        String serviceId = octets(in, SERVICE_ID, "Service_Id");
        int feeUserType = u8(in, "Fee_UserType");
        String feeTerminalId = octets(in, v.terminalIdLength(), "Fee_terminal_Id");
        int feeTerminalType = v30 ? u8(in, "Fee_terminal_type") : 0;
        int tpPid = u8(in, "TP_pId");
        int tpUdhi = u8(in, "TP_udhi");
        int msgFmt = u8(in, "Msg_Fmt");
        String msgSrc = octets(in, MSG_SRC, "Msg_src");
        String feeType = octets(in, FEE_TYPE, "FeeType");
        String feeCode = octets(in, FEE_CODE, "FeeCode");
        String valIdTime = octets(in, TIME, "ValId_Time");
        String atTime = octets(in, TIME, "At_Time");
        String srcId = octets(in, SRC_ID, "Src_Id");
        int trailer = trailerLength(v);
        List<String> destTerminalIds = numbers(in, v.terminalIdLength(), "DestUsr_tl", "Dest_terminal_Id",
                (v30 ? 1 : 0) + 1 + trailer);
        int destTerminalType = v30 ? u8(in, "Dest_terminal_type") : 0;
        byte[] msgContent = msgContent(in, trailer, v);
        String linkId = v30 ? octets(in, v.linkIdLength(), "LinkID") : "";
        String reserve = v30 ? "" : octets(in, v.reserveLength(), "Reserve");
        return new Submit(seq, msgId, pkTotal, pkNumber, registeredDelivery, msgLevel, serviceId, feeUserType,
                feeTerminalId, feeTerminalType, tpPid, tpUdhi, msgFmt, msgSrc, feeType, feeCode, valIdTime, atTime,
                srcId, destTerminalIds, destTerminalType, msgContent, linkId, reserve);
    }

    private static Deliver deliver(int seq, ByteBuf in, CmppVersion v) {
        boolean v30 = v.hasTerminalTypes();
        long msgId = u64(in, "Msg_Id");
        String destId = octets(in, DEST_ID, "Dest_Id");
        String serviceId = octets(in, SERVICE_ID, "Service_Id");
        int tpPid = u8(in, "TP_pid");
        int tpUdhi = u8(in, "TP_udhi");
        int msgFmt = u8(in, "Msg_Fmt");
        String srcTerminalId = octets(in, v.terminalIdLength(), "Src_terminal_Id");
        int srcTerminalType = v30 ? u8(in, "Src_terminal_type") : 0;
        int registeredDelivery = u8(in, "Registered_Delivery");
        byte[] msgContent = msgContent(in, trailerLength(v), v);
        String linkId = v30 ? octets(in, v.linkIdLength(), "LinkID") : "";
        String reserve = v30 ? "" : octets(in, v.reserveLength(), "Reserved");
        return new Deliver(seq, msgId, destId, serviceId, tpPid, tpUdhi, msgFmt, srcTerminalId, srcTerminalType,
                registeredDelivery, msgContent, linkId, reserve);
    }

    private static Fwd fwd(int seq, ByteBuf in, CmppVersion v) {
        boolean v30 = v.hasTerminalTypes();
        String sourceId = octets(in, GATEWAY_ID, "Source_Id");
        String destinationId = octets(in, GATEWAY_ID, "Destination_Id");
        int nodesCount = u8(in, "NodesCount");
        int msgFwdType = u8(in, "Msg_Fwd_Type");
        long msgId = u64(in, "Msg_Id");
        int pkTotal = u8(in, "Pk_total");
        int pkNumber = u8(in, "Pk_number");
        int registeredDelivery = u8(in, "Registered_Delivery");
        int msgLevel = u8(in, "Msg_level");
        String serviceId = octets(in, SERVICE_ID, "Service_Id");
        int feeUserType = u8(in, "Fee_UserType");
        String feeTerminalId = octets(in, FWD_NUMBER, "Fee_terminal_Id");
        String feeTerminalPseudo = v30 ? octets(in, PSEUDO, "Fee_terminal_Pseudo") : "";
        int feeTerminalUserType = v30 ? u8(in, "Fee_terminal_UserType") : 0;
        int tpPid = u8(in, "TP_pid");
        int tpUdhi = u8(in, "TP_udhi");
        int msgFmt = u8(in, "Msg_Fmt");
        String msgSrc = octets(in, MSG_SRC, "Msg_src");
        String feeType = octets(in, FEE_TYPE, "FeeType");
        String feeCode = octets(in, FEE_CODE, "FeeCode");
        String validTime = octets(in, TIME, "Valid_Time");
        String atTime = octets(in, TIME, "At_Time");
        String srcId = octets(in, FWD_NUMBER, "Src_Id");
        String srcPseudo = v30 ? octets(in, PSEUDO, "Src_Pseudo") : "";
        int srcUserType = v30 ? u8(in, "Src_UserType") : 0;
        int srcType = v30 ? u8(in, "Src_type") : 0;
        int trailer = trailerLength(v);
        List<String> destIds = numbers(in, FWD_NUMBER, "DestUsr_tl", "Dest_Id", (v30 ? PSEUDO + 1 : 0) + 1 + trailer);
        String destPseudo = v30 ? octets(in, PSEUDO, "Dest_Pseudo") : "";
        int destUserType = v30 ? u8(in, "Dest_UserType") : 0;
        byte[] msgContent = msgContent(in, trailer, v);
        String linkId = v30 ? octets(in, v.linkIdLength(), "LinkID") : "";
        String reserve = v30 ? "" : octets(in, v.reserveLength(), "Reserve");
        return new Fwd(seq, sourceId, destinationId, nodesCount, msgFwdType, msgId, pkTotal, pkNumber,
                registeredDelivery, msgLevel, serviceId, feeUserType, feeTerminalId, feeTerminalPseudo,
                feeTerminalUserType, tpPid, tpUdhi, msgFmt, msgSrc, feeType, feeCode, validTime, atTime, srcId,
                srcPseudo, srcUserType, srcType, destIds, destPseudo, destUserType, msgContent, linkId, reserve);
    }

    /**
     * The width of a response's result field: 1 or 4 if the remaining body is exactly
     * {@code fixedWithoutResult} plus that width, else the connection version's width.
     */
    private static int resultWidth(ByteBuf in, int fixedWithoutResult, CmppVersion v) {
        int remaining = in.readableBytes();
        if (remaining == fixedWithoutResult + 1) {
            return 1;
        }
        if (remaining == fixedWithoutResult + 4) {
            return 4;
        }
        return v.resultLength();
    }

    private static int result(ByteBuf in, int width, String field) {
        return width == 1 ? u8(in, field) : s32(in, field);
    }

    /** Width of the field that ends SUBMIT, DELIVER and FWD: LinkID (3.0) or Reserve (2.0). */
    private static int trailerLength(CmppVersion v) {
        return v.hasTerminalTypes() ? v.linkIdLength() : v.reserveLength();
    }

    /**
     * A count octet followed by that many fixed-width numbers, then at least {@code after} octets
     * (the fields up to the end of the body, with empty Msg_Content).
     */
    private static List<String> numbers(ByteBuf in, int width, String countField, String field, int after) {
        int count = u8(in, countField);
        if (count * width + after > in.readableBytes()) {
            throw new MalformedCmppPduException(countField + " " + count + " needs " + count * width
                    + " bytes of " + field + " and at least " + after + " after them but only " + in.readableBytes()
                    + " remain", MalformedCmppPdu.Kind.LENGTH_MISMATCH);
        }
        String[] numbers = new String[count];
        for (int i = 0; i < count; i++) {
            numbers[i] = octets(in, width, field);
        }
        return List.of(numbers);
    }

    /**
     * Msg_Length followed by that many octets, which must leave exactly the {@code trailer} octets
     * of LinkID / Reserve: anything else means the fields after Msg_Length cannot be located.
     */
    private static byte[] msgContent(ByteBuf in, int trailer, CmppVersion v) {
        int length = u8(in, "Msg_Length");
        if (length + trailer != in.readableBytes()) {
            throw new MalformedCmppPduException("Msg_Length " + length + " and the " + trailer + "-byte "
                    + (v.hasTerminalTypes() ? "LinkID" : "Reserve") + " need " + (length + trailer)
                    + " bytes but " + in.readableBytes() + " remain", MalformedCmppPdu.Kind.LENGTH_MISMATCH);
        }
        if (length == 0) {
            return Fields.NO_BYTES;
        }
        byte[] content = new byte[length];
        in.readBytes(content);
        return content;
    }

    private static byte[] bytes(ByteBuf in, int length, String field) {
        need(in, length, field);
        byte[] value = new byte[length];
        in.readBytes(value);
        return value;
    }

    private static int u8(ByteBuf in, String field) {
        need(in, 1, field);
        return in.readUnsignedByte();
    }

    private static int u16(ByteBuf in, String field) {
        need(in, 2, field);
        return in.readUnsignedShort();
    }

    private static long u32(ByteBuf in, String field) {
        need(in, 4, field);
        return in.readUnsignedInt();
    }

    private static int s32(ByteBuf in, String field) {
        need(in, 4, field);
        return in.readInt();
    }

    private static long u64(ByteBuf in, String field) {
        need(in, 8, field);
        return in.readLong();
    }

    /** A fixed-width Latin-1 octet string, cut at its first NUL. */
    static String octets(ByteBuf in, int width, String field) {
        need(in, width, field);
        int start = in.readerIndex();
        int nul = in.indexOf(start, start + width, (byte) 0);
        int length = nul < 0 ? width : nul - start;
        in.skipBytes(width);
        return length == 0 ? "" : in.toString(start, length, StandardCharsets.ISO_8859_1);
    }

    private static void need(ByteBuf in, int length, String field) {
        if (in.readableBytes() < length) {
            throw new MalformedCmppPduException("body ends before " + field + " (needs " + length + " bytes, "
                    + in.readableBytes() + " remain)");
        }
    }
}
