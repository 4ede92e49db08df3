package io.smsgw.cmpp.codec;

import static io.smsgw.cmpp.codec.CmppVersion.V20;
import static io.smsgw.cmpp.codec.CmppVersion.V30;
import static io.smsgw.cmpp.codec.TestBytes.ascii;
import static io.smsgw.cmpp.codec.TestBytes.decodeHex;
import static io.smsgw.cmpp.codec.TestBytes.encodeHex;
import static io.smsgw.cmpp.codec.TestBytes.hex;
import static io.smsgw.cmpp.codec.TestBytes.ucs2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every CMPP vector of protocols.md §3.1 (plus gocmpp's 2.x FWD that it points to) decodes to the
 * documented fields and re-encodes to the identical bytes in the vector's version.
 */
class HexVectorTest {

    private static final String AUTH_SOURCE = "90d00c1d517abd0b4f65f6bcf8535d16";
    private static final long SUBMIT_RESP_MSG_ID = 0xbd36d78003e90001L;
    private static final long REPORT_DELIVER_MSG_ID = 0xbd36e04003e90002L;
    private static final byte[] GOCMPP_SUBMIT_TEXT = ucs2("\u6d4b\u8bd5gocmpp submit");
    private static final byte[] GOCMPP_FWD_TEXT = ucs2("\u6d4b\u8bd5gocmpp fwd");

    /** Decodes in {@code version}, checks the type, and checks that re-encoding reproduces the vector. */
    private static <T extends CmppPdu> T roundTrip(String hex, CmppVersion version, Class<T> type) {
        String compact = hex.replaceAll("\\s", "");
        CmppPdu pdu = decodeHex(compact, version);
        T typed = assertInstanceOf(type, pdu, () -> "decoded " + pdu);
        assertEquals(compact, encodeHex(typed, version), "re-encoding must be byte-identical");
        return typed;
    }

    private static String connectHex(String versionByte) {
        return "00000027000000010000001739303030303190d00c1d517abd0b4f65f6bcf8535d16" + versionByte + "3cdc73be";
    }

    @Test
    void connectVersion21FromGocmpp() {
        Connect connect = roundTrip(connectHex("21"), V30, Connect.class);
        assertEquals(new Connect(0x17, "900001", hex(AUTH_SOURCE), 0x21, 1021080510L), connect);
        assertEquals(V20, CmppVersion.fromByte(connect.version()));
        assertTrue(CmppAuthenticator.verifySource(connect, "888888"));
    }

    @Test
    void connectDecodesTheSameInBothVersions() {
        for (String versionByte : List.of("20", "21", "30")) {
            Connect in20 = roundTrip(connectHex(versionByte), V20, Connect.class);
            Connect in30 = roundTrip(connectHex(versionByte), V30, Connect.class);
            assertEquals(in20, in30);
            assertEquals(Integer.parseInt(versionByte, 16), in30.version());
            assertEquals(1021080510L, in30.timestamp());
        }
        assertEquals(V30, CmppVersion.fromByte(((Connect) decodeHex(connectHex("30"), V20)).version()));
    }

    @Test
    void connectResp20WithOneOctetStatus() {
        ConnectResp resp = roundTrip("0000001e8000000100000017006c0b846e25bab6daa4ed1c466e0f4bd820", V20,
                ConnectResp.class);
        assertEquals(new ConnectResp(0x17, 0, hex("6c0b846e25bab6daa4ed1c466e0f4bd8"), 0x20), resp);
        assertTrue(resp.isOk());
    }

    @Test
    void connectResp30WithFourOctetStatusFromGocmpp() {
        ConnectResp resp = roundTrip("000000218000000100000017000000007942977274098cf210ab0c16c367bc8d30", V30,
                ConnectResp.class);
        assertEquals(new ConnectResp(0x17, 0, hex("7942977274098cf210ab0c16c367bc8d"), 0x30), resp);
    }

    @Test
    void submit2xUcs2FromGocmpp() {
        Submit submit = roundTrip("""
                000000bd00000004000000170000000000000000010101017465737400000000
                0000023133353030303032363936000000000000000000000000083930303030
                3130323130000000003135313130353133313535353130312b00000000000000
                0000000000000000000000393030303031000000000000000000000000000000
                013133353030303032363936000000000000000000001e6d4b8bd50067006f00
                63006d007000700020007300750062006d006900740000000000000000
                """, V20, Submit.class);
        assertEquals(new Submit(0x17, 0L, 1, 1, 1, 1, "test", 2, "13500002696", 0, 0, 0, 8, "900001", "02", "10",
                "151105131555101+", "", "900001", List.of("13500002696"), 0, GOCMPP_SUBMIT_TEXT, "", ""), submit);
        assertEquals(30, submit.msgContent().length);
    }

    @Test
    void submit30Ucs2FromGocmpp() {
        Submit submit = roundTrip("""
                000000e100000004000000170000000000000000010101017465737400000000
                0000023133353030303032363936000000000000000000000000000000000000
                0000000000000839303030303130323130000000003135313130353133313535
                353130312b000000000000000000000000000000000000393030303031000000
                0000000000000000000000000131333530303030323639360000000000000000
                00000000000000000000000000001e6d4b8bd50067006f0063006d0070007000
                20007300750062006d0069007400000000000000000000000000000000000000
                00
                """, V30, Submit.class);
        assertEquals(new Submit(0x17, 0L, 1, 1, 1, 1, "test", 2, "13500002696", 0, 0, 0, 8, "900001", "02", "10",
                "151105131555101+", "", "900001", List.of("13500002696"), 0, GOCMPP_SUBMIT_TEXT, "", ""), submit);
    }

    private static Submit helloSubmit() {
        return new Submit(2, 0L, 1, 1, 1, 0, "TEST", 2, "", 0, 0, 0, 0, "901234", "01", "000000", "", "",
                "1065712345", List.of("13800138000"), 0, ascii("Hello"), "", "");
    }

    @Test
    void submit20AsciiHello() {
        String vector = """
                000000a400000004000000020000000000000000010101005445535400000000
                0000020000000000000000000000000000000000000000000000003930313233
                3430313030303030300000000000000000000000000000000000000000000000
                0000000000000000000000313036353731323334350000000000000000000000
                013133383030313338303030000000000000000000000548656c6c6f00000000
                00000000
                """;
        Submit submit = roundTrip(vector, V20, Submit.class);
        assertEquals(helloSubmit(), submit);
        assertEquals(164, TestBytes.encode(submit, V20).length);
        assertEquals(vector.replaceAll("\\s", ""), encodeHex(helloSubmit(), V20));
    }

    @Test
    void submit30AsciiHello() {
        String vector = """
                000000c800000004000000020000000000000000010101005445535400000000
                0000020000000000000000000000000000000000000000000000000000000000
                0000000000000039303132333430313030303030300000000000000000000000
                0000000000000000000000000000000000000000000000313036353731323334
                3500000000000000000000000131333830303133383030300000000000000000
                00000000000000000000000000000548656c6c6f000000000000000000000000
                0000000000000000
                """;
        Submit submit = roundTrip(vector, V30, Submit.class);
        assertEquals(helloSubmit(), submit);
        assertEquals(vector.replaceAll("\\s", ""), encodeHex(helloSubmit(), V30));
    }

    @Test
    void submitResp20And30() {
        SubmitResp resp20 = roundTrip("000000158000000400000002bd36d78003e9000100", V20, SubmitResp.class);
        SubmitResp resp30 = roundTrip("000000188000000400000002bd36d78003e9000100000000", V30, SubmitResp.class);
        assertEquals(new SubmitResp(2, SUBMIT_RESP_MSG_ID, 0), resp20);
        assertEquals(resp20, resp30);
        assertEquals(resp20, helloSubmit().response(SUBMIT_RESP_MSG_ID, CmppResult.OK));
    }

    @Test
    void submitRespFromGocmpp() {
        SubmitResp resp20 = roundTrip("000000158000000400000017b2b9da800001000000", V20, SubmitResp.class);
        SubmitResp resp30 = roundTrip("000000188000000400000017b2b9da800001000000000000", V30, SubmitResp.class);
        assertEquals(new SubmitResp(0x17, 0xb2b9da8000010000L, 0), resp20);
        assertEquals(resp20, resp30);
    }

    private static StatusReport helloReport() {
        return new StatusReport(SUBMIT_RESP_MSG_ID, "DELIVRD", "2511261345", "2511261346", "13800138000", 7);
    }

    @Test
    void deliver20CarryingStatusReport() {
        String vector = """
                000000910000000500000003bd36e04003e90002313036353731323334350000
                0000000000000000005445535400000000000000000031333830303133383030
                3000000000000000000000013cbd36d78003e9000144454c4956524432353131
                3236313334353235313132363133343631333830303133383030300000000000
                0000000000000000070000000000000000
                """;
        Deliver deliver = roundTrip(vector, V20, Deliver.class);
        assertEquals(REPORT_DELIVER_MSG_ID, deliver.msgId());
        assertEquals("1065712345", deliver.destId());
        assertEquals("TEST", deliver.serviceId());
        assertEquals("13800138000", deliver.srcTerminalId());
        assertTrue(deliver.isStatusReport());
        assertEquals(60, deliver.msgContent().length);
        assertEquals(helloReport(), deliver.statusReport(V20).orElseThrow());
        Deliver built = Deliver.ofStatusReport(3, REPORT_DELIVER_MSG_ID, "1065712345", "TEST", helloReport(), V20);
        assertEquals(deliver, built);
        assertEquals(vector.replaceAll("\\s", ""), encodeHex(built, V20));
    }

    @Test
    void deliver30CarryingStatusReport() {
        String vector = """
                000000b40000000500000003bd36e04003e90002313036353731323334350000
                0000000000000000005445535400000000000000000031333830303133383030
                30000000000000000000000000000000000000000000000147bd36d78003e900
                0144454c49565244323531313236313334353235313132363133343631333830
                3031333830303000000000000000000000000000000000000000000000000007
                0000000000000000000000000000000000000000
                """;
        Deliver deliver = roundTrip(vector, V30, Deliver.class);
        assertEquals(71, deliver.msgContent().length);
        assertEquals(0, deliver.srcTerminalType());
        assertEquals(helloReport(), deliver.statusReport(V30).orElseThrow());
        Deliver built = Deliver.ofStatusReport(3, REPORT_DELIVER_MSG_ID, "1065712345", "TEST", helloReport(), V30);
        assertEquals(deliver, built);
        assertEquals(vector.replaceAll("\\s", ""), encodeHex(built, V30));
    }

    @Test
    void deliverResp20And30() {
        DeliverResp resp20 = roundTrip("000000158000000500000003bd36e04003e9000200", V20, DeliverResp.class);
        DeliverResp resp30 = roundTrip("000000188000000500000003bd36e04003e9000200000000", V30, DeliverResp.class);
        assertEquals(new DeliverResp(3, REPORT_DELIVER_MSG_ID, 0), resp20);
        assertEquals(resp20, resp30);
    }

    @Test
    void statusReportBodyFromGocmpp() {
        byte[] body = hex("""
                b4c553000001000044454c495652443135313131323039353531353131313230
                39353731333431323334303030300000000000000000000012345678
                """);
        StatusReport expected = new StatusReport(0xb4c5530000010000L, "DELIVRD", "1511120955", "1511120957",
                "13412340000", 0x12345678L);
        assertEquals(expected, StatusReport.parse(body, V20).orElseThrow());
        assertArrayEquals(body, expected.toBytes(V20));
    }

    @Test
    void deliver30MoTextFromGocmpp() {
        Deliver deliver = roundTrip("""
                0000007f0000000500000001b4c5530000010000393030303031000000000000
                0000000000000000000000000000000000000000000031333431323334303030
                3000000000000000000000000000000000000000000000001254686973206973
                20612074657374204d4f2e0000000000000000000000000000000000000000
                """, V30, Deliver.class);
        assertEquals(new Deliver(1, 0xb4c5530000010000L, "900001", "", 0, 0, 0, "13412340000", 0, 0,
                ascii("This is a test MO."), "", ""), deliver);
        assertFalse(deliver.isStatusReport());
        assertTrue(deliver.statusReport(V30).isEmpty());
    }

    @Test
    void deliver2xMoTextFromGocmpp() {
        Deliver deliver = roundTrip("""
                000000670000000500000005b525628000010000393030303031000000000000
                0000000000000000000000000000000000000000000031333431323334303030
                300000000000000000000000125468697320697320612074657374204d4f2e00
                00000000000000
                """, V20, Deliver.class);
        assertEquals(new Deliver(5, 0xb525628000010000L, "900001", "", 0, 0, 0, "13412340000", 0, 0,
                ascii("This is a test MO."), "", ""), deliver);
    }

    private static Fwd gocmppFwd(long msgId) {
        return new Fwd(0x17, "100201", "111112", 0, Fwd.TYPE_MT, msgId, 1, 1, 0, 1, "test", 2, "13500002696", "", 0,
                0, 0, 8, "321321", "02", "10", "151115131555101+", "", "99998888", "", 0, 0, List.of("13500002696"),
                "", 0, GOCMPP_FWD_TEXT, "", "");
    }

    @Test
    void fwd30MtUcs2FromGocmpp() {
        Fwd fwd = roundTrip("""
                0000013500000009000000173130303230313131313131320000000000000000
                0001010100017465737400000000000002313335303030303236393600000000
                0000000000000000000000000000000000000000000000000000000000000000
                0000000000000000000833323133323130323130000000003135313131353133
                313535353130312b000000000000000000000000000000000000393939393838
                3838000000000000000000000000000000000000000000000000000000000000
                0000000000000000000000000000000000013133353030303032363936000000
                0000000000000000000000000000000000000000000000000000000000000000
                0000000000000000186d4b8bd50067006f0063006d0070007000200066007700
                640000000000000000000000000000000000000000
                """, V30, Fwd.class);
        assertEquals(gocmppFwd(1L), fwd);
    }

    @Test
    void fwd2xMtUcs2FromGocmpp() {
        Fwd fwd = roundTrip("""
                000000c500000009000000173130303230313131313131320000000000000000
                0000010100017465737400000000000002313335303030303236393600000000
                0000000000000000083332313332313032313000000000313531313135313331
                3535353130312b00000000000000000000000000000000000039393939383838
                3800000000000000000000000000013133353030303032363936000000000000
                00000000186d4b8bd50067006f0063006d007000700020006600770064000000
                0000000000
                """, V20, Fwd.class);
        assertEquals(gocmppFwd(0L), fwd);
    }

    @Test
    void fwdRespFromGocmpp() {
        FwdResp resp20 = roundTrip("000000178000000900000017b2b9da8000010000010100", V20, FwdResp.class);
        FwdResp resp30 = roundTrip("0000001a8000000900000017b2b9da8000010000010100000001", V30, FwdResp.class);
        assertEquals(new FwdResp(0x17, 0xb2b9da8000010000L, 1, 1, 0), resp20);
        assertEquals(new FwdResp(0x17, 0xb2b9da8000010000L, 1, 1, 1), resp30);
    }

    @Test
    void activeTestAndResp() {
        for (CmppVersion version : CmppVersion.values()) {
            assertEquals(new ActiveTest(4), roundTrip("0000000c0000000800000004", version, ActiveTest.class));
            ActiveTestResp resp = roundTrip("0000000d800000080000000400", version, ActiveTestResp.class);
            assertEquals(new ActiveTest(4).response(), resp);
        }
    }

    @Test
    void terminateAndResp() {
        for (CmppVersion version : CmppVersion.values()) {
            assertEquals(new Terminate(5), roundTrip("0000000c0000000200000005", version, Terminate.class));
            assertEquals(new TerminateResp(5), roundTrip("0000000c8000000200000005", version, TerminateResp.class));
        }
    }

    @Test
    void mtRouteFromTianjin() {
        MtRoute route = roundTrip("""
                0000002700000010000000213032323030313133383030313338303030000000
                00000000000000
                """, V30, MtRoute.class);
        assertEquals(new MtRoute(0x21, "022001", "13800138000"), route);
    }

    @Test
    void mtRouteResp() {
        MtRouteResp resp = roundTrip("""
                0000004d8000001000000021000000053030313030313132372e302e302e3100
                00000000001efa31333830303133000031333830303133000030313000000032
                30323531313236313334353030
                """, V20, MtRouteResp.class);
        assertEquals(new MtRouteResp(0x21, 5L, "001001", "127.0.0.1", 7930, "1380013", "1380013", "010", 0, 0,
                "20251126134500"), resp);
    }

    @Test
    void moRouteFromTianjin() {
        MoRoute route = roundTrip("""
                0000003500000011000000223032323030313130363537313233343500000000
                000000000000000000000000000000000000000000
                """, V30, MoRoute.class);
        assertEquals(new MoRoute(0x22, "022001", "1065712345", "", 0L), route);
    }

    @Test
    void moRouteRespNamingBeijing() {
        MoRouteResp resp = roundTrip("""
                0000005a8000001100000022000000003030313030313132372e302e302e3100
                00000000001efa39303132333431303635373132333435000000000000000000
                0000000000000000000000003230323531313236313334353030
                """, V20, MoRouteResp.class);
        assertEquals(new MoRouteResp(0x22, 0L, "001001", "127.0.0.1", 7930, "901234", "1065712345", 0, 0L, 0L, 0,
                "20251126134500"), resp);
    }
}
