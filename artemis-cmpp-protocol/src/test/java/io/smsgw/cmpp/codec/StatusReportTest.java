package io.smsgw.cmpp.codec;

import static io.smsgw.cmpp.codec.CmppVersion.V20;
import static io.smsgw.cmpp.codec.CmppVersion.V30;
import static io.smsgw.cmpp.codec.TestBytes.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The 60-octet (2.0) and 71-octet (3.0) status-report layouts inside DELIVER's Msg_Content. */
class StatusReportTest {

    private static final StatusReport REPORT = new StatusReport(0xbd36d78003e90001L, "UNDELIV", "2511261345",
            "2511261350", "13800138000", 0x89ABCDEFL);

    @Test
    void layoutIn20Is60Octets() {
        byte[] bytes = REPORT.toBytes(V20);
        assertEquals(60, bytes.length);
        ByteBuffer view = ByteBuffer.wrap(bytes);
        assertEquals(0xbd36d78003e90001L, view.getLong(0));
        assertArrayEquals(ascii("UNDELIV"), Arrays.copyOfRange(bytes, 8, 15));
        assertArrayEquals(ascii("2511261345"), Arrays.copyOfRange(bytes, 15, 25));
        assertArrayEquals(ascii("2511261350"), Arrays.copyOfRange(bytes, 25, 35));
        assertArrayEquals(ascii("13800138000"), Arrays.copyOfRange(bytes, 35, 46));
        assertArrayEquals(new byte[10], Arrays.copyOfRange(bytes, 46, 56));
        assertEquals(0x89ABCDEF, view.getInt(56));
    }

    @Test
    void layoutIn30Is71Octets() {
        byte[] bytes = REPORT.toBytes(V30);
        assertEquals(71, bytes.length);
        assertArrayEquals(ascii("13800138000"), Arrays.copyOfRange(bytes, 35, 46));
        assertArrayEquals(new byte[21], Arrays.copyOfRange(bytes, 46, 67));
        assertEquals(0x89ABCDEF, ByteBuffer.wrap(bytes).getInt(67));
    }

    @Test
    void parseReadsBackBothLayouts() {
        assertEquals(Optional.of(REPORT), StatusReport.parse(REPORT.toBytes(V20), V20));
        assertEquals(Optional.of(REPORT), StatusReport.parse(REPORT.toBytes(V30), V30));
    }

    @Test
    void aReportOfTheOtherVersionsExactLengthIsReadInItsLayout() {
        assertEquals(Optional.of(REPORT), StatusReport.parse(REPORT.toBytes(V20), V30));
        assertEquals(Optional.of(REPORT), StatusReport.parse(REPORT.toBytes(V30), V20));
    }

    @Test
    void shortContentIsNoReport() {
        assertEquals(Optional.empty(), StatusReport.parse(new byte[59], V20));
        assertEquals(Optional.empty(), StatusReport.parse(new byte[70], V30));
        assertEquals(Optional.empty(), StatusReport.parse(new byte[0], V30));
    }

    @Test
    void a32DigitNumberFitsOnlyThe30Layout() {
        StatusReport wide = new StatusReport(1L, "DELIVRD", "", "", "1".repeat(32), 0);
        assertEquals(Optional.of(wide), StatusReport.parse(wide.toBytes(V30), V30));
        assertThrows(IllegalArgumentException.class, () -> wide.toBytes(V20));
    }

    @Test
    void deliverCarriesTheReportForItsVersion() {
        for (CmppVersion version : CmppVersion.values()) {
            Deliver deliver = Deliver.ofStatusReport(9, 2L, "1065712345", "TEST", REPORT, version);
            assertTrue(deliver.isStatusReport());
            assertEquals(version.statusReportLength(), deliver.msgContent().length);
            assertEquals("13800138000", deliver.srcTerminalId());
            Deliver decoded = (Deliver) TestBytes.decode(TestBytes.encode(deliver, version), version);
            assertEquals(Optional.of(REPORT), decoded.statusReport(version));
            assertEquals(new DeliverResp(9, 2L, 0), decoded.response(CmppResult.OK));
        }
    }

    @Test
    void anMoIsNoReport() {
        Deliver mo = new Deliver(1, 1L, "1065", "", 0, 0, 0, "13800138000", 0, 0, REPORT.toBytes(V20), "", "");
        assertEquals(Optional.empty(), mo.statusReport(V20));
    }

    @Test
    void oversizedFieldsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new StatusReport(1L, "DELIVRD!", "", "", "", 0).toBytes(V30));
        assertThrows(IllegalArgumentException.class,
                () -> new StatusReport(1L, "", "25112613450", "", "", 0).toBytes(V30));
        assertThrows(IllegalArgumentException.class,
                () -> new StatusReport(1L, "", "", "", "", 1L << 32).toBytes(V30));
    }
}
