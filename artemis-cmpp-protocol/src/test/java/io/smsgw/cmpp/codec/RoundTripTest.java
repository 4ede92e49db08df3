package io.smsgw.cmpp.codec;

import static io.smsgw.cmpp.codec.CmppVersion.V20;
import static io.smsgw.cmpp.codec.CmppVersion.V30;
import static io.smsgw.cmpp.codec.TestBytes.decode;
import static io.smsgw.cmpp.codec.TestBytes.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Every PDU type survives encode → decode in both versions, with the spec's Total_Length. */
class RoundTripTest {

    /** Total_Length of the fixed-size PDUs, 2.0 and 3.0 (protocols.md §1.7). */
    private static final Map<Integer, int[]> FIXED_LENGTHS = Map.ofEntries(
            Map.entry(CmppCommandId.CONNECT, new int[] {39, 39}),
            Map.entry(CmppCommandId.CONNECT_RESP, new int[] {30, 33}),
            Map.entry(CmppCommandId.TERMINATE, new int[] {12, 12}),
            Map.entry(CmppCommandId.TERMINATE_RESP, new int[] {12, 12}),
            Map.entry(CmppCommandId.ACTIVE_TEST, new int[] {12, 12}),
            Map.entry(CmppCommandId.ACTIVE_TEST_RESP, new int[] {13, 13}),
            Map.entry(CmppCommandId.SUBMIT_RESP, new int[] {21, 24}),
            Map.entry(CmppCommandId.DELIVER_RESP, new int[] {21, 24}),
            Map.entry(CmppCommandId.QUERY, new int[] {39, 39}),
            Map.entry(CmppCommandId.QUERY_RESP, new int[] {63, 63}),
            Map.entry(CmppCommandId.CANCEL, new int[] {20, 20}),
            Map.entry(CmppCommandId.CANCEL_RESP, new int[] {13, 16}),
            Map.entry(CmppCommandId.FWD_RESP, new int[] {23, 26}),
            Map.entry(CmppCommandId.MT_ROUTE, new int[] {39, 39}),
            Map.entry(CmppCommandId.MT_ROUTE_RESP, new int[] {77, 77}),
            Map.entry(CmppCommandId.MO_ROUTE, new int[] {53, 53}),
            Map.entry(CmppCommandId.MO_ROUTE_RESP, new int[] {90, 90}),
            Map.entry(CmppCommandId.GET_MT_ROUTE, new int[] {26, 26}),
            Map.entry(CmppCommandId.GET_MT_ROUTE_RESP, new int[] {85, 85}),
            Map.entry(CmppCommandId.GET_MO_ROUTE, new int[] {26, 26}),
            Map.entry(CmppCommandId.GET_MO_ROUTE_RESP, new int[] {108, 108}),
            Map.entry(CmppCommandId.MT_ROUTE_UPDATE, new int[] {63, 63}),
            Map.entry(CmppCommandId.MT_ROUTE_UPDATE_RESP, new int[] {31, 31}),
            Map.entry(CmppCommandId.MO_ROUTE_UPDATE, new int[] {86, 86}),
            Map.entry(CmppCommandId.MO_ROUTE_UPDATE_RESP, new int[] {31, 31}),
            Map.entry(CmppCommandId.PUSH_MT_ROUTE_UPDATE, new int[] {77, 77}),
            Map.entry(CmppCommandId.PUSH_MT_ROUTE_UPDATE_RESP, new int[] {13, 13}),
            Map.entry(CmppCommandId.PUSH_MO_ROUTE_UPDATE, new int[] {100, 100}),
            Map.entry(CmppCommandId.PUSH_MO_ROUTE_UPDATE_RESP, new int[] {13, 13}));

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void everyPduDecodesToAnEqualRecord(CmppVersion version) {
        for (CmppPdu pdu : SamplePdus.all(version)) {
            assertEquals(pdu, decode(encode(pdu, version), version), () -> pdu.commandName() + " in " + version);
        }
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void samplesCoverEveryCommandId(CmppVersion version) {
        Set<Integer> ids = new HashSet<>();
        for (CmppPdu pdu : SamplePdus.all(version)) {
            ids.add(pdu.commandId());
            assertTrue(CmppCommandId.isKnown(pdu.commandId()));
        }
        assertEquals(32, ids.size());
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void headerCarriesTotalLengthCommandIdAndSequenceId(CmppVersion version) {
        for (CmppPdu pdu : SamplePdus.all(version)) {
            ByteBuffer wire = ByteBuffer.wrap(encode(pdu, version));
            assertEquals(wire.capacity(), wire.getInt(0));
            assertEquals(pdu.commandId(), wire.getInt(4));
            assertEquals(pdu.sequenceId(), wire.getInt(8));
        }
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void fixedSizePdusHaveTheSpecTotalLength(CmppVersion version) {
        int column = version == V20 ? 0 : 1;
        int checked = 0;
        for (CmppPdu pdu : SamplePdus.all(version)) {
            int[] lengths = FIXED_LENGTHS.get(pdu.commandId());
            if (lengths != null) {
                assertEquals(lengths[column], encode(pdu, version).length, pdu::commandName);
                checked++;
            }
        }
        assertEquals(FIXED_LENGTHS.size(), checked);
    }

    @Test
    void submitLengthFollowsTheSpecFormula() {
        Submit submit20 = SamplePdus.submit(V20, 1);
        Submit submit30 = SamplePdus.submit(V30, 1);
        int n = submit20.destTerminalIds().size();
        int length = submit20.msgContent().length;
        assertEquals(12 + 117 + 21 * n + 1 + length + 8, encode(submit20, V20).length);
        assertEquals(12 + 129 + 32 * n + 1 + 1 + length + 20, encode(submit30, V30).length);
    }

    @Test
    void deliverLengthFollowsTheSpecFormula() {
        Deliver deliver = SamplePdus.moDeliver(V20, 1);
        int length = deliver.msgContent().length;
        assertEquals(12 + 65 + length + 8, encode(deliver, V20).length);
        assertEquals(12 + 77 + length + 20, encode(SamplePdus.moDeliver(V30, 1), V30).length);
    }

    @Test
    void fwdLengthFollowsTheSpecFormula() {
        Fwd fwd = SamplePdus.fwd(V20, 1);
        int n = fwd.destIds().size();
        int length = fwd.msgContent().length;
        assertEquals(12 + 131 + 21 * n + 1 + length + 8, encode(fwd, V20).length);
        assertEquals(12 + 198 + 21 * n + 32 + 1 + 1 + length + 20, encode(SamplePdus.fwd(V30, 1), V30).length);
    }

    @Test
    void fieldsOfTheOtherVersionAreNotWritten() {
        Submit with30Fields = new Submit(1, 0L, 1, 1, 0, 0, "S", 3, "13800138000", 1, 0, 0, 0, "901234", "01", "0",
                "", "", "1065", List.of("13800138000"), 1, null, "LINK", "RESERVE");
        assertEquals(new Submit(1, 0L, 1, 1, 0, 0, "S", 3, "13800138000", 0, 0, 0, 0, "901234", "01", "0", "", "",
                "1065", List.of("13800138000"), 0, null, "", "RESERVE"), decode(encode(with30Fields, V20), V20));
        assertEquals(new Submit(1, 0L, 1, 1, 0, 0, "S", 3, "13800138000", 1, 0, 0, 0, "901234", "01", "0", "", "",
                "1065", List.of("13800138000"), 1, null, "LINK", ""), decode(encode(with30Fields, V30), V30));

        Fwd fwd30 = SamplePdus.fwd(V30, 1);
        Fwd fwdAs20 = (Fwd) decode(encode(fwd30, V20), V20);
        assertEquals(List.of("", "", "", ""), List.of(fwdAs20.feeTerminalPseudo(), fwdAs20.srcPseudo(),
                fwdAs20.destPseudo(), fwdAs20.linkId()));
        assertEquals(List.of(0, 0, 0, 0), List.of(fwdAs20.feeTerminalUserType(), fwdAs20.srcUserType(),
                fwdAs20.srcType(), fwdAs20.destUserType()));
        assertEquals(fwd30.destIds(), fwdAs20.destIds());
        assertEquals(fwd30.srcId(), fwdAs20.srcId());

        Deliver deliver30 = new Deliver(1, 1L, "1065", "", 0, 0, 0, "13800138000", 1, 0, null, "LINK", "RESERVE");
        assertEquals(new Deliver(1, 1L, "1065", "", 0, 0, 0, "13800138000", 0, 0, null, "", "RESERVE"),
                decode(encode(deliver30, V20), V20));
    }

    @Test
    void responsesAreReadWithTheResultWidthTheirLengthShows() {
        // A 3.0 peer answering on a connection believed to be 2.0 (and the other way round).
        for (CmppPdu pdu : List.of(new ConnectResp(1, 3, new byte[16], 0x30), new SubmitResp(2, 7L, 8),
                new DeliverResp(3, 9L, 1), new CancelResp(4, 1), new FwdResp(5, 11L, 2, 1, 9))) {
            assertEquals(pdu, decode(encode(pdu, V30), V20), pdu::commandName);
            assertEquals(pdu, decode(encode(pdu, V20), V30), pdu::commandName);
        }
    }

    @Test
    void activeTestRespWithoutItsReservedOctetIsAccepted() {
        assertEquals(new ActiveTestResp(4, 0), decode(TestBytes.hex("0000000c8000000800000004"), V30));
    }

    @Test
    void decodeConsumesTheFrameAndEncodeAppends() {
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeByte(0x55);
            CmppCodec.encode(new ActiveTest(1), V30, buf);
            CmppCodec.encode(new Terminate(2), V30, buf);
            assertEquals(1 + 12 + 12, buf.readableBytes());
            buf.skipBytes(1);
            ByteBuf first = buf.readSlice(12);
            assertEquals(new ActiveTest(1), CmppCodec.decode(first, V30));
            assertEquals(0, first.readableBytes());
            assertEquals(new Terminate(2), CmppCodec.decode(buf, V30));
            assertEquals(0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    @Test
    void stringsAreCutAtTheFirstNul() {
        byte[] wire = encode(new MtRoute(1, "022001", "13800138000"), V30);
        wire[12 + 6 + 11 + 1] = 'X'; // a byte after the NUL that ends Terminal_Id
        assertEquals(new MtRoute(1, "022001", "13800138000"), decode(wire, V30));
    }

    @Test
    void latin1OctetsSurviveUnchanged() {
        MtRoute route = new MtRoute(1, "\u00e9\u00ff\u0001abc", "\u0080");
        assertEquals(route, decode(encode(route, V20), V20));
    }
}
