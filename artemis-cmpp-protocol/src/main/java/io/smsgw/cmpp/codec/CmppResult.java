package io.smsgw.cmpp.codec;

/**
 * Result and status codes of CMPP responses. 0–99 belong to the protocol, 100–199 to vendors;
 * a receiver should treat any unknown non-zero value as a failure.
 */
public final class CmppResult {

    /** Success, for every response that carries a result. */
    public static final int OK = 0;

    // SUBMIT_RESP / DELIVER_RESP / FWD_RESP Result (DELIVER: >= 9 "other"; FWD: 9 own meaning, >= 10 other).
    public static final int STRUCTURE_ERROR = 1;
    public static final int COMMAND_ERROR = 2;
    public static final int DUPLICATE_SEQUENCE = 3;
    public static final int MESSAGE_LENGTH_ERROR = 4;
    public static final int FEE_CODE_ERROR = 5;
    public static final int MESSAGE_TOO_LONG = 6;
    public static final int SERVICE_ID_ERROR = 7;
    /** Window or throughput exceeded. */
    public static final int FLOW_CONTROL_ERROR = 8;
    /** SUBMIT_RESP: this gateway does not serve the charged number. */
    public static final int FEE_TERMINAL_NOT_SERVED = 9;
    /** SUBMIT_RESP. */
    public static final int SRC_ID_ERROR = 10;
    /** SUBMIT_RESP. */
    public static final int MSG_SRC_ERROR = 11;
    /** SUBMIT_RESP. */
    public static final int FEE_TERMINAL_ID_ERROR = 12;
    /** SUBMIT_RESP. */
    public static final int DEST_TERMINAL_ID_ERROR = 13;
    /** FWD_RESP: this SP should not be forwarded to this ISMG. */
    public static final int FWD_WRONG_DECISION = 9;

    // CONNECT_RESP Status.
    public static final int CONNECT_OK = 0;
    public static final int CONNECT_STRUCTURE_ERROR = 1;
    public static final int CONNECT_ILLEGAL_SOURCE_ADDR = 2;
    public static final int CONNECT_AUTHENTICATION_ERROR = 3;
    public static final int CONNECT_VERSION_TOO_HIGH = 4;
    /** First "other error" status; all values from here up mean other errors. */
    public static final int CONNECT_OTHER_ERROR = 5;

    // CANCEL_RESP Success_Id.
    public static final int CANCEL_SUCCESS = 0;
    public static final int CANCEL_FAILURE = 1;

    // ISMG <-> GNS Result (always one byte).
    public static final int GNS_OK = 0;
    public static final int GNS_NO_ROUTE = 1;
    public static final int GNS_BAD_SOURCE_ID = 2;
    public static final int GNS_BAD_ROUTE_TYPE = 3;
    public static final int GNS_UPDATE_NOT_ACCEPTED = 4;
    public static final int GNS_UPDATE_FAILED = 5;
    /** The pushed Time_stamp is older than the local one. */
    public static final int GNS_TIMESTAMP_OUTDATED = 6;
    public static final int GNS_BUSY = 9;
    public static final int GNS_BAD_UPDATE_TYPE = 10;
    public static final int GNS_BAD_ROUTE_ID = 11;
    public static final int GNS_BAD_DESTINATION_ID = 12;
    public static final int GNS_BAD_GATEWAY_IP = 13;
    public static final int GNS_BAD_GATEWAY_PORT = 14;
    public static final int GNS_BAD_START_ID = 15;
    public static final int GNS_BAD_END_ID = 16;
    public static final int GNS_BAD_AREA_CODE = 17;
    public static final int GNS_BAD_USER_TYPE = 18;
    public static final int GNS_BAD_SP_ID = 19;
    public static final int GNS_BAD_SP_CODE = 20;
    public static final int GNS_BAD_SP_ACCESS_TYPE = 21;
    public static final int GNS_BAD_SERVICE_ID = 22;
    public static final int GNS_BAD_START_CODE = 23;
    public static final int GNS_BAD_END_CODE = 24;

    /** Range reserved for vendor-defined codes. */
    public static final int VENDOR_MIN = 100;
    public static final int VENDOR_MAX = 199;

    private CmppResult() {
    }
}
