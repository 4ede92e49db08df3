package io.smsgw.smpp.codec;

/**
 * SMPP 3.3/3.4 {@code command_id} values. A response id is its request id with bit 31 set.
 */
public final class SmppCommandId {

    /** Bit that distinguishes a response id from its request id. */
    public static final int RESPONSE_BIT = 0x80000000;

    public static final int GENERIC_NACK = 0x80000000;
    public static final int BIND_RECEIVER = 0x00000001;
    public static final int BIND_RECEIVER_RESP = 0x80000001;
    public static final int BIND_TRANSMITTER = 0x00000002;
    public static final int BIND_TRANSMITTER_RESP = 0x80000002;
    public static final int QUERY_SM = 0x00000003;
    public static final int QUERY_SM_RESP = 0x80000003;
    public static final int SUBMIT_SM = 0x00000004;
    public static final int SUBMIT_SM_RESP = 0x80000004;
    public static final int DELIVER_SM = 0x00000005;
    public static final int DELIVER_SM_RESP = 0x80000005;
    public static final int UNBIND = 0x00000006;
    public static final int UNBIND_RESP = 0x80000006;
    public static final int REPLACE_SM = 0x00000007;
    public static final int REPLACE_SM_RESP = 0x80000007;
    public static final int CANCEL_SM = 0x00000008;
    public static final int CANCEL_SM_RESP = 0x80000008;
    /** 3.4 only. */
    public static final int BIND_TRANSCEIVER = 0x00000009;
    /** 3.4 only. */
    public static final int BIND_TRANSCEIVER_RESP = 0x80000009;
    /** 3.4 only; has no response (the ESME answers with a bind). */
    public static final int OUTBIND = 0x0000000B;
    public static final int ENQUIRE_LINK = 0x00000015;
    public static final int ENQUIRE_LINK_RESP = 0x80000015;
    public static final int SUBMIT_MULTI = 0x00000021;
    public static final int SUBMIT_MULTI_RESP = 0x80000021;
    /** 3.3 only. */
    public static final int PARAM_RETRIEVE = 0x00000022;
    /** 3.3 only. */
    public static final int PARAM_RETRIEVE_RESP = 0x80000022;
    /** 3.3 only. */
    public static final int QUERY_LAST_MSGS = 0x00000023;
    /** 3.3 only. */
    public static final int QUERY_LAST_MSGS_RESP = 0x80000023;
    /** 3.3 only. */
    public static final int QUERY_MSG_DETAILS = 0x00000024;
    /** 3.3 only. */
    public static final int QUERY_MSG_DETAILS_RESP = 0x80000024;
    /** 3.4 only; has no response. */
    public static final int ALERT_NOTIFICATION = 0x00000102;
    /** 3.4 only. */
    public static final int DATA_SM = 0x00000103;
    /** 3.4 only. */
    public static final int DATA_SM_RESP = 0x80000103;

    private SmppCommandId() {
    }

    /** Whether {@code commandId} denotes a response (bit 31 set), generic_nack included. */
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

    /** The spec name ("submit_sm"), or "unknown(0x...)" for an id not in SMPP 3.3/3.4. */
    public static String name(int commandId) {
        String name = knownName(commandId);
        return name != null ? name : "unknown(0x" + String.format("%08x", commandId) + ")";
    }

    private static String knownName(int commandId) {
        switch (commandId) {
            case GENERIC_NACK: return "generic_nack";
            case BIND_RECEIVER: return "bind_receiver";
            case BIND_RECEIVER_RESP: return "bind_receiver_resp";
            case BIND_TRANSMITTER: return "bind_transmitter";
            case BIND_TRANSMITTER_RESP: return "bind_transmitter_resp";
            case QUERY_SM: return "query_sm";
            case QUERY_SM_RESP: return "query_sm_resp";
            case SUBMIT_SM: return "submit_sm";
            case SUBMIT_SM_RESP: return "submit_sm_resp";
            case DELIVER_SM: return "deliver_sm";
            case DELIVER_SM_RESP: return "deliver_sm_resp";
            case UNBIND: return "unbind";
            case UNBIND_RESP: return "unbind_resp";
            case REPLACE_SM: return "replace_sm";
            case REPLACE_SM_RESP: return "replace_sm_resp";
            case CANCEL_SM: return "cancel_sm";
            case CANCEL_SM_RESP: return "cancel_sm_resp";
            case BIND_TRANSCEIVER: return "bind_transceiver";
            case BIND_TRANSCEIVER_RESP: return "bind_transceiver_resp";
            case OUTBIND: return "outbind";
            case ENQUIRE_LINK: return "enquire_link";
            case ENQUIRE_LINK_RESP: return "enquire_link_resp";
            case SUBMIT_MULTI: return "submit_multi";
            case SUBMIT_MULTI_RESP: return "submit_multi_resp";
            case PARAM_RETRIEVE: return "param_retrieve";
            case PARAM_RETRIEVE_RESP: return "param_retrieve_resp";
            case QUERY_LAST_MSGS: return "query_last_msgs";
            case QUERY_LAST_MSGS_RESP: return "query_last_msgs_resp";
            case QUERY_MSG_DETAILS: return "query_msg_details";
            case QUERY_MSG_DETAILS_RESP: return "query_msg_details_resp";
            case ALERT_NOTIFICATION: return "alert_notification";
            case DATA_SM: return "data_sm";
            case DATA_SM_RESP: return "data_sm_resp";
            default: return null;
        }
    }
}
