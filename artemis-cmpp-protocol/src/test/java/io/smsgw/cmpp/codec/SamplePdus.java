package io.smsgw.cmpp.codec;

import static io.smsgw.cmpp.codec.TestBytes.ascii;

import java.util.List;

/**
 * One PDU of every type with non-trivial values, built for one version: fields that version lacks
 * are left 0 / "" so that a decode of the encoded bytes gives back an equal record. Strings fill
 * their fields completely where possible, integers use their top values, and Msg_Id has its top
 * bit set, to catch padding and sign mistakes.
 */
final class SamplePdus {

    static final long MSG_ID = 0xbd36d78003e90001L;
    static final long U32_MAX = 0xFFFFFFFFL;

    private SamplePdus() {
    }

    static List<CmppPdu> all(CmppVersion v) {
        boolean v30 = v == CmppVersion.V30;
        String terminal = terminalId(v);
        int bigResult = v30 ? 70_000 : 199;
        byte[] auth = new byte[16];
        for (int i = 0; i < auth.length; i++) {
            auth[i] = (byte) (0xF0 + i);
        }
        return List.of(
                new Connect(1, "901234", auth, v.code(), 1231235959L),
                new ConnectResp(2, bigResult, auth, 0x30),
                new Terminate(3),
                new TerminateResp(3),
                new ActiveTest(-1),
                new ActiveTestResp(-1, 0),
                submit(v, 4),
                new SubmitResp(4, MSG_ID, bigResult),
                moDeliver(v, 5),
                Deliver.ofStatusReport(6, MSG_ID + 1, "1065712345", "TEST",
                        new StatusReport(MSG_ID, "MB:0013", "2511261345", "2511261346", terminal, U32_MAX), v),
                new DeliverResp(5, MSG_ID, bigResult),
                new Query(7, "20251126", Query.TYPE_BY_SERVICE, "SERVICE_ID", "RESERVE!"),
                new QueryResp(7, "20251126", 1, "SERVICE_ID", 1, 2, 3, 4, 5, 6, 7, U32_MAX),
                new Cancel(8, MSG_ID),
                new CancelResp(8, v30 ? 100_000 : CmppResult.CANCEL_FAILURE),
                fwd(v, 9),
                new FwdResp(9, MSG_ID, 255, 254, bigResult),
                new MtRoute(10, "022001", "138001380001380013800"),
                new MtRouteResp(10, U32_MAX, "001001", "255.255.255.255", 65535, "138001380", "138001389", "0220",
                        CmppResult.GNS_BAD_END_CODE, 2, "20251126134500"),
                new MoRoute(11, "022001", "106571234567890123456", "SERVICE_ID", U32_MAX),
                new MoRouteResp(11, 7L, "001001", "10.0.0.1", 7930, "901234", "1065712345", 1, 1L, U32_MAX, 0,
                        "20251126134500"),
                new GetMtRoute(12, "022001", "MT", GetMtRoute.FIRST),
                new GetMtRouteResp(12, 0L, "001001", "10.0.0.1", 7930, "1380013", "1380013", "010", 0, 1, 1200L,
                        1L, "20251126134500"),
                new GetMoRoute(13, "022001", "MO", Integer.MIN_VALUE),
                new GetMoRouteResp(13, 3L, "001001", "10.0.0.1", 7930, "901234", "1065712345", 0, "SERVICE_ID",
                        5L, 6L, 0, 2L, 2L, "20251126134500"),
                new MtRouteUpdate(14, RouteUpdateType.ADD, 0L, "001001", "10.0.0.1", 7930, "1380013", "1380014",
                        "010", 0),
                new MtRouteUpdateResp(14, CmppResult.GNS_OK, 42L, "20251126134501"),
                new MoRouteUpdate(15, RouteUpdateType.MODIFY, 42L, "001001", "10.0.0.1", 7930, "901234",
                        "1065712345", 0, "SERVICE_ID", 0L, U32_MAX),
                new MoRouteUpdateResp(15, CmppResult.GNS_UPDATE_FAILED, 42L, "20251126134501"),
                new PushMtRouteUpdate(16, RouteUpdateType.DELETE, 9L, "001001", "10.0.0.1", 7930, "1380013",
                        "1380013", "010", 2, "20251126134502"),
                new PushMtRouteUpdateResp(16, CmppResult.GNS_TIMESTAMP_OUTDATED),
                new PushMoRouteUpdate(17, RouteUpdateType.ADD, 0L, "001001", "10.0.0.1", 7930, "901234",
                        "1065712345", 1, "SERVICE_ID", 1L, 2L, "20251126134502"),
                new PushMoRouteUpdateResp(17, CmppResult.GNS_OK));
    }

    /** A recipient number filling the version's terminal-id width. */
    static String terminalId(CmppVersion v) {
        return "8613800138000" + "0".repeat(v.terminalIdLength() - 13);
    }

    static Submit submit(CmppVersion v, int seq) {
        boolean v30 = v == CmppVersion.V30;
        byte[] content = new byte[140];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (255 - i);
        }
        return new Submit(seq, MSG_ID, 2, 1, 1, 9, "SERVICE_ID", 3, terminalId(v), v30 ? 1 : 0, 0x7F, 1, 8,
                "901234", "02", "000010", "251126134530032+", "251126134530000R", "106571234567890123456",
                List.of("13800138000", terminalId(v), "8613900139000"), v30 ? 1 : 0, content,
                v30 ? "LINK0123456789ABCDEF" : "", v30 ? "" : "RESERVE8");
    }

    static Deliver moDeliver(CmppVersion v, int seq) {
        boolean v30 = v == CmppVersion.V30;
        return new Deliver(seq, MSG_ID, "106571234567890123456", "SERVICE_ID", 0, 0x40, 15, terminalId(v),
                v30 ? 1 : 0, 0, ascii("MO text \u00ff"), v30 ? "LINK0123456789ABCDEF" : "", v30 ? "" : "RESERVE8");
    }

    static Fwd fwd(CmppVersion v, int seq) {
        boolean v30 = v == CmppVersion.V30;
        String pseudo = "P".repeat(32);
        return new Fwd(seq, "022001", "001001", 3, Fwd.TYPE_MO, MSG_ID, 1, 1, 2, 0, "SERVICE_ID", 1,
                "138001380001380013800", v30 ? pseudo : "", v30 ? 1 : 0, 0, 1, 0, "901234", "01", "000000",
                "251126134530032+", "", "13900139000", v30 ? pseudo : "", v30 ? 1 : 0, v30 ? 1 : 0,
                List.of("1065712345"), v30 ? pseudo : "", v30 ? 2 : 0, ascii("forwarded"),
                v30 ? "LINK0123456789ABCDEF" : "", v30 ? "" : "RESERVE8");
    }
}
