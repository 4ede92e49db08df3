package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.SmppStatus.ESME_RINVCMDID;
import static io.smsgw.smpp.codec.SmppStatus.ESME_RINVCMDLEN;
import static io.smsgw.smpp.codec.SmppStatus.ESME_RINVDESTFLAG;
import static io.smsgw.smpp.codec.SmppStatus.ESME_RINVMSGLEN;
import static io.smsgw.smpp.codec.SmppStatus.ESME_RINVOPTPARSTREAM;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one complete SMPP frame into a {@link SmppPdu}. Fields are read straight from the
 * buffer; every read is bounds-checked and the first problem becomes a {@link MalformedPdu}.
 *
 * <p>Leniency rules (what peers do in the wild): C-strings longer than the spec's maximum are
 * accepted; an error response with an empty body decodes with empty fields; bytes after the
 * mandatory body of a PDU type that can carry TLVs are parsed as TLVs (unknown tags kept), and
 * ignored for PDU types that cannot carry any.
 */
final class PduReader {

    private PduReader() {
    }

    static SmppPdu decode(ByteBuf frame) {
        int frameLength = frame.readableBytes();
        if (frameLength < SmppCodec.HEADER_LENGTH) {
            int commandId = frameLength >= 8 ? frame.getInt(frame.readerIndex() + 4) : 0;
            frame.skipBytes(frameLength);
            return new MalformedPdu(commandId, 0, 0, ESME_RINVCMDLEN,
                    "frame of " + frameLength + " bytes is shorter than the 16-byte header");
        }
        int commandLength = frame.readInt();
        int commandId = frame.readInt();
        int commandStatus = frame.readInt();
        int sequenceNumber = frame.readInt();
        try {
            if (commandLength != frameLength) {
                throw new MalformedPduException(ESME_RINVCMDLEN,
                        "command_length " + Integer.toUnsignedString(commandLength) + " but frame has " + frameLength
                                + " bytes");
            }
            if (!frame.isReadable() && commandStatus != SmppStatus.ESME_ROK) {
                SmppResponse empty = emptyErrorResponse(commandId, commandStatus, sequenceNumber);
                if (empty != null) {
                    return empty;
                }
            }
            return decodeBody(commandId, commandStatus, sequenceNumber, frame);
        } catch (MalformedPduException e) {
            return new MalformedPdu(commandId, commandStatus, sequenceNumber, e.status(), e.getMessage());
        } catch (IndexOutOfBoundsException e) {
            // Safety net only: every read above is checked first.
            return new MalformedPdu(commandId, commandStatus, sequenceNumber, ESME_RINVCMDLEN,
                    "read beyond the frame: " + e.getMessage());
        } finally {
            frame.readerIndex(frame.writerIndex());
        }
    }

    /** Responses whose body the spec allows to be omitted when command_status is non-zero. */
    private static SmppResponse emptyErrorResponse(int commandId, int status, int seq) {
        switch (commandId) {
            case SmppCommandId.BIND_RECEIVER_RESP:
            case SmppCommandId.BIND_TRANSMITTER_RESP:
            case SmppCommandId.BIND_TRANSCEIVER_RESP:
                return new BindResponse(seq, status, BindType.ofCommandId(commandId), "", Tlvs.EMPTY);
            case SmppCommandId.SUBMIT_SM_RESP:
                return new SubmitSmResp(seq, status, "", Tlvs.EMPTY);
            case SmppCommandId.DELIVER_SM_RESP:
                return new DeliverSmResp(seq, status, "", Tlvs.EMPTY);
            case SmppCommandId.DATA_SM_RESP:
                return new DataSmResp(seq, status, "", Tlvs.EMPTY);
            case SmppCommandId.SUBMIT_MULTI_RESP:
                return new SubmitMultiResp(seq, status, "", List.of(), Tlvs.EMPTY);
            case SmppCommandId.QUERY_SM_RESP:
                return new QuerySmResp(seq, status, "", "", 0, 0);
            case SmppCommandId.PARAM_RETRIEVE_RESP:
                return new ParamRetrieveResp(seq, status, "");
            case SmppCommandId.QUERY_LAST_MSGS_RESP:
                return new QueryLastMsgsResp(seq, status, List.of());
            case SmppCommandId.QUERY_MSG_DETAILS_RESP:
                return new QueryMsgDetailsResp(seq, status, "", Address.EMPTY, List.of(), 0, 0, "", "", 0, 0,
                        Fields.NO_BYTES, "", "", 0, 0);
            default:
                return null;
        }
    }

    private static SmppPdu decodeBody(int commandId, int status, int seq, ByteBuf in) {
        switch (commandId) {
            case SmppCommandId.GENERIC_NACK:
                return new GenericNack(seq, status);
            case SmppCommandId.BIND_RECEIVER:
            case SmppCommandId.BIND_TRANSMITTER:
            case SmppCommandId.BIND_TRANSCEIVER:
                return new BindRequest(seq, BindType.ofCommandId(commandId), cString(in, "system_id"),
                        cString(in, "password"), cString(in, "system_type"), u8(in, "interface_version"),
                        u8(in, "addr_ton"), u8(in, "addr_npi"), cString(in, "address_range"));
            case SmppCommandId.BIND_RECEIVER_RESP:
            case SmppCommandId.BIND_TRANSMITTER_RESP:
            case SmppCommandId.BIND_TRANSCEIVER_RESP:
                return new BindResponse(seq, status, BindType.ofCommandId(commandId), cString(in, "system_id"),
                        tlvs(in));
            case SmppCommandId.OUTBIND:
                return new Outbind(seq, cString(in, "system_id"), cString(in, "password"));
            case SmppCommandId.UNBIND:
                return new Unbind(seq);
            case SmppCommandId.UNBIND_RESP:
                return new UnbindResp(seq, status);
            case SmppCommandId.ENQUIRE_LINK:
                return new EnquireLink(seq);
            case SmppCommandId.ENQUIRE_LINK_RESP:
                return new EnquireLinkResp(seq, status);
            case SmppCommandId.SUBMIT_SM:
            case SmppCommandId.DELIVER_SM:
                return shortMessagePdu(commandId, seq, in);
            case SmppCommandId.SUBMIT_SM_RESP:
                return new SubmitSmResp(seq, status, cString(in, "message_id"), tlvs(in));
            case SmppCommandId.DELIVER_SM_RESP:
                return new DeliverSmResp(seq, status, cString(in, "message_id"), tlvs(in));
            case SmppCommandId.DATA_SM:
                return new DataSm(seq, cString(in, "service_type"), address(in, "source_addr"),
                        address(in, "destination_addr"), u8(in, "esm_class"), u8(in, "registered_delivery"),
                        u8(in, "data_coding"), tlvs(in));
            case SmppCommandId.DATA_SM_RESP:
                return new DataSmResp(seq, status, cString(in, "message_id"), tlvs(in));
            case SmppCommandId.QUERY_SM:
                return new QuerySm(seq, cString(in, "message_id"), address(in, "source_addr"));
            case SmppCommandId.QUERY_SM_RESP:
                return new QuerySmResp(seq, status, cString(in, "message_id"), cString(in, "final_date"),
                        u8(in, "message_state"), u8(in, "error_code"));
            case SmppCommandId.CANCEL_SM:
                return new CancelSm(seq, cString(in, "service_type"), cString(in, "message_id"),
                        address(in, "source_addr"), address(in, "destination_addr"));
            case SmppCommandId.CANCEL_SM_RESP:
                return new CancelSmResp(seq, status);
            case SmppCommandId.REPLACE_SM:
                return new ReplaceSm(seq, cString(in, "message_id"), address(in, "source_addr"),
                        cString(in, "schedule_delivery_time"), cString(in, "validity_period"),
                        u8(in, "registered_delivery"), u8(in, "sm_default_msg_id"), shortMessage(in));
            case SmppCommandId.REPLACE_SM_RESP:
                return new ReplaceSmResp(seq, status);
            case SmppCommandId.SUBMIT_MULTI:
                return submitMulti(seq, in);
            case SmppCommandId.SUBMIT_MULTI_RESP:
                return submitMultiResp(seq, status, in);
            case SmppCommandId.ALERT_NOTIFICATION:
                return new AlertNotification(seq, address(in, "source_addr"), address(in, "esme_addr"), tlvs(in));
            case SmppCommandId.PARAM_RETRIEVE:
                return new ParamRetrieve(seq, cString(in, "param_name"));
            case SmppCommandId.PARAM_RETRIEVE_RESP:
                return new ParamRetrieveResp(seq, status, cString(in, "param_value"));
            case SmppCommandId.QUERY_LAST_MSGS:
                return new QueryLastMsgs(seq, address(in, "source_addr"), u8(in, "num_messages"));
            case SmppCommandId.QUERY_LAST_MSGS_RESP:
                return queryLastMsgsResp(seq, status, in);
            case SmppCommandId.QUERY_MSG_DETAILS:
                return new QueryMsgDetails(seq, cString(in, "original_message_id"), address(in, "source_addr"),
                        u8(in, "sm_length"));
            case SmppCommandId.QUERY_MSG_DETAILS_RESP:
                return queryMsgDetailsResp(seq, status, in);
            default:
                throw new MalformedPduException(ESME_RINVCMDID,
                        "unknown command_id 0x" + String.format("%08x", commandId));
        }
    }

    /** submit_sm and deliver_sm share this layout (see {@link ShortMessagePdu}). */
    private static ShortMessagePdu shortMessagePdu(int commandId, int seq, ByteBuf in) {
        String serviceType = cString(in, "service_type");
        Address source = address(in, "source_addr");
        Address destination = address(in, "destination_addr");
        int esmClass = u8(in, "esm_class");
        int protocolId = u8(in, "protocol_id");
        int priorityFlag = u8(in, "priority_flag");
        String scheduleDeliveryTime = cString(in, "schedule_delivery_time");
        String validityPeriod = cString(in, "validity_period");
        int registeredDelivery = u8(in, "registered_delivery");
        int replaceIfPresentFlag = u8(in, "replace_if_present_flag");
        int dataCoding = u8(in, "data_coding");
        int smDefaultMsgId = u8(in, "sm_default_msg_id");
        byte[] shortMessage = shortMessage(in);
        Tlvs tlvs = tlvs(in);
        if (commandId == SmppCommandId.SUBMIT_SM) {
            return new SubmitSm(seq, serviceType, source, destination, esmClass, protocolId, priorityFlag,
                    scheduleDeliveryTime, validityPeriod, registeredDelivery, replaceIfPresentFlag, dataCoding,
                    smDefaultMsgId, shortMessage, tlvs);
        }
        return new DeliverSm(seq, serviceType, source, destination, esmClass, protocolId, priorityFlag,
                scheduleDeliveryTime, validityPeriod, registeredDelivery, replaceIfPresentFlag, dataCoding,
                smDefaultMsgId, shortMessage, tlvs);
    }

    private static SubmitMulti submitMulti(int seq, ByteBuf in) {
        String serviceType = cString(in, "service_type");
        Address source = address(in, "source_addr");
        List<DestinationAddress> destinations = destinations(in);
        int esmClass = u8(in, "esm_class");
        int protocolId = u8(in, "protocol_id");
        int priorityFlag = u8(in, "priority_flag");
        String scheduleDeliveryTime = cString(in, "schedule_delivery_time");
        String validityPeriod = cString(in, "validity_period");
        int registeredDelivery = u8(in, "registered_delivery");
        int replaceIfPresentFlag = u8(in, "replace_if_present_flag");
        int dataCoding = u8(in, "data_coding");
        int smDefaultMsgId = u8(in, "sm_default_msg_id");
        byte[] shortMessage = shortMessage(in);
        return new SubmitMulti(seq, serviceType, source, destinations, esmClass, protocolId, priorityFlag,
                scheduleDeliveryTime, validityPeriod, registeredDelivery, replaceIfPresentFlag, dataCoding,
                smDefaultMsgId, shortMessage, tlvs(in));
    }

    private static SubmitMultiResp submitMultiResp(int seq, int status, ByteBuf in) {
        String messageId = cString(in, "message_id");
        int count = u8(in, "no_unsuccess");
        List<UnsuccessfulDelivery> failed = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Address address = address(in, "dest_addr");
            failed.add(new UnsuccessfulDelivery(address, u32(in, "error_status_code")));
        }
        return new SubmitMultiResp(seq, status, messageId, failed, tlvs(in));
    }

    private static QueryLastMsgsResp queryLastMsgsResp(int seq, int status, ByteBuf in) {
        int count = u8(in, "number_msgs");
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(cString(in, "message_id"));
        }
        return new QueryLastMsgsResp(seq, status, ids);
    }

    private static QueryMsgDetailsResp queryMsgDetailsResp(int seq, int status, ByteBuf in) {
        String serviceType = cString(in, "service_type");
        Address source = address(in, "source_addr");
        List<DestinationAddress> destinations = destinations(in);
        int protocolId = u8(in, "protocol_id");
        int priorityFlag = u8(in, "priority_flag");
        String scheduleDeliveryTime = cString(in, "schedule_delivery_time");
        String validityPeriod = cString(in, "validity_period");
        int registeredDelivery = u8(in, "registered_delivery");
        int dataCoding = u8(in, "data_coding");
        byte[] shortMessage = shortMessage(in);
        return new QueryMsgDetailsResp(seq, status, serviceType, source, destinations, protocolId, priorityFlag,
                scheduleDeliveryTime, validityPeriod, registeredDelivery, dataCoding, shortMessage,
                cString(in, "message_id"), cString(in, "final_date"), u8(in, "message_status"),
                u8(in, "error_code"));
    }

    private static List<DestinationAddress> destinations(ByteBuf in) {
        int count = u8(in, "number_of_dests");
        List<DestinationAddress> destinations = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int flag = u8(in, "dest_flag");
            if (flag == DestinationAddress.SME_ADDRESS_FLAG) {
                destinations.add(new DestinationAddress.Sme(address(in, "destination_addr")));
            } else if (flag == DestinationAddress.DISTRIBUTION_LIST_FLAG) {
                destinations.add(new DestinationAddress.DistributionList(cString(in, "dl_name")));
            } else {
                throw new MalformedPduException(ESME_RINVDESTFLAG, "dest_flag " + flag + " at destination " + (i + 1));
            }
        }
        return destinations;
    }

    private static int u8(ByteBuf in, String field) {
        if (!in.isReadable()) {
            throw missing(field);
        }
        return in.readUnsignedByte();
    }

    private static int u32(ByteBuf in, String field) {
        if (in.readableBytes() < 4) {
            throw missing(field);
        }
        return in.readInt();
    }

    private static Address address(ByteBuf in, String field) {
        byte ton = (byte) u8(in, field + "_ton");
        byte npi = (byte) u8(in, field + "_npi");
        return new Address(ton, npi, cString(in, field));
    }

    /** A NUL-terminated Latin-1 string; the NUL must lie inside the frame. */
    private static String cString(ByteBuf in, String field) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        if (start >= end) {
            throw missing(field);
        }
        int nul = in.indexOf(start, end, (byte) 0);
        if (nul < 0) {
            throw new MalformedPduException(ESME_RINVCMDLEN, field + " has no terminating NUL inside the frame");
        }
        in.readerIndex(nul + 1);
        return nul == start ? "" : in.toString(start, nul - start, StandardCharsets.ISO_8859_1);
    }

    /** sm_length followed by that many octets. */
    private static byte[] shortMessage(ByteBuf in) {
        int length = u8(in, "sm_length");
        if (length > in.readableBytes()) {
            throw new MalformedPduException(ESME_RINVMSGLEN,
                    "sm_length " + length + " but only " + in.readableBytes() + " bytes remain");
        }
        if (length == 0) {
            return Fields.NO_BYTES;
        }
        byte[] message = new byte[length];
        in.readBytes(message);
        return message;
    }

    /** Everything left in the frame, as TLVs. A first pass validates and counts, so the array is sized once. */
    private static Tlvs tlvs(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        if (start == end) {
            return Tlvs.EMPTY;
        }
        int count = 0;
        int pos = start;
        while (pos < end) {
            if (end - pos < 4) {
                throw new MalformedPduException(ESME_RINVOPTPARSTREAM,
                        "TLV header truncated: " + (end - pos) + " bytes left");
            }
            int length = in.getUnsignedShort(pos + 2);
            if (length > end - pos - 4) {
                throw new MalformedPduException(ESME_RINVOPTPARSTREAM, "TLV " + TlvTag.toHex(in.getShort(pos))
                        + " length " + length + " exceeds the " + (end - pos - 4) + " bytes left");
            }
            pos += 4 + length;
            count++;
        }
        Tlv[] items = new Tlv[count];
        for (int i = 0; i < count; i++) {
            short tag = in.readShort();
            int length = in.readUnsignedShort();
            byte[] value = length == 0 ? Fields.NO_BYTES : new byte[length];
            in.readBytes(value);
            items[i] = new Tlv(tag, value);
        }
        return Tlvs.wrap(items);
    }

    private static MalformedPduException missing(String field) {
        return new MalformedPduException(ESME_RINVCMDLEN, "body ends before " + field);
    }
}
