package io.smsgw.cmpp.codec;

/**
 * The two CMPP wire layouts this codec speaks, with the field widths that differ between them.
 * CONNECT is the same in both; SUBMIT, DELIVER, FWD, the status report and every *_RESP result
 * field (GNS messages excepted) depend on the version negotiated for the connection.
 */
public enum CmppVersion {

    /** CMPP 2.0; also chosen for the 2.1 version byte (0x21), whose layout is the same. */
    V20(0x20, 1, 21, 0, 8, 60),
    /** CMPP 3.0. */
    V30(0x30, 4, 32, 20, 0, 71);

    private final int code;
    private final int resultLength;
    private final int terminalIdLength;
    private final int linkIdLength;
    private final int reserveLength;
    private final int statusReportLength;

    CmppVersion(int code, int resultLength, int terminalIdLength, int linkIdLength, int reserveLength,
                int statusReportLength) {
        this.code = code;
        this.resultLength = resultLength;
        this.terminalIdLength = terminalIdLength;
        this.linkIdLength = linkIdLength;
        this.reserveLength = reserveLength;
        this.statusReportLength = statusReportLength;
    }

    /**
     * The version for a CONNECT / CONNECT_RESP version byte: 0x20 and 0x21 give {@link #V20}, 0x30
     * gives {@link #V30}.
     *
     * @throws IllegalArgumentException for any other value (check with {@link #isKnown(int)})
     */
    public static CmppVersion fromByte(int code) {
        switch (code) {
            case 0x20:
            case 0x21:
                return V20;
            case 0x30:
                return V30;
            default:
                throw new IllegalArgumentException("unsupported CMPP version byte 0x" + Integer.toHexString(code));
        }
    }

    /** Whether {@link #fromByte(int)} accepts {@code code}. */
    public static boolean isKnown(int code) {
        return code == 0x20 || code == 0x21 || code == 0x30;
    }

    /** The version byte written in CONNECT / CONNECT_RESP (0x20 or 0x30). */
    public int code() {
        return code;
    }

    /** Width of the result field of CONNECT_RESP, SUBMIT_RESP, DELIVER_RESP, CANCEL_RESP and FWD_RESP: 1 or 4. */
    public int resultLength() {
        return resultLength;
    }

    /**
     * Width of Fee_terminal_Id and Dest_terminal_Id (SUBMIT), Src_terminal_Id (DELIVER) and the
     * status report's Dest_terminal_Id: 21 or 32.
     */
    public int terminalIdLength() {
        return terminalIdLength;
    }

    /** Width of the trailing LinkID of SUBMIT/DELIVER/FWD: 20 in 3.0, absent (0) in 2.0. */
    public int linkIdLength() {
        return linkIdLength;
    }

    /** Width of the trailing Reserve of SUBMIT/DELIVER/FWD: 8 in 2.0, absent (0) in 3.0. */
    public int reserveLength() {
        return reserveLength;
    }

    /** Length of a status report carried in DELIVER's Msg_Content: 60 or 71. */
    public int statusReportLength() {
        return statusReportLength;
    }

    /** Whether the *_terminal_type / pseudo-number fields exist (3.0 only). */
    public boolean hasTerminalTypes() {
        return this == V30;
    }
}
