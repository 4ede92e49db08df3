package io.smsgw.cmpp.codec;

import static io.smsgw.cmpp.codec.CmppVersion.V20;
import static io.smsgw.cmpp.codec.CmppVersion.V30;
import static io.smsgw.cmpp.codec.TestBytes.ascii;
import static io.smsgw.cmpp.codec.TestBytes.decode;
import static io.smsgw.cmpp.codec.TestBytes.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Broken frames decode to a {@link MalformedCmppPdu} of the right kind; decode never throws. */
class MalformedInputTest {

    /** Command ids whose PDU is the header alone (or, for ACTIVE_TEST_RESP, may be). */
    private static final Set<Integer> HEADER_ONLY = Set.of(CmppCommandId.TERMINATE, CmppCommandId.TERMINATE_RESP,
            CmppCommandId.ACTIVE_TEST, CmppCommandId.ACTIVE_TEST_RESP);

    /** Bodies whose length DestUsr_tl and Msg_Length decide: they must agree with Total_Length exactly. */
    private static final Set<Integer> VARIABLE_LENGTH = Set.of(CmppCommandId.SUBMIT, CmppCommandId.DELIVER,
            CmppCommandId.FWD);

    /** Responses whose result width follows an exact 2.0 or 3.0 body length. */
    private static final Set<Integer> WIDTH_BY_LENGTH = Set.of(CmppCommandId.CONNECT_RESP, CmppCommandId.SUBMIT_RESP,
            CmppCommandId.DELIVER_RESP, CmppCommandId.CANCEL_RESP, CmppCommandId.FWD_RESP);

    private static byte[] header(int commandId, int seq) {
        return ByteBuffer.allocate(12).putInt(12).putInt(commandId).putInt(seq).array();
    }

    /** Cuts a valid frame to {@code length} bytes and fixes Total_Length, so only the body is short. */
    private static byte[] truncated(byte[] frame, int length) {
        byte[] cut = Arrays.copyOf(frame, length);
        ByteBuffer.wrap(cut).putInt(0, length);
        return cut;
    }

    private static MalformedCmppPdu assertTruncated(CmppPdu pdu) {
        MalformedCmppPdu malformed = assertInstanceOf(MalformedCmppPdu.class, pdu, () -> "decoded " + pdu);
        assertEquals(MalformedCmppPdu.Kind.TRUNCATED, malformed.kind(), malformed::reason);
        assertEquals(CmppResult.STRUCTURE_ERROR, malformed.refusalResult());
        return malformed;
    }

    private static MalformedCmppPdu assertLengthMismatch(CmppPdu pdu) {
        MalformedCmppPdu malformed = assertInstanceOf(MalformedCmppPdu.class, pdu, () -> "decoded " + pdu);
        assertEquals(MalformedCmppPdu.Kind.LENGTH_MISMATCH, malformed.kind(), malformed::reason);
        assertEquals(CmppResult.MESSAGE_LENGTH_ERROR, malformed.refusalResult());
        return malformed;
    }

    /** A valid frame with {@code extra} zero bytes after its body and Total_Length counting them. */
    private static byte[] longer(byte[] frame, int extra) {
        byte[] longer = Arrays.copyOf(frame, frame.length + extra);
        ByteBuffer.wrap(longer).putInt(0, longer.length);
        return longer;
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void headerOnlyFramesOfCommandsWithABodyAreTruncated(CmppVersion version) {
        int checked = 0;
        for (CmppPdu sample : SamplePdus.all(version)) {
            if (HEADER_ONLY.contains(sample.commandId())) {
                continue;
            }
            MalformedCmppPdu malformed = assertTruncated(decode(header(sample.commandId(), 77), version));
            assertEquals(sample.commandId(), malformed.commandId());
            assertEquals(77, malformed.sequenceId());
            checked++;
        }
        assertEquals(SamplePdus.all(version).size() - HEADER_ONLY.size(), checked);
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void headerOnlyCommandsDecodeFromTheHeader(CmppVersion version) {
        assertEquals(new Terminate(9), decode(header(CmppCommandId.TERMINATE, 9), version));
        assertEquals(new TerminateResp(9), decode(header(CmppCommandId.TERMINATE_RESP, 9), version));
        assertEquals(new ActiveTest(9), decode(header(CmppCommandId.ACTIVE_TEST, 9), version));
        assertEquals(new ActiveTestResp(9, 0), decode(header(CmppCommandId.ACTIVE_TEST_RESP, 9), version));
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void everyShortenedBodyIsRefused(CmppVersion version) {
        // The other version's result field is 3 octets shorter (3.0 → 2.0) or longer.
        int otherDelta = version == V20 ? 3 : -3;
        for (CmppPdu sample : SamplePdus.all(version)) {
            byte[] frame = encode(sample, version);
            int otherLength = WIDTH_BY_LENGTH.contains(sample.commandId()) ? frame.length + otherDelta : -1;
            for (int length = 12; length < frame.length; length++) {
                CmppPdu decoded = decode(truncated(frame, length), version);
                if (length == otherLength || sample.commandId() == CmppCommandId.ACTIVE_TEST_RESP) {
                    // Read as the other version's layout / without the optional Reserved octet.
                    assertEquals(sample.getClass(), decoded.getClass());
                    continue;
                }
                MalformedCmppPdu malformed = assertInstanceOf(MalformedCmppPdu.class, decoded, () -> "decoded " + decoded);
                // Cut in the fixed fields: truncated; cut after DestUsr_tl or Msg_Length: they disagree with the length.
                assertTrue(malformed.kind() == MalformedCmppPdu.Kind.TRUNCATED
                        || VARIABLE_LENGTH.contains(sample.commandId())
                        && malformed.kind() == MalformedCmppPdu.Kind.LENGTH_MISMATCH, malformed::reason);
                assertEquals(sample.commandId(), malformed.commandId());
                assertEquals(sample.sequenceId(), malformed.sequenceId());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void truncatedSubmitNamesTheMissingField(CmppVersion version) {
        byte[] frame = encode(SamplePdus.submit(version, 3), version);
        MalformedCmppPdu cut = assertTruncated(decode(truncated(frame, 12 + 8 + 4 + 5), version));
        assertTrue(cut.reason().contains("Service_Id"), cut.reason());
        MalformedCmppPdu noTrailer = assertLengthMismatch(decode(truncated(frame, frame.length - 1), version));
        assertTrue(noTrailer.reason().contains(version == V30 ? "LinkID" : "Reserve"), noTrailer.reason());
        assertEquals(new SubmitResp(3, 0L, CmppResult.STRUCTURE_ERROR),
                cut.errorResponse(CmppResult.STRUCTURE_ERROR).orElseThrow());
    }

    /** Offset of DestUsr_tl in a SUBMIT frame. */
    private static int destUsrTlOffset(CmppVersion version) {
        return 12 + (version == V20 ? 117 : 129) - 1;
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void destUsrTlBeyondTheFrame(CmppVersion version) {
        byte[] frame = encode(SamplePdus.submit(version, 3), version);
        assertEquals(3, frame[destUsrTlOffset(version)]);
        frame[destUsrTlOffset(version)] = (byte) 99;
        MalformedCmppPdu malformed = assertLengthMismatch(decode(frame, version));
        assertTrue(malformed.reason().contains("DestUsr_tl 99"), malformed.reason());
        assertEquals(CmppCommandId.SUBMIT, malformed.commandId());
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void fwdDestUsrTlBeyondTheFrame(CmppVersion version) {
        byte[] frame = encode(SamplePdus.fwd(version, 3), version);
        int offset = 12 + (version == V20 ? 131 : 198) - 1;
        assertEquals(1, frame[offset]);
        frame[offset] = (byte) 0xFF;
        assertTrue(assertLengthMismatch(decode(frame, version)).reason().contains("DestUsr_tl 255"));
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void msgLengthBeyondTheFrame(CmppVersion version) {
        Submit submit = SamplePdus.submit(version, 3);
        byte[] frame = encode(submit, version);
        int msgLengthOffset = frame.length - submit.msgContent().length - (version == V20 ? 8 : 20) - 1;
        assertEquals(140, frame[msgLengthOffset] & 0xFF);
        frame[msgLengthOffset] = (byte) 200;
        MalformedCmppPdu malformed = assertLengthMismatch(decode(frame, version));
        assertTrue(malformed.reason().contains("Msg_Length 200"), malformed.reason());

        Deliver deliver = SamplePdus.moDeliver(version, 4);
        byte[] deliverFrame = encode(deliver, version);
        int deliverOffset = 12 + (version == V20 ? 65 : 77) - 1;
        assertEquals(deliver.msgContent().length, deliverFrame[deliverOffset]);
        deliverFrame[deliverOffset] = (byte) 255;
        assertTrue(assertLengthMismatch(decode(deliverFrame, version)).reason().contains("Msg_Length 255"));
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void msgLengthShorterThanTheContentIsALengthMismatchNotAnotherLinkId(CmppVersion version) {
        // Read leniently, the last 5 content octets became the start of LinkID / Reserve and the SP got Result 0.
        Submit sample = SamplePdus.submit(version, 3);
        Submit submit = new Submit(3, 0L, 1, 1, 0, 0, "TEST", 0, "", 0, 0, 0, 0, "901234", "01", "000000", "", "",
                "1065712345", List.of("13800138000"), 0, ascii("0123456789"), sample.linkId(), sample.reserve());
        byte[] frame = encode(submit, version);
        int msgLengthOffset = frame.length - 10 - (version == V20 ? 8 : 20) - 1;
        assertEquals(10, frame[msgLengthOffset]);
        frame[msgLengthOffset] = 5;
        MalformedCmppPdu malformed = assertLengthMismatch(decode(frame, version));
        assertTrue(malformed.reason().contains("Msg_Length 5"), malformed.reason());
        assertEquals(new SubmitResp(3, 0L, CmppResult.MESSAGE_LENGTH_ERROR),
                malformed.errorResponse(malformed.refusalResult()).orElseThrow());
    }

    @Test
    void aSubmitInTheOtherVersionsLayoutIsALengthMismatch() {
        assertLengthMismatch(decode(encode(SamplePdus.submit(V30, 3), V30), V20));
        assertLengthMismatch(decode(encode(SamplePdus.submit(V20, 3), V20), V30));
        for (CmppVersion sent : CmppVersion.values()) {
            CmppVersion read = sent == V20 ? V30 : V20;
            assertInstanceOf(MalformedCmppPdu.class, decode(encode(SamplePdus.fwd(sent, 3), sent), read));
            assertInstanceOf(MalformedCmppPdu.class, decode(encode(SamplePdus.moDeliver(sent, 3), sent), read));
        }
    }

    @Test
    void totalLengthDisagreeingWithTheFrame() {
        byte[] frame = encode(new Cancel(6, 1L), V30);
        ByteBuffer.wrap(frame).putInt(0, 21);
        assertTrue(assertTruncated(decode(frame, V30)).reason().contains("Total_Length 21"));
        ByteBuffer.wrap(frame).putInt(0, 0xFFFFFFF0);
        MalformedCmppPdu huge = assertTruncated(decode(frame, V30));
        assertEquals(6, huge.sequenceId());
        assertEquals(CmppCommandId.CANCEL, huge.commandId());
    }

    @Test
    void framesShorterThanTheHeader() {
        byte[] header = header(CmppCommandId.SUBMIT, 5);
        for (int length = 0; length < 12; length++) {
            MalformedCmppPdu malformed = assertTruncated(decode(Arrays.copyOf(header, length), V30));
            assertEquals(length >= 8 ? CmppCommandId.SUBMIT : 0, malformed.commandId());
            assertEquals(0, malformed.sequenceId());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00000000, 0x00000003, 0x0000000A, 0x0000000F, 0x00000018, 0x80000003, 0x80000018,
            0xFFFFFFFF})
    void unknownCommandIds(int commandId) {
        byte[] frame = ByteBuffer.allocate(20).putInt(20).putInt(commandId).putInt(42).putLong(1L).array();
        for (CmppVersion version : CmppVersion.values()) {
            MalformedCmppPdu malformed = assertInstanceOf(MalformedCmppPdu.class, decode(frame, version));
            assertEquals(MalformedCmppPdu.Kind.UNKNOWN_COMMAND, malformed.kind());
            assertEquals(commandId, malformed.commandId());
            assertEquals(42, malformed.sequenceId());
            assertEquals(CmppCommandId.isResponse(commandId), malformed.isResponse());
            assertEquals(Optional.empty(), malformed.errorResponse(CmppResult.COMMAND_ERROR));
        }
    }

    @Test
    void malformedRequestsOfferTheirRefusal() {
        assertEquals(Optional.of(new DeliverResp(8, 0L, 1)),
                new MalformedCmppPdu(CmppCommandId.DELIVER, 8, "", MalformedCmppPdu.Kind.TRUNCATED).errorResponse(1));
        assertEquals(Optional.of(new FwdResp(8, 0L, 0, 0, 1)),
                new MalformedCmppPdu(CmppCommandId.FWD, 8, "", MalformedCmppPdu.Kind.TRUNCATED).errorResponse(1));
        MalformedCmppPdu lengthMismatch = new MalformedCmppPdu(CmppCommandId.FWD, 8, "",
                MalformedCmppPdu.Kind.LENGTH_MISMATCH);
        assertEquals(Optional.of(new FwdResp(8, 0L, 0, 0, CmppResult.MESSAGE_LENGTH_ERROR)),
                lengthMismatch.errorResponse(lengthMismatch.refusalResult()));
        ConnectResp connectResp = (ConnectResp) new MalformedCmppPdu(CmppCommandId.CONNECT, 8, "",
                MalformedCmppPdu.Kind.TRUNCATED).errorResponse(CmppResult.CONNECT_STRUCTURE_ERROR).orElseThrow();
        assertEquals(CmppResult.CONNECT_STRUCTURE_ERROR, connectResp.status());
        assertEquals(0x30, connectResp.version());
        assertEquals(Optional.empty(),
                new MalformedCmppPdu(CmppCommandId.SUBMIT_RESP, 8, "", MalformedCmppPdu.Kind.TRUNCATED)
                        .errorResponse(1));
        assertEquals(Optional.empty(),
                new MalformedCmppPdu(CmppCommandId.QUERY, 8, "", MalformedCmppPdu.Kind.TRUNCATED).errorResponse(1));
    }

    /**
     * A fixed layout cannot be misread because of octets after its last field (they move nothing), so they stay
     * tolerated there; docs/decisions.md.
     */
    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void bytesAfterAFixedLengthBodyAreIgnored(CmppVersion version) {
        int checked = 0;
        for (CmppPdu sample : SamplePdus.all(version)) {
            if (!VARIABLE_LENGTH.contains(sample.commandId())) {
                assertEquals(sample, decode(longer(encode(sample, version), 5), version));
                checked++;
            }
        }
        assertTrue(checked > 20, "fixed-length samples: " + checked);
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void bytesAfterASubmitDeliverOrFwdBodyAreALengthMismatch(CmppVersion version) {
        int checked = 0;
        for (CmppPdu sample : SamplePdus.all(version)) {
            if (VARIABLE_LENGTH.contains(sample.commandId())) {
                for (int extra = 1; extra <= 5; extra++) {
                    MalformedCmppPdu malformed = assertLengthMismatch(decode(longer(encode(sample, version), extra),
                            version));
                    assertEquals(sample.commandId(), malformed.commandId());
                    assertEquals(sample.sequenceId(), malformed.sequenceId());
                }
                checked++;
            }
        }
        assertEquals(4, checked, "a SUBMIT, two DELIVERs (MO and report) and a FWD");
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void randomCorruptionNeverThrows(CmppVersion version) {
        Random random = new Random(20251126L + version.ordinal());
        int decoded = 0;
        for (CmppPdu sample : SamplePdus.all(version)) {
            byte[] valid = encode(sample, version);
            for (int round = 0; round < 300; round++) {
                byte[] frame = corrupt(valid, random);
                ByteBuf buf = Unpooled.wrappedBuffer(frame);
                try {
                    CmppPdu pdu = CmppCodec.decode(buf, version);
                    assertNotNull(pdu);
                    assertFalse(buf.isReadable(), "the frame must be consumed");
                    decoded++;
                } finally {
                    buf.release();
                }
            }
        }
        for (int round = 0; round < 2_000; round++) {
            byte[] noise = new byte[random.nextInt(400)];
            random.nextBytes(noise);
            if (noise.length >= 4 && random.nextBoolean()) {
                ByteBuffer.wrap(noise).putInt(0, noise.length);
            }
            assertNotNull(decode(noise, version));
        }
        assertEquals(SamplePdus.all(version).size() * 300, decoded);
    }

    /** Flips bytes, cuts or extends the frame, and sometimes keeps Total_Length consistent. */
    private static byte[] corrupt(byte[] valid, Random random) {
        byte[] frame;
        switch (random.nextInt(3)) {
            case 0:
                frame = Arrays.copyOf(valid, random.nextInt(valid.length + 1));
                break;
            case 1:
                frame = Arrays.copyOf(valid, valid.length + random.nextInt(40));
                break;
            default:
                frame = valid.clone();
                break;
        }
        int flips = 1 + random.nextInt(6);
        for (int i = 0; i < flips && frame.length > 0; i++) {
            frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
        }
        if (frame.length >= 4 && random.nextInt(4) != 0) {
            ByteBuffer.wrap(frame).putInt(0, frame.length);
        }
        return frame;
    }
}
