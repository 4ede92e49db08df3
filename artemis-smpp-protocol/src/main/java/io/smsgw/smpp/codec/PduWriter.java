package io.smsgw.smpp.codec;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Encodes a {@link SmppPdu} into its wire form, command_length included. A value that cannot be
 * represented (C-string longer than the spec's field size, a non-Latin-1 or NUL character, a
 * one-byte field outside 0..255, too many destinations) is a programming error and throws
 * {@link IllegalArgumentException}; nothing is written to the buffer in that case.
 *
 * <p>Field sizes enforced (bytes including the NUL): where SMPP 3.3 and 3.4 differ the larger
 * 3.4 size is used (e.g. message_id 65); restricting 3.3 sessions is the session's job.
 */
final class PduWriter {

    private static final int SERVICE_TYPE = 6;
    private static final int ADDR_21 = 21;
    private static final int ADDR_65 = 65;
    private static final int TIME = 17;
    private static final int MESSAGE_ID = 65;
    private static final int MESSAGE_ID_33 = 9;
    private static final int SYSTEM_ID = 16;
    private static final int PASSWORD = 9;
    private static final int SYSTEM_TYPE = 13;
    private static final int ADDRESS_RANGE = 41;
    private static final int DL_NAME = 21;
    private static final int PARAM_NAME = 31;
    private static final int PARAM_VALUE = 101;

    private PduWriter() {
    }

    static void encode(SmppPdu pdu, ByteBuf out) {
        if (pdu instanceof MalformedPdu) {
            throw new IllegalArgumentException("a MalformedPdu cannot be encoded: " + pdu);
        }
        int start = out.writerIndex();
        try {
            out.writeInt(0); // command_length, patched below
            out.writeInt(pdu.commandId());
            out.writeInt(pdu.commandStatus());
            out.writeInt(pdu.sequenceNumber());
            writeBody(pdu, out);
            out.setInt(start, out.writerIndex() - start);
        } catch (IllegalArgumentException e) {
            out.writerIndex(start);
            throw e;
        }
    }

    private static void writeBody(SmppPdu pdu, ByteBuf out) {
        switch (pdu.commandId()) {
            case SmppCommandId.GENERIC_NACK:
            case SmppCommandId.UNBIND:
            case SmppCommandId.UNBIND_RESP:
            case SmppCommandId.ENQUIRE_LINK:
            case SmppCommandId.ENQUIRE_LINK_RESP:
            case SmppCommandId.CANCEL_SM_RESP:
            case SmppCommandId.REPLACE_SM_RESP:
                break;
            case SmppCommandId.BIND_RECEIVER:
            case SmppCommandId.BIND_TRANSMITTER:
            case SmppCommandId.BIND_TRANSCEIVER:
                bind((BindRequest) pdu, out);
                break;
            case SmppCommandId.BIND_RECEIVER_RESP:
            case SmppCommandId.BIND_TRANSMITTER_RESP:
            case SmppCommandId.BIND_TRANSCEIVER_RESP:
                BindResponse bindResp = (BindResponse) pdu;
                cString(out, bindResp.systemId(), SYSTEM_ID, "system_id");
                tlvs(out, bindResp.tlvs());
                break;
            case SmppCommandId.OUTBIND:
                Outbind outbind = (Outbind) pdu;
                cString(out, outbind.systemId(), SYSTEM_ID, "system_id");
                cString(out, outbind.password(), PASSWORD, "password");
                break;
            case SmppCommandId.SUBMIT_SM:
            case SmppCommandId.DELIVER_SM:
                shortMessagePdu((ShortMessagePdu) pdu, out);
                break;
            case SmppCommandId.SUBMIT_SM_RESP:
                SubmitSmResp submitResp = (SubmitSmResp) pdu;
                cString(out, submitResp.messageId(), MESSAGE_ID, "message_id");
                tlvs(out, submitResp.tlvs());
                break;
            case SmppCommandId.DELIVER_SM_RESP:
                DeliverSmResp deliverResp = (DeliverSmResp) pdu;
                cString(out, deliverResp.messageId(), MESSAGE_ID, "message_id");
                tlvs(out, deliverResp.tlvs());
                break;
            case SmppCommandId.DATA_SM:
                dataSm((DataSm) pdu, out);
                break;
            case SmppCommandId.DATA_SM_RESP:
                DataSmResp dataResp = (DataSmResp) pdu;
                cString(out, dataResp.messageId(), MESSAGE_ID, "message_id");
                tlvs(out, dataResp.tlvs());
                break;
            case SmppCommandId.QUERY_SM:
                QuerySm query = (QuerySm) pdu;
                cString(out, query.messageId(), MESSAGE_ID, "message_id");
                address(out, query.sourceAddr(), ADDR_21, "source_addr");
                break;
            case SmppCommandId.QUERY_SM_RESP:
                QuerySmResp queryResp = (QuerySmResp) pdu;
                cString(out, queryResp.messageId(), MESSAGE_ID, "message_id");
                cString(out, queryResp.finalDate(), TIME, "final_date");
                u8(out, queryResp.messageState(), "message_state");
                u8(out, queryResp.errorCode(), "error_code");
                break;
            case SmppCommandId.CANCEL_SM:
                CancelSm cancel = (CancelSm) pdu;
                cString(out, cancel.serviceType(), SERVICE_TYPE, "service_type");
                cString(out, cancel.messageId(), MESSAGE_ID, "message_id");
                address(out, cancel.sourceAddr(), ADDR_21, "source_addr");
                address(out, cancel.destinationAddr(), ADDR_21, "destination_addr");
                break;
            case SmppCommandId.REPLACE_SM:
                replaceSm((ReplaceSm) pdu, out);
                break;
            case SmppCommandId.SUBMIT_MULTI:
                submitMulti((SubmitMulti) pdu, out);
                break;
            case SmppCommandId.SUBMIT_MULTI_RESP:
                submitMultiResp((SubmitMultiResp) pdu, out);
                break;
            case SmppCommandId.ALERT_NOTIFICATION:
                AlertNotification alert = (AlertNotification) pdu;
                address(out, alert.sourceAddr(), ADDR_65, "source_addr");
                address(out, alert.esmeAddr(), ADDR_65, "esme_addr");
                tlvs(out, alert.tlvs());
                break;
            case SmppCommandId.PARAM_RETRIEVE:
                cString(out, ((ParamRetrieve) pdu).paramName(), PARAM_NAME, "param_name");
                break;
            case SmppCommandId.PARAM_RETRIEVE_RESP:
                cString(out, ((ParamRetrieveResp) pdu).paramValue(), PARAM_VALUE, "param_value");
                break;
            case SmppCommandId.QUERY_LAST_MSGS:
                QueryLastMsgs last = (QueryLastMsgs) pdu;
                address(out, last.sourceAddr(), ADDR_21, "source_addr");
                u8(out, last.numMessages(), "num_messages");
                break;
            case SmppCommandId.QUERY_LAST_MSGS_RESP:
                queryLastMsgsResp((QueryLastMsgsResp) pdu, out);
                break;
            case SmppCommandId.QUERY_MSG_DETAILS:
                QueryMsgDetails details = (QueryMsgDetails) pdu;
                cString(out, details.messageId(), MESSAGE_ID_33, "original_message_id");
                address(out, details.sourceAddr(), ADDR_21, "source_addr");
                u8(out, details.smLength(), "sm_length");
                break;
            case SmppCommandId.QUERY_MSG_DETAILS_RESP:
                queryMsgDetailsResp((QueryMsgDetailsResp) pdu, out);
                break;
            default:
                throw new IllegalArgumentException("cannot encode " + pdu);
        }
    }

    private static void bind(BindRequest bind, ByteBuf out) {
        cString(out, bind.systemId(), SYSTEM_ID, "system_id");
        cString(out, bind.password(), PASSWORD, "password");
        cString(out, bind.systemType(), SYSTEM_TYPE, "system_type");
        u8(out, bind.interfaceVersion(), "interface_version");
        u8(out, bind.addrTon(), "addr_ton");
        u8(out, bind.addrNpi(), "addr_npi");
        cString(out, bind.addressRange(), ADDRESS_RANGE, "address_range");
    }

    private static void shortMessagePdu(ShortMessagePdu sm, ByteBuf out) {
        cString(out, sm.serviceType(), SERVICE_TYPE, "service_type");
        address(out, sm.sourceAddr(), ADDR_21, "source_addr");
        address(out, sm.destinationAddr(), ADDR_21, "destination_addr");
        u8(out, sm.esmClass(), "esm_class");
        u8(out, sm.protocolId(), "protocol_id");
        u8(out, sm.priorityFlag(), "priority_flag");
        cString(out, sm.scheduleDeliveryTime(), TIME, "schedule_delivery_time");
        cString(out, sm.validityPeriod(), TIME, "validity_period");
        u8(out, sm.registeredDelivery(), "registered_delivery");
        u8(out, sm.replaceIfPresentFlag(), "replace_if_present_flag");
        u8(out, sm.dataCoding(), "data_coding");
        u8(out, sm.smDefaultMsgId(), "sm_default_msg_id");
        shortMessage(out, sm.shortMessage());
        tlvs(out, sm.tlvs());
    }

    private static void dataSm(DataSm dataSm, ByteBuf out) {
        cString(out, dataSm.serviceType(), SERVICE_TYPE, "service_type");
        address(out, dataSm.sourceAddr(), ADDR_65, "source_addr");
        address(out, dataSm.destinationAddr(), ADDR_65, "destination_addr");
        u8(out, dataSm.esmClass(), "esm_class");
        u8(out, dataSm.registeredDelivery(), "registered_delivery");
        u8(out, dataSm.dataCoding(), "data_coding");
        tlvs(out, dataSm.tlvs());
    }

    private static void replaceSm(ReplaceSm replace, ByteBuf out) {
        cString(out, replace.messageId(), MESSAGE_ID, "message_id");
        address(out, replace.sourceAddr(), ADDR_21, "source_addr");
        cString(out, replace.scheduleDeliveryTime(), TIME, "schedule_delivery_time");
        cString(out, replace.validityPeriod(), TIME, "validity_period");
        u8(out, replace.registeredDelivery(), "registered_delivery");
        u8(out, replace.smDefaultMsgId(), "sm_default_msg_id");
        shortMessage(out, replace.shortMessage());
    }

    private static void submitMulti(SubmitMulti multi, ByteBuf out) {
        cString(out, multi.serviceType(), SERVICE_TYPE, "service_type");
        address(out, multi.sourceAddr(), ADDR_21, "source_addr");
        destinations(out, multi.destinations());
        u8(out, multi.esmClass(), "esm_class");
        u8(out, multi.protocolId(), "protocol_id");
        u8(out, multi.priorityFlag(), "priority_flag");
        cString(out, multi.scheduleDeliveryTime(), TIME, "schedule_delivery_time");
        cString(out, multi.validityPeriod(), TIME, "validity_period");
        u8(out, multi.registeredDelivery(), "registered_delivery");
        u8(out, multi.replaceIfPresentFlag(), "replace_if_present_flag");
        u8(out, multi.dataCoding(), "data_coding");
        u8(out, multi.smDefaultMsgId(), "sm_default_msg_id");
        shortMessage(out, multi.shortMessage());
        tlvs(out, multi.tlvs());
    }

    private static void submitMultiResp(SubmitMultiResp resp, ByteBuf out) {
        cString(out, resp.messageId(), MESSAGE_ID, "message_id");
        List<UnsuccessfulDelivery> failed = resp.unsuccessSmes();
        u8(out, failed.size(), "no_unsuccess");
        for (UnsuccessfulDelivery delivery : failed) {
            address(out, delivery.destAddr(), ADDR_21, "dest_addr");
            out.writeInt(delivery.errorStatusCode());
        }
        tlvs(out, resp.tlvs());
    }

    private static void queryLastMsgsResp(QueryLastMsgsResp resp, ByteBuf out) {
        u8(out, resp.messageIds().size(), "number_msgs");
        for (String id : resp.messageIds()) {
            cString(out, id, MESSAGE_ID_33, "message_id");
        }
    }

    private static void queryMsgDetailsResp(QueryMsgDetailsResp resp, ByteBuf out) {
        cString(out, resp.serviceType(), SERVICE_TYPE, "service_type");
        address(out, resp.sourceAddr(), ADDR_21, "source_addr");
        destinations(out, resp.destinations());
        u8(out, resp.protocolId(), "protocol_id");
        u8(out, resp.priorityFlag(), "priority_flag");
        cString(out, resp.scheduleDeliveryTime(), TIME, "schedule_delivery_time");
        cString(out, resp.validityPeriod(), TIME, "validity_period");
        u8(out, resp.registeredDelivery(), "registered_delivery");
        u8(out, resp.dataCoding(), "data_coding");
        shortMessage(out, resp.shortMessage());
        cString(out, resp.messageId(), MESSAGE_ID_33, "message_id");
        cString(out, resp.finalDate(), TIME, "final_date");
        u8(out, resp.messageStatus(), "message_status");
        u8(out, resp.errorCode(), "error_code");
    }

    private static void destinations(ByteBuf out, List<DestinationAddress> destinations) {
        if (destinations.size() > SubmitMulti.MAX_DESTINATIONS) {
            throw new IllegalArgumentException("number_of_dests " + destinations.size() + " exceeds "
                    + SubmitMulti.MAX_DESTINATIONS);
        }
        out.writeByte(destinations.size());
        for (DestinationAddress destination : destinations) {
            out.writeByte(destination.destFlag());
            if (destination instanceof DestinationAddress.Sme sme) {
                address(out, sme.address(), ADDR_21, "destination_addr");
            } else {
                cString(out, ((DestinationAddress.DistributionList) destination).dlName(), DL_NAME, "dl_name");
            }
        }
    }

    private static void address(ByteBuf out, Address address, int size, String field) {
        out.writeByte(address.ton());
        out.writeByte(address.npi());
        cString(out, address.address(), size, field);
    }

    private static void shortMessage(ByteBuf out, byte[] message) {
        if (message.length > ShortMessagePdu.MAX_SHORT_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("short_message of " + message.length + " octets exceeds "
                    + ShortMessagePdu.MAX_SHORT_MESSAGE_LENGTH + "; use message_payload");
        }
        out.writeByte(message.length);
        out.writeBytes(message);
    }

    private static void tlvs(ByteBuf out, Tlvs tlvs) {
        tlvs.writeTo(out);
    }

    private static void u8(ByteBuf out, int value, String field) {
        if ((value & ~0xFF) != 0) {
            throw new IllegalArgumentException(field + " " + value + " does not fit in one octet");
        }
        out.writeByte(value);
    }

    /** Writes {@code value} as Latin-1 plus NUL; {@code size} counts the NUL, as the spec does. */
    private static void cString(ByteBuf out, String value, int size, String field) {
        int length = value.length();
        if (length > size - 1) {
            throw new IllegalArgumentException(field + " \"" + value + "\" is longer than " + (size - 1)
                    + " characters");
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c == 0 || c > 0xFF) {
                throw new IllegalArgumentException(field + " contains a character that is NUL or not Latin-1 at "
                        + i);
            }
            out.writeByte(c);
        }
        out.writeByte(0);
    }
}
