package io.smsgw.cmpp.codec;

import io.netty.buffer.ByteBuf;
import io.smsgw.core.text.SmsEncoding;

/**
 * Netty-pipeline-free entry points of the CMPP 2.0/3.0 codec, used by {@link CmppPduDecoder},
 * {@link CmppPduEncoder}, tests and benchmarks. Splitting the byte stream into frames at
 * Total_Length (which counts itself) is the job of a frame decoder in front of the PDU decoder.
 */
public final class CmppCodec {

    /** Total_Length + Command_Id + Sequence_Id. */
    public static final int HEADER_LENGTH = 12;

    private CmppCodec() {
    }

    /**
     * The most Msg_Content octets a DELIVER or FWD carries for {@code msgFmt}, a UDH included: under 160 for
     * Msg_Fmt 0 (ASCII, which the network sends on 7-bit packed, so a concatenated GSM part of 153 characters
     * after its 6-octet UDH fits), 140 for the others [spec]. SUBMIT is stricter (docs/decisions.md, 14).
     */
    public static int maxContentLength(int msgFmt) {
        return msgFmt == 0 ? 159 : 140;
    }

    /**
     * The alphabet whose room in one message matches this Msg_Fmt's, for sizing content behind a concatenation
     * header: Msg_Fmt 0 holds as many characters as an SMS holds GSM 7-bit ones (153 after a 6-octet header, the
     * 159 octets above), the others as many octets as 8-bit data.
     */
    public static SmsEncoding roomOf(int msgFmt) {
        return msgFmt == 0 ? SmsEncoding.GSM7 : SmsEncoding.BINARY;
    }

    /**
     * Decodes one complete frame (exactly one PDU, Total_Length included) in {@code version}'s
     * layout and consumes it. CONNECT decodes the same whatever the version. Never throws for bad
     * content: a frame that cannot be decoded yields a {@link MalformedCmppPdu} (see
     * {@link MalformedCmppPdu.Kind}). Bytes after the last field of a fixed-length body are ignored;
     * a SUBMIT, DELIVER or FWD must be exactly as long as its DestUsr_tl and Msg_Length say.
     */
    public static CmppPdu decode(ByteBuf frame, CmppVersion version) {
        return PduReader.decode(frame, version);
    }

    /**
     * Appends the wire form of {@code pdu} in {@code version}'s layout (Total_Length computed) to
     * {@code out}. Fields the version lacks are not written.
     *
     * @throws IllegalArgumentException if a field cannot be represented: an octet string longer
     *     than its width or holding NUL / non-Latin-1 characters, an integer outside its field
     *     (e.g. a result over 255 in 2.0), more than 255 recipients, Msg_Content over 255 octets,
     *     an authenticator over 16 octets, or a {@link MalformedCmppPdu}. Nothing is appended then.
     */
    public static void encode(CmppPdu pdu, CmppVersion version, ByteBuf out) {
        PduWriter.encode(pdu, version, out);
    }
}
