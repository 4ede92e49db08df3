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
import java.util.List;

/**
 * Encodes a {@link CmppPdu} in one version's layout, Total_Length included. A value that cannot be
 * represented (octet string longer than its width, holding NUL or non-Latin-1 characters; an
 * integer outside its field; more than 255 recipients or content octets; an authenticator over 16
 * octets) is a programming error and throws {@link IllegalArgumentException}; nothing is written
 * to the buffer in that case.
 */
final class PduWriter {

    private PduWriter() {
    }

    static void encode(CmppPdu pdu, CmppVersion version, ByteBuf out) {
        if (pdu instanceof MalformedCmppPdu) {
            throw new IllegalArgumentException("a MalformedCmppPdu cannot be encoded: " + pdu);
        }
        int start = out.writerIndex();
        try {
            out.writeInt(0); // Total_Length, patched below
            out.writeInt(pdu.commandId());
            out.writeInt(pdu.sequenceId());
            writeBody(pdu, version, out);
            out.setInt(start, out.writerIndex() - start);
        } catch (IllegalArgumentException e) {
            out.writerIndex(start);
            throw e;
        }
    }

    private static void writeBody(CmppPdu pdu, CmppVersion v, ByteBuf out) {
        switch (pdu.commandId()) {
            case CmppCommandId.CONNECT:
                Connect connect = (Connect) pdu;
                octets(out, connect.sourceAddr(), SOURCE_ADDR, "Source_Addr");
                authenticator(out, connect.authenticatorSource(), "AuthenticatorSource");
                u8(out, connect.version(), "Version");
                u32(out, connect.timestamp(), "Timestamp");
                break;
            case CmppCommandId.CONNECT_RESP:
                ConnectResp connectResp = (ConnectResp) pdu;
                result(out, connectResp.status(), v, "Status");
                authenticator(out, connectResp.authenticatorIsmg(), "AuthenticatorISMG");
                u8(out, connectResp.version(), "Version");
                break;
            case CmppCommandId.TERMINATE:
            case CmppCommandId.TERMINATE_RESP:
            case CmppCommandId.ACTIVE_TEST:
                break;
            case CmppCommandId.ACTIVE_TEST_RESP:
                u8(out, ((ActiveTestResp) pdu).reserved(), "Reserved");
                break;
            case CmppCommandId.SUBMIT:
                submit((Submit) pdu, v, out);
                break;
            case CmppCommandId.SUBMIT_RESP:
                SubmitResp submitResp = (SubmitResp) pdu;
                out.writeLong(submitResp.msgId());
                result(out, submitResp.result(), v, "Result");
                break;
            case CmppCommandId.DELIVER:
                deliver((Deliver) pdu, v, out);
                break;
            case CmppCommandId.DELIVER_RESP:
                DeliverResp deliverResp = (DeliverResp) pdu;
                out.writeLong(deliverResp.msgId());
                result(out, deliverResp.result(), v, "Result");
                break;
            case CmppCommandId.QUERY:
                Query query = (Query) pdu;
                octets(out, query.time(), QUERY_TIME, "Time");
                u8(out, query.queryType(), "Query_Type");
                octets(out, query.queryCode(), QUERY_CODE, "Query_Code");
                octets(out, query.reserve(), QUERY_RESERVE, "Reserve");
                break;
            case CmppCommandId.QUERY_RESP:
                queryResp((QueryResp) pdu, out);
                break;
            case CmppCommandId.CANCEL:
                out.writeLong(((Cancel) pdu).msgId());
                break;
            case CmppCommandId.CANCEL_RESP:
                result(out, ((CancelResp) pdu).successId(), v, "Success_Id");
                break;
            case CmppCommandId.FWD:
                fwd((Fwd) pdu, v, out);
                break;
            case CmppCommandId.FWD_RESP:
                FwdResp fwdResp = (FwdResp) pdu;
                out.writeLong(fwdResp.msgId());
                u8(out, fwdResp.pkTotal(), "Pk_total");
                u8(out, fwdResp.pkNumber(), "Pk_number");
                result(out, fwdResp.result(), v, "Result");
                break;
            case CmppCommandId.MT_ROUTE:
                MtRoute mtRoute = (MtRoute) pdu;
                octets(out, mtRoute.sourceId(), GATEWAY_ID, "Source_Id");
                octets(out, mtRoute.terminalId(), TERMINAL_ID, "Terminal_Id");
                break;
            case CmppCommandId.MT_ROUTE_RESP:
                mtRouteResp((MtRouteResp) pdu, out);
                break;
            case CmppCommandId.MO_ROUTE:
                MoRoute moRoute = (MoRoute) pdu;
                octets(out, moRoute.sourceId(), GATEWAY_ID, "Source_Id");
                octets(out, moRoute.spCode(), SP_CODE, "SP_Code");
                octets(out, moRoute.serviceId(), SERVICE_ID, "Service_Id");
                u32(out, moRoute.serviceCode(), "Service_Code");
                break;
            case CmppCommandId.MO_ROUTE_RESP:
                moRouteResp((MoRouteResp) pdu, out);
                break;
            case CmppCommandId.GET_MT_ROUTE:
                GetMtRoute getMt = (GetMtRoute) pdu;
                octets(out, getMt.sourceId(), GATEWAY_ID, "Source_Id");
                octets(out, getMt.routeType(), ROUTE_TYPE, "Route_type");
                out.writeInt(getMt.lastRouteId());
                break;
            case CmppCommandId.GET_MT_ROUTE_RESP:
                getMtRouteResp((GetMtRouteResp) pdu, out);
                break;
            case CmppCommandId.GET_MO_ROUTE:
                GetMoRoute getMo = (GetMoRoute) pdu;
                octets(out, getMo.sourceId(), GATEWAY_ID, "Source_Id");
                octets(out, getMo.routeType(), ROUTE_TYPE, "Route_type");
                out.writeInt(getMo.lastRouteId());
                break;
            case CmppCommandId.GET_MO_ROUTE_RESP:
                getMoRouteResp((GetMoRouteResp) pdu, out);
                break;
            case CmppCommandId.MT_ROUTE_UPDATE:
                MtRouteUpdate mtUpdate = (MtRouteUpdate) pdu;
                mtRouteFields(out, mtUpdate.updateType(), mtUpdate.routeId(), mtUpdate.destinationId(),
                        mtUpdate.gatewayIp(), mtUpdate.gatewayPort(), mtUpdate.startId(), mtUpdate.endId(),
                        mtUpdate.areaCode(), mtUpdate.userType());
                break;
            case CmppCommandId.MT_ROUTE_UPDATE_RESP:
                MtRouteUpdateResp mtUpdateResp = (MtRouteUpdateResp) pdu;
                u8(out, mtUpdateResp.result(), "Result");
                u32(out, mtUpdateResp.routeId(), "Route_Id");
                octets(out, mtUpdateResp.timeStamp(), GNS_TIME_STAMP, "Time_stamp");
                break;
            case CmppCommandId.MO_ROUTE_UPDATE:
                MoRouteUpdate moUpdate = (MoRouteUpdate) pdu;
                moRouteFields(out, moUpdate.updateType(), moUpdate.routeId(), moUpdate.destinationId(),
                        moUpdate.gatewayIp(), moUpdate.gatewayPort(), moUpdate.spId(), moUpdate.spCode(),
                        moUpdate.spAccessType(), moUpdate.serviceId(), moUpdate.startCode(), moUpdate.endCode());
                break;
            case CmppCommandId.MO_ROUTE_UPDATE_RESP:
                MoRouteUpdateResp moUpdateResp = (MoRouteUpdateResp) pdu;
                u8(out, moUpdateResp.result(), "Result");
                u32(out, moUpdateResp.routeId(), "Route_Id");
                octets(out, moUpdateResp.timeStamp(), GNS_TIME_STAMP, "Time_stamp");
                break;
            case CmppCommandId.PUSH_MT_ROUTE_UPDATE:
                PushMtRouteUpdate pushMt = (PushMtRouteUpdate) pdu;
                mtRouteFields(out, pushMt.updateType(), pushMt.routeId(), pushMt.destinationId(), pushMt.gatewayIp(),
                        pushMt.gatewayPort(), pushMt.startId(), pushMt.endId(), pushMt.areaCode(), pushMt.userType());
                octets(out, pushMt.timeStamp(), GNS_TIME_STAMP, "Time_stamp");
                break;
            case CmppCommandId.PUSH_MT_ROUTE_UPDATE_RESP:
                u8(out, ((PushMtRouteUpdateResp) pdu).result(), "Result");
                break;
            case CmppCommandId.PUSH_MO_ROUTE_UPDATE:
                PushMoRouteUpdate pushMo = (PushMoRouteUpdate) pdu;
                moRouteFields(out, pushMo.updateType(), pushMo.routeId(), pushMo.destinationId(), pushMo.gatewayIp(),
                        pushMo.gatewayPort(), pushMo.spId(), pushMo.spCode(), pushMo.spAccessType(),
                        pushMo.serviceId(), pushMo.startCode(), pushMo.endCode());
                octets(out, pushMo.timeStamp(), GNS_TIME_STAMP, "Time_stamp");
                break;
            case CmppCommandId.PUSH_MO_ROUTE_UPDATE_RESP:
                u8(out, ((PushMoRouteUpdateResp) pdu).result(), "Result");
                break;
            default:
                throw new IllegalArgumentException("cannot encode " + pdu);
        }
    }

    private static void submit(Submit submit, CmppVersion v, ByteBuf out) {
        boolean v30 = v.hasTerminalTypes();
        out.writeLong(submit.msgId());
        u8(out, submit.pkTotal(), "Pk_total");
        u8(out, submit.pkNumber(), "Pk_number");
        u8(out, submit.registeredDelivery(), "Registered_Delivery");
        u8(out, submit.msgLevel(), "Msg_level");
        octets(out, submit.serviceId(), SERVICE_ID, "Service_Id");
        u8(out, submit.feeUserType(), "Fee_UserType");
        octets(out, submit.feeTerminalId(), v.terminalIdLength(), "Fee_terminal_Id");
        if (v30) {
            u8(out, submit.feeTerminalType(), "Fee_terminal_type");
        }
        u8(out, submit.tpPid(), "TP_pId");
        u8(out, submit.tpUdhi(), "TP_udhi");
        u8(out, submit.msgFmt(), "Msg_Fmt");
        octets(out, submit.msgSrc(), MSG_SRC, "Msg_src");
        octets(out, submit.feeType(), FEE_TYPE, "FeeType");
        octets(out, submit.feeCode(), FEE_CODE, "FeeCode");
        octets(out, submit.valIdTime(), TIME, "ValId_Time");
        octets(out, submit.atTime(), TIME, "At_Time");
        octets(out, submit.srcId(), SRC_ID, "Src_Id");
        numbers(out, submit.destTerminalIds(), v.terminalIdLength(), "Dest_terminal_Id");
        if (v30) {
            u8(out, submit.destTerminalType(), "Dest_terminal_type");
        }
        msgContent(out, submit.msgContent());
        trailer(out, submit.linkId(), submit.reserve(), v);
    }

    private static void deliver(Deliver deliver, CmppVersion v, ByteBuf out) {
        out.writeLong(deliver.msgId());
        octets(out, deliver.destId(), DEST_ID, "Dest_Id");
        octets(out, deliver.serviceId(), SERVICE_ID, "Service_Id");
        u8(out, deliver.tpPid(), "TP_pid");
        u8(out, deliver.tpUdhi(), "TP_udhi");
        u8(out, deliver.msgFmt(), "Msg_Fmt");
        octets(out, deliver.srcTerminalId(), v.terminalIdLength(), "Src_terminal_Id");
        if (v.hasTerminalTypes()) {
            u8(out, deliver.srcTerminalType(), "Src_terminal_type");
        }
        u8(out, deliver.registeredDelivery(), "Registered_Delivery");
        msgContent(out, deliver.msgContent());
        trailer(out, deliver.linkId(), deliver.reserve(), v);
    }

    private static void fwd(Fwd fwd, CmppVersion v, ByteBuf out) {
        boolean v30 = v.hasTerminalTypes();
        octets(out, fwd.sourceId(), GATEWAY_ID, "Source_Id");
        octets(out, fwd.destinationId(), GATEWAY_ID, "Destination_Id");
        u8(out, fwd.nodesCount(), "NodesCount");
        u8(out, fwd.msgFwdType(), "Msg_Fwd_Type");
        out.writeLong(fwd.msgId());
        u8(out, fwd.pkTotal(), "Pk_total");
        u8(out, fwd.pkNumber(), "Pk_number");
        u8(out, fwd.registeredDelivery(), "Registered_Delivery");
        u8(out, fwd.msgLevel(), "Msg_level");
        octets(out, fwd.serviceId(), SERVICE_ID, "Service_Id");
        u8(out, fwd.feeUserType(), "Fee_UserType");
        octets(out, fwd.feeTerminalId(), FWD_NUMBER, "Fee_terminal_Id");
        if (v30) {
            octets(out, fwd.feeTerminalPseudo(), PSEUDO, "Fee_terminal_Pseudo");
            u8(out, fwd.feeTerminalUserType(), "Fee_terminal_UserType");
        }
        u8(out, fwd.tpPid(), "TP_pid");
        u8(out, fwd.tpUdhi(), "TP_udhi");
        u8(out, fwd.msgFmt(), "Msg_Fmt");
        octets(out, fwd.msgSrc(), MSG_SRC, "Msg_src");
        octets(out, fwd.feeType(), FEE_TYPE, "FeeType");
        octets(out, fwd.feeCode(), FEE_CODE, "FeeCode");
        octets(out, fwd.validTime(), TIME, "Valid_Time");
        octets(out, fwd.atTime(), TIME, "At_Time");
        octets(out, fwd.srcId(), FWD_NUMBER, "Src_Id");
        if (v30) {
            octets(out, fwd.srcPseudo(), PSEUDO, "Src_Pseudo");
            u8(out, fwd.srcUserType(), "Src_UserType");
            u8(out, fwd.srcType(), "Src_type");
        }
        numbers(out, fwd.destIds(), FWD_NUMBER, "Dest_Id");
        if (v30) {
            octets(out, fwd.destPseudo(), PSEUDO, "Dest_Pseudo");
            u8(out, fwd.destUserType(), "Dest_UserType");
        }
        msgContent(out, fwd.msgContent());
        trailer(out, fwd.linkId(), fwd.reserve(), v);
    }

    private static void queryResp(QueryResp resp, ByteBuf out) {
        octets(out, resp.time(), QUERY_TIME, "Time");
        u8(out, resp.queryType(), "Query_Type");
        octets(out, resp.queryCode(), QUERY_CODE, "Query_Code");
        u32(out, resp.mtTlMsg(), "MT_TLMsg");
        u32(out, resp.mtTlUsr(), "MT_Tlusr");
        u32(out, resp.mtScs(), "MT_Scs");
        u32(out, resp.mtWt(), "MT_WT");
        u32(out, resp.mtFl(), "MT_FL");
        u32(out, resp.moScs(), "MO_Scs");
        u32(out, resp.moWt(), "MO_WT");
        u32(out, resp.moFl(), "MO_FL");
    }

    private static void mtRouteResp(MtRouteResp resp, ByteBuf out) {
        gateway(out, resp.routeId(), resp.destinationId(), resp.gatewayIp(), resp.gatewayPort());
        octets(out, resp.startId(), SEGMENT_ID, "Start_Id");
        octets(out, resp.endId(), SEGMENT_ID, "End_Id");
        octets(out, resp.areaCode(), AREA_CODE, "Area_code");
        u8(out, resp.result(), "Result");
        u8(out, resp.userType(), "User_type");
        octets(out, resp.timeStamp(), GNS_TIME_STAMP, "Time_stamp");
    }

    private static void moRouteResp(MoRouteResp resp, ByteBuf out) {
        gateway(out, resp.routeId(), resp.destinationId(), resp.gatewayIp(), resp.gatewayPort());
        octets(out, resp.spId(), SP_ID, "SP_Id");
        octets(out, resp.spCode(), SP_CODE, "SP_Code");
        u8(out, resp.spAccessType(), "SP_AcessType");
        u32(out, resp.startCode(), "Start_code");
        u32(out, resp.endCode(), "End_code");
        u8(out, resp.result(), "Result");
        octets(out, resp.timeStamp(), GNS_TIME_STAMP, "Time_stamp");
    }

    private static void getMtRouteResp(GetMtRouteResp resp, ByteBuf out) {
        gateway(out, resp.routeId(), resp.destinationId(), resp.gatewayIp(), resp.gatewayPort());
        octets(out, resp.startId(), SEGMENT_ID, "Start_Id");
        octets(out, resp.endId(), SEGMENT_ID, "End_Id");
        octets(out, resp.areaCode(), AREA_CODE, "Area_code");
        u8(out, resp.result(), "Result");
        u8(out, resp.userType(), "User_type");
        u32(out, resp.routeTotal(), "Route_total");
        u32(out, resp.routeNumber(), "Route_number");
        octets(out, resp.timeStamp(), GNS_TIME_STAMP, "Time_stamp");
    }

    private static void getMoRouteResp(GetMoRouteResp resp, ByteBuf out) {
        gateway(out, resp.routeId(), resp.destinationId(), resp.gatewayIp(), resp.gatewayPort());
        octets(out, resp.spId(), SP_ID, "SP_Id");
        octets(out, resp.spCode(), SP_CODE, "SP_Code");
        u8(out, resp.spAccessType(), "SP_AcessType");
        octets(out, resp.serviceId(), SERVICE_ID, "Service_Id");
        u32(out, resp.startCode(), "Start_code");
        u32(out, resp.endCode(), "End_code");
        u8(out, resp.result(), "Result");
        u32(out, resp.routeTotal(), "Route_total");
        u32(out, resp.routeNumber(), "Route_number");
        octets(out, resp.timeStamp(), GNS_TIME_STAMP, "Time_stamp");
    }

    /** Update_type … User_type of MT_ROUTE_UPDATE and PUSH_MT_ROUTE_UPDATE. */
    private static void mtRouteFields(ByteBuf out, int updateType, long routeId, String destinationId,
                                      String gatewayIp, int gatewayPort, String startId, String endId,
                                      String areaCode, int userType) {
        u8(out, updateType, "Update_type");
        gateway(out, routeId, destinationId, gatewayIp, gatewayPort);
        octets(out, startId, SEGMENT_ID, "Start_Id");
        octets(out, endId, SEGMENT_ID, "End_Id");
        octets(out, areaCode, AREA_CODE, "Area_code");
        u8(out, userType, "User_type");
    }

    /** Update_type … End_code of MO_ROUTE_UPDATE and PUSH_MO_ROUTE_UPDATE. */
    private static void moRouteFields(ByteBuf out, int updateType, long routeId, String destinationId,
                                      String gatewayIp, int gatewayPort, String spId, String spCode,
                                      int spAccessType, String serviceId, long startCode, long endCode) {
        u8(out, updateType, "Update_type");
        gateway(out, routeId, destinationId, gatewayIp, gatewayPort);
        octets(out, spId, SP_ID, "SP_Id");
        octets(out, spCode, SP_CODE, "SP_Code");
        u8(out, spAccessType, "SP_AcessType");
        octets(out, serviceId, SERVICE_ID, "Service_Id");
        u32(out, startCode, "Start_code");
        u32(out, endCode, "End_code");
    }

    /** Route_Id, Destination_Id, Gateway_IP, Gateway_port: the head of every GNS route record. */
    private static void gateway(ByteBuf out, long routeId, String destinationId, String gatewayIp, int gatewayPort) {
        u32(out, routeId, "Route_Id");
        octets(out, destinationId, GATEWAY_ID, "Destination_Id");
        octets(out, gatewayIp, GATEWAY_IP, "Gateway_IP");
        u16(out, gatewayPort, "Gateway_port");
    }

    /** LinkID in 3.0, Reserve in 2.0. */
    private static void trailer(ByteBuf out, String linkId, String reserve, CmppVersion v) {
        if (v.hasTerminalTypes()) {
            octets(out, linkId, v.linkIdLength(), "LinkID");
        } else {
            octets(out, reserve, v.reserveLength(), "Reserve");
        }
    }

    private static void result(ByteBuf out, int value, CmppVersion v, String field) {
        if (v.resultLength() == 1) {
            u8(out, value, field);
        } else {
            out.writeInt(value);
        }
    }

    private static void numbers(ByteBuf out, List<String> numbers, int width, String field) {
        u8(out, numbers.size(), "DestUsr_tl");
        for (String number : numbers) {
            octets(out, number, width, field);
        }
    }

    private static void msgContent(ByteBuf out, byte[] content) {
        u8(out, content.length, "Msg_Length");
        out.writeBytes(content);
    }

    private static void authenticator(ByteBuf out, byte[] value, String field) {
        if (value.length > Connect.AUTHENTICATOR_LENGTH) {
            throw new IllegalArgumentException(field + " has " + value.length + " octets, at most "
                    + Connect.AUTHENTICATOR_LENGTH + " allowed");
        }
        out.writeBytes(value);
        out.writeZero(Connect.AUTHENTICATOR_LENGTH - value.length);
    }

    static void u8(ByteBuf out, int value, String field) {
        if ((value & ~0xFF) != 0) {
            throw new IllegalArgumentException(field + " " + value + " does not fit in one octet");
        }
        out.writeByte(value);
    }

    private static void u16(ByteBuf out, int value, String field) {
        if ((value & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(field + " " + value + " does not fit in two octets");
        }
        out.writeShort(value);
    }

    static void u32(ByteBuf out, long value, String field) {
        if ((value & ~0xFFFFFFFFL) != 0) {
            throw new IllegalArgumentException(field + " " + value + " does not fit in four octets");
        }
        out.writeInt((int) value);
    }

    /** Writes {@code value} as Latin-1, NUL-padded to {@code width}. */
    static void octets(ByteBuf out, String value, int width, String field) {
        int length = value.length();
        if (length > width) {
            throw new IllegalArgumentException(field + " \"" + value + "\" is longer than " + width + " octets");
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c == 0 || c > 0xFF) {
                throw new IllegalArgumentException(field + " contains a character that is NUL or not Latin-1 at " + i);
            }
            out.writeByte(c);
        }
        out.writeZero(width - length);
    }
}
