package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.SmppStatus.ESME_RINVCMDID;
import static io.smsgw.smpp.codec.SmppStatus.ESME_RINVCMDLEN;
import static io.smsgw.smpp.codec.SmppStatus.ESME_RINVDESTFLAG;
import static io.smsgw.smpp.codec.SmppStatus.ESME_RINVMSGLEN;
import static io.smsgw.smpp.codec.SmppStatus.ESME_RINVOPTPARSTREAM;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes one complete SMPP frame into a {@link SmppPdu}. Fields are read from the frame's bytes
 * (its backing array, or one bulk copy when the buffer has none) with plain index arithmetic and
 * one bounds check per field; the first problem becomes a {@link MalformedPdu}.
 *
 * <p>Leniency rules (what peers do in the wild): C-strings longer than the spec's maximum are
 * accepted; an error response with an empty body decodes with empty fields; bytes after the
 * mandatory body of a PDU type that can carry TLVs are parsed as TLVs (unknown tags kept), and
 * ignored for PDU types that cannot carry any. Read for SMPP 3.3 ({@code readTlvs} false), which has no TLVs, the bytes
 * after the mandatory body are ignored for every PDU type and every PDU decodes with {@link Tlvs#EMPTY}.
 */
final class PduReader {

    /** Eight bytes of a byte[] as one long, first byte lowest (for the NUL search). */
    private static final VarHandle LONGS_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] buf;
    private final int end;
    /** Whether bytes after the mandatory body are TLVs (SMPP 3.4) or ignored (3.3). */
    private final boolean readTlvs;
    /** Index in {@link #buf} of the next unread byte; never beyond {@link #end}. */
    private int pos;

    private PduReader(byte[] buf, int pos, int end, boolean readTlvs) {
        this.buf = buf;
        this.pos = pos;
        this.end = end;
        this.readTlvs = readTlvs;
    }

    static SmppPdu decode(ByteBuf frame) {
        return decode(frame, false, true);
    }

    /**
     * As {@link #decode(ByteBuf)}, and with {@code lenientAnswers} an answer whose body breaks the rules but whose header
     * is intact is read as {@link #lenientAnswer} says instead of becoming a {@link MalformedPdu}. For the answers an
     * SMSC sends to the gateway's link only: what an ESME sends the acceptor is held to the rules. Without
     * {@code readTlvs} (a peer of SMPP 3.3, which has no TLVs) the bytes after each PDU's mandatory body are ignored.
     */
    static SmppPdu decode(ByteBuf frame, boolean lenientAnswers, boolean readTlvs) {
        int frameLength = frame.readableBytes();
        if (frameLength < SmppCodec.HEADER_LENGTH) {
            return shorterThanHeader(frame, frameLength);
        }
        // Heap frames are read in place; direct or composite frames are copied once.
        byte[] buf;
        int start;
        if (frame.hasArray()) {
            buf = frame.array();
            start = frame.arrayOffset() + frame.readerIndex();
        } else {
            buf = new byte[frameLength];
            frame.getBytes(frame.readerIndex(), buf);
            start = 0;
        }
        frame.readerIndex(frame.writerIndex());
        SmppPdu pdu = decode(buf, start, start + frameLength, readTlvs);
        if (lenientAnswers && pdu instanceof MalformedPdu malformed && malformed.isResponse()) {
            SmppPdu lenient = lenientAnswer(buf, start, start + frameLength, readTlvs);
            if (lenient != null) {
                return lenient;
            }
        }
        return pdu;
    }

    /**
     * An answer read as SMSCs in the wild write them, or null for a command this does not cover or a frame whose
     * command_length disagrees with its size. submit_sm_resp, deliver_sm_resp, data_sm_resp and the bind responses
     * carry an id (message_id, system_id) then TLVs: the id ends at its NUL or, without one, at the end of the frame
     * (an empty body is an empty id), and the TLVs end before the first one that does not fit, whatever follows it
     * (a padding byte, say) being ignored. Answers without a body (enquire_link_resp, unbind_resp, generic_nack) never
     * fail: bytes after their header are ignored anyway. Only reached for a frame the strict reading refused.
     */
    private static SmppResponse lenientAnswer(byte[] b, int start, int end, boolean readTlvs) {
        if (int32(b, start) != end - start) {
            return null;
        }
        int commandId = int32(b, start + 4);
        int status = int32(b, start + 8);
        int seq = int32(b, start + 12);
        int p = start + SmppCodec.HEADER_LENGTH;
        int nul = p;
        while (nul < end && b[nul] != 0) {
            nul++;
        }
        String id = latin1(b, p, nul);
        Tlvs tlvs = nul == end || !readTlvs ? Tlvs.EMPTY : wellFormedTlvs(b, nul + 1, end);
        switch (commandId) {
            case SmppCommandId.SUBMIT_SM_RESP:
                return new SubmitSmResp(seq, status, id, tlvs);
            case SmppCommandId.DELIVER_SM_RESP:
                return new DeliverSmResp(seq, status, id, tlvs);
            case SmppCommandId.DATA_SM_RESP:
                return new DataSmResp(seq, status, id, tlvs);
            case SmppCommandId.BIND_RECEIVER_RESP:
            case SmppCommandId.BIND_TRANSMITTER_RESP:
            case SmppCommandId.BIND_TRANSCEIVER_RESP:
                return new BindResponse(seq, status, BindType.ofCommandId(commandId), id, tlvs);
            default:
                return null;
        }
    }

    /** The TLVs from {@code start} up to the first one that does not fit in the frame (and nothing after it). */
    private static Tlvs wellFormedTlvs(byte[] b, int start, int end) {
        int count = 0;
        int p = start;
        while (end - p >= 4 && u16At(b, p + 2) <= end - p - 4) {
            p += 4 + u16At(b, p + 2);
            count++;
        }
        return count == 0 ? Tlvs.EMPTY : Tlvs.ofWire(Arrays.copyOfRange(b, start, p), count);
    }

    private static MalformedPdu shorterThanHeader(ByteBuf frame, int frameLength) {
        int commandId = frameLength >= 8 ? frame.getInt(frame.readerIndex() + 4) : 0;
        frame.skipBytes(frameLength);
        return new MalformedPdu(commandId, 0, 0, ESME_RINVCMDLEN,
                "frame of " + frameLength + " bytes is shorter than the 16-byte header");
    }

    /**
     * Decodes the frame in {@code buf[start, end)}, at least a header long. Kept apart from the ByteBuf
     * handling above so that stays small enough to inline into the caller.
     */
    private static SmppPdu decode(byte[] buf, int start, int end, boolean readTlvs) {
        int frameLength = end - start;
        int commandLength = int32(buf, start);
        int commandId = int32(buf, start + 4);
        int commandStatus = int32(buf, start + 8);
        int sequenceNumber = int32(buf, start + 12);
        int body = start + SmppCodec.HEADER_LENGTH;
        try {
            if (commandLength != frameLength) {
                throw new MalformedPduException(ESME_RINVCMDLEN,
                        "command_length " + Integer.toUnsignedString(commandLength) + " but frame has " + frameLength
                                + " bytes");
            }
            if (body == end && commandStatus != SmppStatus.ESME_ROK) {
                SmppResponse empty = emptyErrorResponse(commandId, commandStatus, sequenceNumber);
                if (empty != null) {
                    return empty;
                }
            }
            if (commandId == SmppCommandId.SUBMIT_SM || commandId == SmppCommandId.DELIVER_SM) {
                // Most traffic: skip the big switch, and the reader object (everything lives in locals).
                return shortMessagePdu(buf, body, end, commandId, sequenceNumber, readTlvs);
            }
            if (commandId == SmppCommandId.SUBMIT_SM_RESP || commandId == SmppCommandId.DELIVER_SM_RESP) {
                return messageIdResponse(buf, body, end, commandId, commandStatus, sequenceNumber, readTlvs); // likewise
            }
            return new PduReader(buf, body, end, readTlvs).decodeBody(commandId, commandStatus, sequenceNumber);
        } catch (MalformedPduException e) {
            return new MalformedPdu(commandId, commandStatus, sequenceNumber, e.status(), e.getMessage());
        } catch (IndexOutOfBoundsException e) {
            // Safety net only: every read above is checked first.
            return new MalformedPdu(commandId, commandStatus, sequenceNumber, ESME_RINVCMDLEN,
                    "read beyond the frame: " + e.getMessage());
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

    private SmppPdu decodeBody(int commandId, int status, int seq) {
        switch (commandId) {
            case SmppCommandId.GENERIC_NACK:
                return new GenericNack(seq, status);
            case SmppCommandId.BIND_RECEIVER:
            case SmppCommandId.BIND_TRANSMITTER:
            case SmppCommandId.BIND_TRANSCEIVER:
                return new BindRequest(seq, BindType.ofCommandId(commandId), cString("system_id"),
                        cString("password"), cString("system_type"), u8("interface_version"),
                        u8("addr_ton"), u8("addr_npi"), cString("address_range"));
            case SmppCommandId.BIND_RECEIVER_RESP:
            case SmppCommandId.BIND_TRANSMITTER_RESP:
            case SmppCommandId.BIND_TRANSCEIVER_RESP:
                return new BindResponse(seq, status, BindType.ofCommandId(commandId), cString("system_id"),
                        tlvs());
            case SmppCommandId.OUTBIND:
                return new Outbind(seq, cString("system_id"), cString("password"));
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
                return shortMessagePdu(buf, pos, end, commandId, seq, readTlvs);
            case SmppCommandId.SUBMIT_SM_RESP:
                return new SubmitSmResp(seq, status, cString("message_id"), tlvs());
            case SmppCommandId.DELIVER_SM_RESP:
                return new DeliverSmResp(seq, status, cString("message_id"), tlvs());
            case SmppCommandId.DATA_SM:
                return new DataSm(seq, cString("service_type"), address("source_addr"),
                        address("destination_addr"), u8("esm_class"), u8("registered_delivery"),
                        u8("data_coding"), tlvs());
            case SmppCommandId.DATA_SM_RESP:
                return new DataSmResp(seq, status, cString("message_id"), tlvs());
            case SmppCommandId.QUERY_SM:
                return new QuerySm(seq, cString("message_id"), address("source_addr"));
            case SmppCommandId.QUERY_SM_RESP:
                return new QuerySmResp(seq, status, cString("message_id"), cString("final_date"),
                        u8("message_state"), u8("error_code"));
            case SmppCommandId.CANCEL_SM:
                return new CancelSm(seq, cString("service_type"), cString("message_id"),
                        address("source_addr"), address("destination_addr"));
            case SmppCommandId.CANCEL_SM_RESP:
                return new CancelSmResp(seq, status);
            case SmppCommandId.REPLACE_SM:
                return new ReplaceSm(seq, cString("message_id"), address("source_addr"),
                        cString("schedule_delivery_time"), cString("validity_period"),
                        u8("registered_delivery"), u8("sm_default_msg_id"), shortMessage());
            case SmppCommandId.REPLACE_SM_RESP:
                return new ReplaceSmResp(seq, status);
            case SmppCommandId.SUBMIT_MULTI:
                return submitMulti(seq);
            case SmppCommandId.SUBMIT_MULTI_RESP:
                return submitMultiResp(seq, status);
            case SmppCommandId.ALERT_NOTIFICATION:
                return new AlertNotification(seq, address("source_addr"), address("esme_addr"), tlvs());
            case SmppCommandId.PARAM_RETRIEVE:
                return new ParamRetrieve(seq, cString("param_name"));
            case SmppCommandId.PARAM_RETRIEVE_RESP:
                return new ParamRetrieveResp(seq, status, cString("param_value"));
            case SmppCommandId.QUERY_LAST_MSGS:
                return new QueryLastMsgs(seq, address("source_addr"), u8("num_messages"));
            case SmppCommandId.QUERY_LAST_MSGS_RESP:
                return queryLastMsgsResp(seq, status);
            case SmppCommandId.QUERY_MSG_DETAILS:
                return new QueryMsgDetails(seq, cString("original_message_id"), address("source_addr"),
                        u8("sm_length"));
            case SmppCommandId.QUERY_MSG_DETAILS_RESP:
                return queryMsgDetailsResp(seq, status);
            default:
                throw new MalformedPduException(ESME_RINVCMDID,
                        "unknown command_id 0x" + String.format("%08x", commandId));
        }
    }

    /** Runs of one-byte fields read under one bounds check; indexed by the bytes left, name the first missing one. */
    private static final String[] ESM_TO_PRIORITY = {"esm_class", "protocol_id", "priority_flag"};
    private static final String[] REGISTERED_TO_SM_LENGTH =
            {"registered_delivery", "replace_if_present_flag", "data_coding", "sm_default_msg_id", "sm_length"};

    /**
     * submit_sm and deliver_sm share this layout (see {@link ShortMessagePdu}). The hot path of the
     * gateway, so it needs no reader object (the position lives in a local) and runs of one-byte fields
     * share one bounds check; the failures (and their messages) are the same as reading field by field.
     * Without {@code readTlvs} (SMPP 3.3) whatever follows short_message is ignored: some 3.3 peers put a NUL after it
     * that sm_length does not count.
     */
    private static ShortMessagePdu shortMessagePdu(byte[] b, int p, int end, int commandId, int seq, boolean readTlvs) {
        int nul = nul(b, p, end, "service_type");
        String serviceType = latin1(b, p, nul);
        p = nul + 1;
        nul = addressNul(b, p, end, "source_addr");
        Address source = new Address(b[p], b[p + 1], latin1(b, p + 2, nul));
        p = nul + 1;
        nul = addressNul(b, p, end, "destination_addr");
        Address destination = new Address(b[p], b[p + 1], latin1(b, p + 2, nul));
        p = nul + 1;
        if (end - p < 3) {
            throw missing(ESM_TO_PRIORITY[end - p]);
        }
        int esmClass = b[p] & 0xFF;
        int protocolId = b[p + 1] & 0xFF;
        int priorityFlag = b[p + 2] & 0xFF;
        p += 3;
        nul = nul(b, p, end, "schedule_delivery_time");
        String scheduleDeliveryTime = latin1(b, p, nul);
        p = nul + 1;
        nul = nul(b, p, end, "validity_period");
        String validityPeriod = latin1(b, p, nul);
        p = nul + 1;
        if (end - p < 5) {
            throw missing(REGISTERED_TO_SM_LENGTH[end - p]);
        }
        int registeredDelivery = b[p] & 0xFF;
        int replaceIfPresentFlag = b[p + 1] & 0xFF;
        int dataCoding = b[p + 2] & 0xFF;
        int smDefaultMsgId = b[p + 3] & 0xFF;
        int smLength = b[p + 4] & 0xFF;
        p += 5;
        byte[] shortMessage = octets(b, p, end, smLength);
        Tlvs tlvs = readTlvs ? tlvs(b, p + smLength, end) : Tlvs.EMPTY;
        if (commandId == SmppCommandId.SUBMIT_SM) {
            return new SubmitSm(seq, serviceType, source, destination, esmClass, protocolId, priorityFlag,
                    scheduleDeliveryTime, validityPeriod, registeredDelivery, replaceIfPresentFlag, dataCoding,
                    smDefaultMsgId, shortMessage, tlvs);
        }
        return new DeliverSm(seq, serviceType, source, destination, esmClass, protocolId, priorityFlag,
                scheduleDeliveryTime, validityPeriod, registeredDelivery, replaceIfPresentFlag, dataCoding,
                smDefaultMsgId, shortMessage, tlvs);
    }

    /** submit_sm_resp and deliver_sm_resp: message_id, then TLVs. */
    private static SmppResponse messageIdResponse(byte[] b, int p, int end, int commandId, int status, int seq,
                                                  boolean readTlvs) {
        int nul = nul(b, p, end, "message_id");
        String messageId = latin1(b, p, nul);
        Tlvs tlvs = readTlvs ? tlvs(b, nul + 1, end) : Tlvs.EMPTY;
        return commandId == SmppCommandId.SUBMIT_SM_RESP ? new SubmitSmResp(seq, status, messageId, tlvs)
                : new DeliverSmResp(seq, status, messageId, tlvs);
    }

    private SubmitMulti submitMulti(int seq) {
        String serviceType = cString("service_type");
        Address source = address("source_addr");
        List<DestinationAddress> destinations = destinations();
        int esmClass = u8("esm_class");
        int protocolId = u8("protocol_id");
        int priorityFlag = u8("priority_flag");
        String scheduleDeliveryTime = cString("schedule_delivery_time");
        String validityPeriod = cString("validity_period");
        int registeredDelivery = u8("registered_delivery");
        int replaceIfPresentFlag = u8("replace_if_present_flag");
        int dataCoding = u8("data_coding");
        int smDefaultMsgId = u8("sm_default_msg_id");
        byte[] shortMessage = shortMessage();
        return new SubmitMulti(seq, serviceType, source, destinations, esmClass, protocolId, priorityFlag,
                scheduleDeliveryTime, validityPeriod, registeredDelivery, replaceIfPresentFlag, dataCoding,
                smDefaultMsgId, shortMessage, tlvs());
    }

    private SubmitMultiResp submitMultiResp(int seq, int status) {
        String messageId = cString("message_id");
        int count = u8("no_unsuccess");
        List<UnsuccessfulDelivery> failed = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Address address = address("dest_addr");
            failed.add(new UnsuccessfulDelivery(address, u32("error_status_code")));
        }
        return new SubmitMultiResp(seq, status, messageId, failed, tlvs());
    }

    private QueryLastMsgsResp queryLastMsgsResp(int seq, int status) {
        int count = u8("number_msgs");
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(cString("message_id"));
        }
        return new QueryLastMsgsResp(seq, status, ids);
    }

    private QueryMsgDetailsResp queryMsgDetailsResp(int seq, int status) {
        String serviceType = cString("service_type");
        Address source = address("source_addr");
        List<DestinationAddress> destinations = destinations();
        int protocolId = u8("protocol_id");
        int priorityFlag = u8("priority_flag");
        String scheduleDeliveryTime = cString("schedule_delivery_time");
        String validityPeriod = cString("validity_period");
        int registeredDelivery = u8("registered_delivery");
        int dataCoding = u8("data_coding");
        byte[] shortMessage = shortMessage();
        return new QueryMsgDetailsResp(seq, status, serviceType, source, destinations, protocolId, priorityFlag,
                scheduleDeliveryTime, validityPeriod, registeredDelivery, dataCoding, shortMessage,
                cString("message_id"), cString("final_date"), u8("message_status"),
                u8("error_code"));
    }

    private List<DestinationAddress> destinations() {
        int count = u8("number_of_dests");
        List<DestinationAddress> destinations = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int flag = u8("dest_flag");
            if (flag == DestinationAddress.SME_ADDRESS_FLAG) {
                destinations.add(new DestinationAddress.Sme(address("destination_addr")));
            } else if (flag == DestinationAddress.DISTRIBUTION_LIST_FLAG) {
                destinations.add(new DestinationAddress.DistributionList(cString("dl_name")));
            } else {
                throw new MalformedPduException(ESME_RINVDESTFLAG, "dest_flag " + flag + " at destination " + (i + 1));
            }
        }
        return destinations;
    }

    private static int int32(byte[] b, int p) {
        return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
    }

    private int u8(String field) {
        if (pos == end) {
            throw missing(field);
        }
        return buf[pos++] & 0xFF;
    }

    private int u32(String field) {
        if (end - pos < 4) {
            throw missing(field);
        }
        int value = int32(buf, pos);
        pos += 4;
        return value;
    }

    private Address address(String field) {
        return addressAt(pos, field);
    }

    /** ton, npi and the address C-string at {@code p}. */
    private Address addressAt(int p, String field) {
        int nul = addressNul(buf, p, end, field);
        pos = nul + 1;
        return new Address(buf[p], buf[p + 1], latin1(buf, p + 2, nul));
    }

    /**
     * Checks that ton and npi are there and returns the index of the NUL ending the address at
     * {@code p + 2}; field names are only built when something is missing.
     */
    private static int addressNul(byte[] b, int p, int end, String field) {
        if (end - p < 2) {
            throw missing(p == end ? field + "_ton" : field + "_npi");
        }
        return nul(b, p + 2, end, field);
    }

    /** A NUL-terminated Latin-1 string; the NUL must lie inside the frame. */
    private String cString(String field) {
        int start = pos;
        int nul = nul(buf, start, end, field);
        pos = nul + 1;
        return latin1(buf, start, nul);
    }

    /** Index of the NUL ending the C-string that starts at {@code start}. */
    private static int nul(byte[] b, int start, int end, String field) {
        if (start >= end) {
            throw missing(field);
        }
        // Empty strings (service_type, the two times) first, by a branch the CPU predicts: the next field's
        // position is then known at once instead of after a word load and its arithmetic.
        if (b[start] == 0) {
            return start;
        }
        int i = start;
        // Eight bytes at a time while eight are left in the frame: a 13-digit address is two loads, not 14.
        while (end - i >= Long.BYTES) {
            long word = (long) LONGS_LE.get(b, i);
            // The lowest 0x80 bit of this marks the first zero byte (higher ones may be false positives).
            long zeros = (word - 0x0101010101010101L) & ~word & 0x8080808080808080L;
            if (zeros != 0) {
                return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
            i += Long.BYTES;
        }
        while (i < end && b[i] != 0) {
            i++;
        }
        if (i == end) {
            throw new MalformedPduException(ESME_RINVCMDLEN, field + " has no terminating NUL inside the frame");
        }
        return i;
    }

    /**
     * The Latin-1 text of {@code b[start, nul)}. The (deprecated) high-byte constructor is exactly Latin-1
     * decoding, a plain copy into the string, without the charset dispatch of the Charset constructor.
     */
    @SuppressWarnings("deprecation")
    private static String latin1(byte[] b, int start, int nul) {
        return nul == start ? "" : new String(b, 0, start, nul - start);
    }

    /** sm_length followed by that many octets. */
    private byte[] shortMessage() {
        int length = u8("sm_length");
        byte[] octets = octets(buf, pos, end, length);
        pos += length;
        return octets;
    }

    /** The {@code length} octets of a short message at {@code p}, which must lie inside the frame. */
    private static byte[] octets(byte[] b, int p, int end, int length) {
        if (length > end - p) {
            throw new MalformedPduException(ESME_RINVMSGLEN,
                    "sm_length " + length + " but only " + (end - p) + " bytes remain");
        }
        return length == 0 ? Fields.NO_BYTES : Arrays.copyOfRange(b, p, p + length);
    }

    /**
     * Everything left in the frame, as TLVs: validated and counted here, kept as bytes (see {@link Tlvs}). For SMPP 3.3
     * nothing: what is left is ignored.
     */
    private Tlvs tlvs() {
        Tlvs tlvs = readTlvs ? tlvs(buf, pos, end) : Tlvs.EMPTY;
        pos = end;
        return tlvs;
    }

    /** The TLVs from {@code start} to the end of the frame. */
    private static Tlvs tlvs(byte[] b, int start, int end) {
        if (start == end) {
            return Tlvs.EMPTY;
        }
        int count = 0;
        int p = start;
        while (p < end) {
            if (end - p < 4) {
                throw new MalformedPduException(ESME_RINVOPTPARSTREAM,
                        "TLV header truncated: " + (end - p) + " bytes left");
            }
            int length = u16At(b, p + 2);
            if (length > end - p - 4) {
                throw new MalformedPduException(ESME_RINVOPTPARSTREAM, "TLV " + TlvTag.toHex((short) u16At(b, p))
                        + " length " + length + " exceeds the " + (end - p - 4) + " bytes left");
            }
            p += 4 + length;
            count++;
        }
        // One copy of the TLV bytes; the Tlv objects are only built if someone asks for them.
        return Tlvs.ofWire(Arrays.copyOfRange(b, start, end), count);
    }

    private static int u16At(byte[] b, int p) {
        return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
    }

    private static MalformedPduException missing(String field) {
        return new MalformedPduException(ESME_RINVCMDLEN, "body ends before " + field);
    }
}
