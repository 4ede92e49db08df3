package io.smsgw.smpp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Netty-pipeline-free entry points of the SMPP 3.3/3.4 codec, used by {@link SmppPduDecoder},
 * {@link SmppPduEncoder}, tests and benchmarks.
 *
 * <p>Pipeline: {@link #newFrameDecoder(int)} → {@link SmppPduDecoder} inbound,
 * {@link SmppPduEncoder} outbound.
 */
public final class SmppCodec {

    /** command_length + command_id + command_status + sequence_number. */
    public static final int HEADER_LENGTH = 16;

    private SmppCodec() {
    }

    /**
     * Decodes one complete frame (exactly one PDU, command_length included) and consumes it.
     * Never throws for bad content: a frame that cannot be decoded yields a {@link MalformedPdu}
     * (see its javadoc for the status chosen per defect). A frame shorter than the header, or
     * whose command_length disagrees with the frame size, yields ESME_RINVCMDLEN.
     */
    public static SmppPdu decode(ByteBuf frame) {
        return PduReader.decode(frame);
    }

    /**
     * As {@link #decode(ByteBuf)}, for a peer of SMPP 3.4 ({@code version34}) or of 3.3, which has no TLVs: read for 3.3,
     * the bytes after a PDU's mandatory body are ignored (old 3.3 clients put a NUL after short_message that sm_length
     * does not count) and every PDU decodes with {@link Tlvs#EMPTY}, so no TLV status (0xC0-0xC4) comes of them.
     */
    public static SmppPdu decode(ByteBuf frame, boolean version34) {
        return PduReader.decode(frame, false, version34);
    }

    /**
     * As {@link #decode(ByteBuf)}, for the answers an SMSC sends to the gateway's link: a submit_sm_resp,
     * deliver_sm_resp, data_sm_resp or bind response whose header is intact but whose body breaks the rules (an id
     * without its NUL, an empty body with ESME_ROK, bytes after the id that are no TLV) is read as far as it makes
     * sense instead of becoming a {@link MalformedPdu}, so the request it answers is settled. Requests are read as
     * strictly as by {@link #decode(ByteBuf)}.
     */
    public static SmppPdu decodeAnswersLeniently(ByteBuf frame) {
        return PduReader.decode(frame, true, true);
    }

    /** As {@link #decodeAnswersLeniently(ByteBuf)}, read for SMPP 3.4 or 3.3 as {@link #decode(ByteBuf, boolean)} says. */
    public static SmppPdu decodeAnswersLeniently(ByteBuf frame, boolean version34) {
        return PduReader.decode(frame, true, version34);
    }

    /**
     * Appends the wire form of {@code pdu} (command_length computed) to {@code out}. TLVs held by
     * the PDU are always written; keeping them away from 3.3 sessions is the caller's job.
     *
     * @throws IllegalArgumentException if a field cannot be represented: a C-string longer than its
     *     spec size (3.4 sizes where 3.3 differs) or holding NUL / non-Latin-1 characters, a
     *     one-byte field outside 0..255, short_message over 255 octets, over 254 destinations, or
     *     a {@link MalformedPdu}. Nothing is appended in that case.
     */
    public static void encode(SmppPdu pdu, ByteBuf out) {
        PduWriter.encode(pdu, out);
    }

    /**
     * A frame decoder that cuts the byte stream at command_length (which counts itself).
     * Frames longer than {@code maxPduLength} raise {@code TooLongFrameException}, and a
     * command_length below 4 raises {@code CorruptedFrameException}; both mean the stream can
     * no longer be trusted and the connection should be closed. A command_length of 4..15 is
     * passed on and decodes to a {@link MalformedPdu}.
     */
    public static LengthFieldBasedFrameDecoder newFrameDecoder(int maxPduLength) {
        return new LengthFieldBasedFrameDecoder(maxPduLength, 0, 4, -4, 0);
    }
}
