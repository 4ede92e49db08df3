package io.smsgw.bench.load.cmpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smsgw.bench.load.MessageKind;
import io.smsgw.bench.load.MessageMix;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Submit;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CmppSubmitSourceTest {

    private static Submit roundTrip(Submit submit, CmppVersion version) {
        ByteBuf buf = Unpooled.buffer();
        try {
            CmppCodec.encode(submit, version, buf);
            return (Submit) CmppCodec.decode(buf, version);
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void theMixBecomesAsciiUcs2AndThreePartUcs2WithUdh(CmppVersion version) {
        CmppSubmitSource source = new CmppSubmitSource(MessageMix.parse("gsm7=1,ucs2=1,long3=1"), true, "900001", "106900001");
        // gsm7, long3 (three submits), ucs2: the cursor's order for equal weights.
        List<Submit> submits = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            submits.add(roundTrip(source.next(i), version));
        }
        for (Submit s : submits) {
            assertEquals("900001", s.msgSrc());
            assertEquals("106900001", s.srcId());
            assertEquals(List.of(CmppSubmitSource.DESTINATION), s.destTerminalIds());
            assertEquals(1, s.registeredDelivery());
        }
        Submit ascii = submits.stream().filter(s -> s.msgFmt() == 0).findFirst().orElseThrow();
        assertEquals(159, ascii.msgContent().length);
        assertEquals(0, ascii.tpUdhi());
        List<Submit> parts = submits.stream().filter(s -> s.pkTotal() == 3).toList();
        assertEquals(3, parts.size());
        for (int i = 0; i < 3; i++) {
            Submit part = parts.get(i);
            assertEquals(i + 1, part.pkNumber());
            assertEquals(8, part.msgFmt());
            assertEquals(1, part.tpUdhi());
            // 8-bit concatenation UDH: 05 00 03 ref total number
            assertArrayEquals(new byte[] {5, 0, 3, 0, 3, (byte) (i + 1)}, java.util.Arrays.copyOf(part.msgContent(), 6));
        }
        Submit ucs2 = submits.stream().filter(s -> s.msgFmt() == 8 && s.pkTotal() == 1).findFirst().orElseThrow();
        assertEquals(140, ucs2.msgContent().length);
    }

    @ParameterizedTest
    @EnumSource(MessageKind.class)
    void everySegmentFitsOneCmppMessage(MessageKind kind) {
        for (int length : CmppSubmitSource.segmentLengths(kind)) {
            assertEquals(true, length <= (kind == MessageKind.GSM7 ? 159 : 140), kind + ": " + length);
        }
    }
}
