package io.smsgw.cmpp.codec;

/**
 * CMPP 2.0/3.0 Command_Id values, GNS route messages included. A response id is its request id
 * with bit 31 set. There are no ids 0x03 and 0x0A–0x0F.
 */
public final class CmppCommandId {

    /** Bit that distinguishes a response id from its request id. */
    public static final int RESPONSE_BIT = 0x80000000;

    public static final int CONNECT = 0x00000001;
    public static final int CONNECT_RESP = 0x80000001;
    public static final int TERMINATE = 0x00000002;
    public static final int TERMINATE_RESP = 0x80000002;
    public static final int SUBMIT = 0x00000004;
    public static final int SUBMIT_RESP = 0x80000004;
    public static final int DELIVER = 0x00000005;
    public static final int DELIVER_RESP = 0x80000005;
    public static final int QUERY = 0x00000006;
    public static final int QUERY_RESP = 0x80000006;
    public static final int CANCEL = 0x00000007;
    public static final int CANCEL_RESP = 0x80000007;
    public static final int ACTIVE_TEST = 0x00000008;
    public static final int ACTIVE_TEST_RESP = 0x80000008;
    /** ISMG to ISMG. */
    public static final int FWD = 0x00000009;
    public static final int FWD_RESP = 0x80000009;
    /** ISMG to GNS. */
    public static final int MT_ROUTE = 0x00000010;
    public static final int MT_ROUTE_RESP = 0x80000010;
    /** ISMG to GNS. */
    public static final int MO_ROUTE = 0x00000011;
    public static final int MO_ROUTE_RESP = 0x80000011;
    /** ISMG to GNS; named CMPP_GET_ROUTE in 2.0 listings (Route_type chose MT or MO). */
    public static final int GET_MT_ROUTE = 0x00000012;
    public static final int GET_MT_ROUTE_RESP = 0x80000012;
    /** ISMG to GNS. */
    public static final int MT_ROUTE_UPDATE = 0x00000013;
    public static final int MT_ROUTE_UPDATE_RESP = 0x80000013;
    /** ISMG to GNS. */
    public static final int MO_ROUTE_UPDATE = 0x00000014;
    public static final int MO_ROUTE_UPDATE_RESP = 0x80000014;
    /** GNS to ISMG. */
    public static final int PUSH_MT_ROUTE_UPDATE = 0x00000015;
    public static final int PUSH_MT_ROUTE_UPDATE_RESP = 0x80000015;
    /** GNS to ISMG. */
    public static final int PUSH_MO_ROUTE_UPDATE = 0x00000016;
    public static final int PUSH_MO_ROUTE_UPDATE_RESP = 0x80000016;
    /** ISMG to GNS; added with the 2.1 GNS messages. */
    public static final int GET_MO_ROUTE = 0x00000017;
    public static final int GET_MO_ROUTE_RESP = 0x80000017;

    private CmppCommandId() {
    }

    /** Whether {@code commandId} denotes a response (bit 31 set). */
    public static boolean isResponse(int commandId) {
        return (commandId & RESPONSE_BIT) != 0;
    }

    /** The response id belonging to a request id. */
    public static int responseIdOf(int requestId) {
        return requestId | RESPONSE_BIT;
    }

    /** Whether the id is one this codec can decode. */
    public static boolean isKnown(int commandId) {
        return knownName(commandId) != null;
    }

    /** The spec name ("CMPP_SUBMIT_RESP"), or "unknown(0x...)" for an id CMPP does not define. */
    public static String name(int commandId) {
        String name = knownName(commandId);
        return name != null ? name : "unknown(0x" + String.format("%08x", commandId) + ")";
    }

    private static String knownName(int commandId) {
        switch (commandId) {
            case CONNECT: return "CMPP_CONNECT";
            case CONNECT_RESP: return "CMPP_CONNECT_RESP";
            case TERMINATE: return "CMPP_TERMINATE";
            case TERMINATE_RESP: return "CMPP_TERMINATE_RESP";
            case SUBMIT: return "CMPP_SUBMIT";
            case SUBMIT_RESP: return "CMPP_SUBMIT_RESP";
            case DELIVER: return "CMPP_DELIVER";
            case DELIVER_RESP: return "CMPP_DELIVER_RESP";
            case QUERY: return "CMPP_QUERY";
            case QUERY_RESP: return "CMPP_QUERY_RESP";
            case CANCEL: return "CMPP_CANCEL";
            case CANCEL_RESP: return "CMPP_CANCEL_RESP";
            case ACTIVE_TEST: return "CMPP_ACTIVE_TEST";
            case ACTIVE_TEST_RESP: return "CMPP_ACTIVE_TEST_RESP";
            case FWD: return "CMPP_FWD";
            case FWD_RESP: return "CMPP_FWD_RESP";
            case MT_ROUTE: return "CMPP_MT_ROUTE";
            case MT_ROUTE_RESP: return "CMPP_MT_ROUTE_RESP";
            case MO_ROUTE: return "CMPP_MO_ROUTE";
            case MO_ROUTE_RESP: return "CMPP_MO_ROUTE_RESP";
            case GET_MT_ROUTE: return "CMPP_GET_MT_ROUTE";
            case GET_MT_ROUTE_RESP: return "CMPP_GET_MT_ROUTE_RESP";
            case MT_ROUTE_UPDATE: return "CMPP_MT_ROUTE_UPDATE";
            case MT_ROUTE_UPDATE_RESP: return "CMPP_MT_ROUTE_UPDATE_RESP";
            case MO_ROUTE_UPDATE: return "CMPP_MO_ROUTE_UPDATE";
            case MO_ROUTE_UPDATE_RESP: return "CMPP_MO_ROUTE_UPDATE_RESP";
            case PUSH_MT_ROUTE_UPDATE: return "CMPP_PUSH_MT_ROUTE_UPDATE";
            case PUSH_MT_ROUTE_UPDATE_RESP: return "CMPP_PUSH_MT_ROUTE_UPDATE_RESP";
            case PUSH_MO_ROUTE_UPDATE: return "CMPP_PUSH_MO_ROUTE_UPDATE";
            case PUSH_MO_ROUTE_UPDATE_RESP: return "CMPP_PUSH_MO_ROUTE_UPDATE_RESP";
            case GET_MO_ROUTE: return "CMPP_GET_MO_ROUTE";
            case GET_MO_ROUTE_RESP: return "CMPP_GET_MO_ROUTE_RESP";
            default: return null;
        }
    }
}
