package io.smsgw.cmpp.codec;

/** Octet-string widths shared by CMPP 2.0 and 3.0; the version-dependent ones live in {@link CmppVersion}. */
final class Widths {

    static final int SOURCE_ADDR = 6;
    static final int SERVICE_ID = 10;
    static final int MSG_SRC = 6;
    static final int FEE_TYPE = 2;
    static final int FEE_CODE = 6;
    static final int TIME = 17;
    static final int SRC_ID = 21;
    static final int DEST_ID = 21;
    /** Numbers in FWD stay 21 octets in 3.0. */
    static final int FWD_NUMBER = 21;
    static final int PSEUDO = 32;
    static final int GATEWAY_ID = 6;
    static final int QUERY_TIME = 8;
    static final int QUERY_CODE = 10;
    static final int QUERY_RESERVE = 8;
    static final int GATEWAY_IP = 15;
    static final int SEGMENT_ID = 9;
    static final int AREA_CODE = 4;
    static final int ROUTE_TYPE = 4;
    static final int SP_ID = 6;
    static final int SP_CODE = 21;
    static final int TERMINAL_ID = 21;
    static final int GNS_TIME_STAMP = 14;

    private Widths() {
    }
}
