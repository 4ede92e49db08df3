package io.smsgw.smpp.codec;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Encodes a {@link SmppPdu} into its wire form, command_length included. A value that cannot be
 * represented (C-string longer than the spec's field size, a non-Latin-1 or NUL character, a
 * one-byte field outside 0..255, too many destinations) is a programming error and throws
 * {@link IllegalArgumentException}; nothing is appended to the buffer in that case (its writer index
 * and readable bytes are unchanged).
 *
 * <p>Two passes over one description of each layout: the first computes command_length and checks
 * every field's size and range, the second writes the bytes into the buffer's backing array after one
 * {@code ensureWritable} (buffers without an array get one {@code writeBytes} of a filled array), so no
 * field goes through the checked, reference-counted {@code ByteBuf} write methods.
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
        // First pass: the exact command_length, with every length and range checked; second pass: the bytes,
        // written straight into the buffer's array (or into one array copied into a buffer that has none).
        int length = pdu(pdu, null, 0, 0);
        int start = out.writerIndex();
        out.ensureWritable(length);
        if (out.hasArray()) {
            write(pdu, out.array(), out.arrayOffset() + start, length);
            out.writerIndex(start + length);
        } else {
            byte[] bytes = new byte[length];
            write(pdu, bytes, 0, length);
            out.writeBytes(bytes);
        }
    }

    /**
     * Writes the whole PDU of {@code length} bytes at {@code a[at]}. A character that cannot be encoded
     * throws half way; the caller has not moved the writer index yet, so nothing is appended.
     */
    private static void write(SmppPdu pdu, byte[] a, int at, int length) {
        int written = pdu(pdu, a, at, length) - at;
        if (written != length) {
            throw new IllegalStateException("wrote " + written + " bytes of a " + length + "-byte " + pdu);
        }
    }

    /**
     * Header and body of {@code pdu} at {@code a[at]}; returns the position after them. With {@code a == null}
     * only checks and counts (the first pass, from 0), so both passes share one description of every layout.
     */
    private static int pdu(SmppPdu pdu, byte[] a, int at, int length) {
        // The gateway's traffic first, by exact class: no interface calls on a PDU of unknown type.
        if (pdu instanceof SubmitSm sm) {
            header(a, at, length, SmppCommandId.SUBMIT_SM, SmppStatus.ESME_ROK, sm.sequenceNumber());
            return shortMessagePdu(sm, a, at + SmppCodec.HEADER_LENGTH);
        }
        if (pdu instanceof DeliverSm sm) {
            header(a, at, length, SmppCommandId.DELIVER_SM, SmppStatus.ESME_ROK, sm.sequenceNumber());
            return shortMessagePdu(sm, a, at + SmppCodec.HEADER_LENGTH);
        }
        if (pdu instanceof SubmitSmResp resp) {
            header(a, at, length, SmppCommandId.SUBMIT_SM_RESP, resp.commandStatus(), resp.sequenceNumber());
            int p = cString(a, at + SmppCodec.HEADER_LENGTH, resp.messageId(), MESSAGE_ID, "message_id");
            return tlvs(a, p, resp.tlvs());
        }
        if (pdu instanceof DeliverSmResp resp) {
            header(a, at, length, SmppCommandId.DELIVER_SM_RESP, resp.commandStatus(), resp.sequenceNumber());
            int p = cString(a, at + SmppCodec.HEADER_LENGTH, resp.messageId(), MESSAGE_ID, "message_id");
            return tlvs(a, p, resp.tlvs());
        }
        header(a, at, length, pdu.commandId(), pdu.commandStatus(), pdu.sequenceNumber());
        return otherBody(pdu, a, at + SmppCodec.HEADER_LENGTH);
    }

    private static void header(byte[] a, int at, int length, int commandId, int status, int seq) {
        if (a != null) {
            int32(a, at, length);
            int32(a, at + 4, commandId);
            int32(a, at + 8, status);
            int32(a, at + 12, seq);
        }
    }

    private static int otherBody(SmppPdu pdu, byte[] a, int p) {
        switch (pdu.commandId()) {
            case SmppCommandId.GENERIC_NACK:
            case SmppCommandId.UNBIND:
            case SmppCommandId.UNBIND_RESP:
            case SmppCommandId.ENQUIRE_LINK:
            case SmppCommandId.ENQUIRE_LINK_RESP:
            case SmppCommandId.CANCEL_SM_RESP:
            case SmppCommandId.REPLACE_SM_RESP:
                return p;
            case SmppCommandId.BIND_RECEIVER:
            case SmppCommandId.BIND_TRANSMITTER:
            case SmppCommandId.BIND_TRANSCEIVER:
                return bind((BindRequest) pdu, a, p);
            case SmppCommandId.BIND_RECEIVER_RESP:
            case SmppCommandId.BIND_TRANSMITTER_RESP:
            case SmppCommandId.BIND_TRANSCEIVER_RESP:
                BindResponse bindResp = (BindResponse) pdu;
                return tlvs(a, cString(a, p, bindResp.systemId(), SYSTEM_ID, "system_id"), bindResp.tlvs());
            case SmppCommandId.OUTBIND:
                Outbind outbind = (Outbind) pdu;
                p = cString(a, p, outbind.systemId(), SYSTEM_ID, "system_id");
                return cString(a, p, outbind.password(), PASSWORD, "password");
            case SmppCommandId.DATA_SM:
                return dataSm((DataSm) pdu, a, p);
            case SmppCommandId.DATA_SM_RESP:
                DataSmResp dataResp = (DataSmResp) pdu;
                return tlvs(a, cString(a, p, dataResp.messageId(), MESSAGE_ID, "message_id"), dataResp.tlvs());
            case SmppCommandId.QUERY_SM:
                QuerySm query = (QuerySm) pdu;
                p = cString(a, p, query.messageId(), MESSAGE_ID, "message_id");
                return address(a, p, query.sourceAddr(), ADDR_21, "source_addr");
            case SmppCommandId.QUERY_SM_RESP:
                QuerySmResp queryResp = (QuerySmResp) pdu;
                p = cString(a, p, queryResp.messageId(), MESSAGE_ID, "message_id");
                p = cString(a, p, queryResp.finalDate(), TIME, "final_date");
                p = u8(a, p, queryResp.messageState(), "message_state");
                return u8(a, p, queryResp.errorCode(), "error_code");
            case SmppCommandId.CANCEL_SM:
                CancelSm cancel = (CancelSm) pdu;
                p = cString(a, p, cancel.serviceType(), SERVICE_TYPE, "service_type");
                p = cString(a, p, cancel.messageId(), MESSAGE_ID, "message_id");
                p = address(a, p, cancel.sourceAddr(), ADDR_21, "source_addr");
                return address(a, p, cancel.destinationAddr(), ADDR_21, "destination_addr");
            case SmppCommandId.REPLACE_SM:
                return replaceSm((ReplaceSm) pdu, a, p);
            case SmppCommandId.SUBMIT_MULTI:
                return submitMulti((SubmitMulti) pdu, a, p);
            case SmppCommandId.SUBMIT_MULTI_RESP:
                return submitMultiResp((SubmitMultiResp) pdu, a, p);
            case SmppCommandId.ALERT_NOTIFICATION:
                AlertNotification alert = (AlertNotification) pdu;
                p = address(a, p, alert.sourceAddr(), ADDR_65, "source_addr");
                p = address(a, p, alert.esmeAddr(), ADDR_65, "esme_addr");
                return tlvs(a, p, alert.tlvs());
            case SmppCommandId.PARAM_RETRIEVE:
                return cString(a, p, ((ParamRetrieve) pdu).paramName(), PARAM_NAME, "param_name");
            case SmppCommandId.PARAM_RETRIEVE_RESP:
                return cString(a, p, ((ParamRetrieveResp) pdu).paramValue(), PARAM_VALUE, "param_value");
            case SmppCommandId.QUERY_LAST_MSGS:
                QueryLastMsgs last = (QueryLastMsgs) pdu;
                p = address(a, p, last.sourceAddr(), ADDR_21, "source_addr");
                return u8(a, p, last.numMessages(), "num_messages");
            case SmppCommandId.QUERY_LAST_MSGS_RESP:
                return queryLastMsgsResp((QueryLastMsgsResp) pdu, a, p);
            case SmppCommandId.QUERY_MSG_DETAILS:
                QueryMsgDetails details = (QueryMsgDetails) pdu;
                p = cString(a, p, details.messageId(), MESSAGE_ID_33, "original_message_id");
                p = address(a, p, details.sourceAddr(), ADDR_21, "source_addr");
                return u8(a, p, details.smLength(), "sm_length");
            case SmppCommandId.QUERY_MSG_DETAILS_RESP:
                return queryMsgDetailsResp((QueryMsgDetailsResp) pdu, a, p);
            default:
                throw new IllegalArgumentException("cannot encode " + pdu);
        }
    }

    private static int bind(BindRequest bind, byte[] a, int p) {
        p = cString(a, p, bind.systemId(), SYSTEM_ID, "system_id");
        p = cString(a, p, bind.password(), PASSWORD, "password");
        p = cString(a, p, bind.systemType(), SYSTEM_TYPE, "system_type");
        p = u8(a, p, bind.interfaceVersion(), "interface_version");
        p = u8(a, p, bind.addrTon(), "addr_ton");
        p = u8(a, p, bind.addrNpi(), "addr_npi");
        return cString(a, p, bind.addressRange(), ADDRESS_RANGE, "address_range");
    }

    private static int shortMessagePdu(ShortMessagePdu sm, byte[] a, int p) {
        p = cString(a, p, sm.serviceType(), SERVICE_TYPE, "service_type");
        p = address(a, p, sm.sourceAddr(), ADDR_21, "source_addr");
        p = address(a, p, sm.destinationAddr(), ADDR_21, "destination_addr");
        p = u8(a, p, sm.esmClass(), "esm_class");
        p = u8(a, p, sm.protocolId(), "protocol_id");
        p = u8(a, p, sm.priorityFlag(), "priority_flag");
        p = cString(a, p, sm.scheduleDeliveryTime(), TIME, "schedule_delivery_time");
        p = cString(a, p, sm.validityPeriod(), TIME, "validity_period");
        p = u8(a, p, sm.registeredDelivery(), "registered_delivery");
        p = u8(a, p, sm.replaceIfPresentFlag(), "replace_if_present_flag");
        p = u8(a, p, sm.dataCoding(), "data_coding");
        p = u8(a, p, sm.smDefaultMsgId(), "sm_default_msg_id");
        p = shortMessage(a, p, sm.shortMessage());
        return tlvs(a, p, sm.tlvs());
    }

    private static int dataSm(DataSm dataSm, byte[] a, int p) {
        p = cString(a, p, dataSm.serviceType(), SERVICE_TYPE, "service_type");
        p = address(a, p, dataSm.sourceAddr(), ADDR_65, "source_addr");
        p = address(a, p, dataSm.destinationAddr(), ADDR_65, "destination_addr");
        p = u8(a, p, dataSm.esmClass(), "esm_class");
        p = u8(a, p, dataSm.registeredDelivery(), "registered_delivery");
        p = u8(a, p, dataSm.dataCoding(), "data_coding");
        return tlvs(a, p, dataSm.tlvs());
    }

    private static int replaceSm(ReplaceSm replace, byte[] a, int p) {
        p = cString(a, p, replace.messageId(), MESSAGE_ID, "message_id");
        p = address(a, p, replace.sourceAddr(), ADDR_21, "source_addr");
        p = cString(a, p, replace.scheduleDeliveryTime(), TIME, "schedule_delivery_time");
        p = cString(a, p, replace.validityPeriod(), TIME, "validity_period");
        p = u8(a, p, replace.registeredDelivery(), "registered_delivery");
        p = u8(a, p, replace.smDefaultMsgId(), "sm_default_msg_id");
        return shortMessage(a, p, replace.shortMessage());
    }

    private static int submitMulti(SubmitMulti multi, byte[] a, int p) {
        p = cString(a, p, multi.serviceType(), SERVICE_TYPE, "service_type");
        p = address(a, p, multi.sourceAddr(), ADDR_21, "source_addr");
        p = destinations(a, p, multi.destinations());
        p = u8(a, p, multi.esmClass(), "esm_class");
        p = u8(a, p, multi.protocolId(), "protocol_id");
        p = u8(a, p, multi.priorityFlag(), "priority_flag");
        p = cString(a, p, multi.scheduleDeliveryTime(), TIME, "schedule_delivery_time");
        p = cString(a, p, multi.validityPeriod(), TIME, "validity_period");
        p = u8(a, p, multi.registeredDelivery(), "registered_delivery");
        p = u8(a, p, multi.replaceIfPresentFlag(), "replace_if_present_flag");
        p = u8(a, p, multi.dataCoding(), "data_coding");
        p = u8(a, p, multi.smDefaultMsgId(), "sm_default_msg_id");
        p = shortMessage(a, p, multi.shortMessage());
        return tlvs(a, p, multi.tlvs());
    }

    private static int submitMultiResp(SubmitMultiResp resp, byte[] a, int p) {
        p = cString(a, p, resp.messageId(), MESSAGE_ID, "message_id");
        List<UnsuccessfulDelivery> failed = resp.unsuccessSmes();
        p = u8(a, p, failed.size(), "no_unsuccess");
        for (UnsuccessfulDelivery delivery : failed) {
            p = address(a, p, delivery.destAddr(), ADDR_21, "dest_addr");
            if (a != null) {
                int32(a, p, delivery.errorStatusCode());
            }
            p += 4;
        }
        return tlvs(a, p, resp.tlvs());
    }

    private static int queryLastMsgsResp(QueryLastMsgsResp resp, byte[] a, int p) {
        p = u8(a, p, resp.messageIds().size(), "number_msgs");
        for (String id : resp.messageIds()) {
            p = cString(a, p, id, MESSAGE_ID_33, "message_id");
        }
        return p;
    }

    private static int queryMsgDetailsResp(QueryMsgDetailsResp resp, byte[] a, int p) {
        p = cString(a, p, resp.serviceType(), SERVICE_TYPE, "service_type");
        p = address(a, p, resp.sourceAddr(), ADDR_21, "source_addr");
        p = destinations(a, p, resp.destinations());
        p = u8(a, p, resp.protocolId(), "protocol_id");
        p = u8(a, p, resp.priorityFlag(), "priority_flag");
        p = cString(a, p, resp.scheduleDeliveryTime(), TIME, "schedule_delivery_time");
        p = cString(a, p, resp.validityPeriod(), TIME, "validity_period");
        p = u8(a, p, resp.registeredDelivery(), "registered_delivery");
        p = u8(a, p, resp.dataCoding(), "data_coding");
        p = shortMessage(a, p, resp.shortMessage());
        p = cString(a, p, resp.messageId(), MESSAGE_ID_33, "message_id");
        p = cString(a, p, resp.finalDate(), TIME, "final_date");
        p = u8(a, p, resp.messageStatus(), "message_status");
        return u8(a, p, resp.errorCode(), "error_code");
    }

    private static int destinations(byte[] a, int p, List<DestinationAddress> destinations) {
        if (destinations.size() > SubmitMulti.MAX_DESTINATIONS) {
            throw new UnencodableFieldException("number_of_dests", "number_of_dests " + destinations.size() + " exceeds "
                    + SubmitMulti.MAX_DESTINATIONS);
        }
        p = u8(a, p, destinations.size(), "number_of_dests");
        for (DestinationAddress destination : destinations) {
            p = u8(a, p, destination.destFlag(), "dest_flag");
            if (destination instanceof DestinationAddress.Sme sme) {
                p = address(a, p, sme.address(), ADDR_21, "destination_addr");
            } else {
                p = cString(a, p, ((DestinationAddress.DistributionList) destination).dlName(), DL_NAME, "dl_name");
            }
        }
        return p;
    }

    private static int address(byte[] a, int p, Address address, int size, String field) {
        if (a != null) {
            a[p] = address.ton();
            a[p + 1] = address.npi();
        }
        return cString(a, p + 2, address.address(), size, field);
    }

    private static int shortMessage(byte[] a, int p, byte[] message) {
        if (message.length > ShortMessagePdu.MAX_SHORT_MESSAGE_LENGTH) {
            throw new UnencodableFieldException("short_message", "short_message of " + message.length + " octets exceeds "
                    + ShortMessagePdu.MAX_SHORT_MESSAGE_LENGTH + "; use message_payload");
        }
        if (a != null) {
            a[p] = (byte) message.length;
            System.arraycopy(message, 0, a, p + 1, message.length);
        }
        return p + 1 + message.length;
    }

    private static int tlvs(byte[] a, int p, Tlvs tlvs) {
        if (tlvs.isEmpty()) {
            return p; // most PDUs: skip the list's (volatile) item lookups
        }
        return a == null ? p + tlvs.encodedLength() : tlvs.writeTo(a, p);
    }

    private static int u8(byte[] a, int p, int value, String field) {
        if ((value & ~0xFF) != 0) {
            throw new UnencodableFieldException(field, field + " " + value + " does not fit in one octet");
        }
        if (a != null) {
            a[p] = (byte) value;
        }
        return p + 1;
    }

    /**
     * {@code value} as Latin-1 plus NUL; {@code size} counts the NUL, as the spec does. The characters
     * are checked while they are copied (second pass).
     */
    private static int cString(byte[] a, int p, String value, int size, String field) {
        int length = value.length();
        if (length > size - 1) {
            // A password's value stays out of the message: it ends up in logs.
            String shown = "password".equals(field) ? field : field + " \"" + value + "\"";
            throw new UnencodableFieldException(field, shown + " is longer than " + (size - 1) + " characters");
        }
        if (a != null) {
            for (int i = 0; i < length; i++) {
                char c = value.charAt(i);
                if (c == 0 || c > 0xFF) {
                    throw new UnencodableFieldException(field, field + " contains a character that is NUL or not Latin-1 at "
                            + i);
                }
                a[p + i] = (byte) c;
            }
            a[p + length] = 0;
        }
        return p + length + 1;
    }

    private static void int32(byte[] a, int p, int value) {
        a[p] = (byte) (value >>> 24);
        a[p + 1] = (byte) (value >>> 16);
        a[p + 2] = (byte) (value >>> 8);
        a[p + 3] = (byte) value;
    }
}
