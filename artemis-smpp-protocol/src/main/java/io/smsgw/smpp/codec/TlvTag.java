package io.smsgw.smpp.codec;

/**
 * SMPP 3.4 optional parameter (TLV) tags. Tags are unsigned 16-bit on the wire; every tag
 * defined by 3.4 is below 0x8000 so it is a positive {@code short}.
 */
public final class TlvTag {

    public static final short DEST_ADDR_SUBUNIT = 0x0005;
    public static final short DEST_NETWORK_TYPE = 0x0006;
    public static final short DEST_BEARER_TYPE = 0x0007;
    public static final short DEST_TELEMATICS_ID = 0x0008;
    public static final short SOURCE_ADDR_SUBUNIT = 0x000D;
    public static final short SOURCE_NETWORK_TYPE = 0x000E;
    public static final short SOURCE_BEARER_TYPE = 0x000F;
    public static final short SOURCE_TELEMATICS_ID = 0x0010;
    public static final short QOS_TIME_TO_LIVE = 0x0017;
    public static final short PAYLOAD_TYPE = 0x0019;
    public static final short ADDITIONAL_STATUS_INFO_TEXT = 0x001D;
    public static final short RECEIPTED_MESSAGE_ID = 0x001E;
    public static final short MS_MSG_WAIT_FACILITIES = 0x0030;
    public static final short PRIVACY_INDICATOR = 0x0201;
    public static final short SOURCE_SUBADDRESS = 0x0202;
    public static final short DEST_SUBADDRESS = 0x0203;
    public static final short USER_MESSAGE_REFERENCE = 0x0204;
    public static final short USER_RESPONSE_CODE = 0x0205;
    public static final short SOURCE_PORT = 0x020A;
    public static final short DESTINATION_PORT = 0x020B;
    public static final short SAR_MSG_REF_NUM = 0x020C;
    public static final short LANGUAGE_INDICATOR = 0x020D;
    public static final short SAR_TOTAL_SEGMENTS = 0x020E;
    public static final short SAR_SEGMENT_SEQNUM = 0x020F;
    public static final short SC_INTERFACE_VERSION = 0x0210;
    public static final short CALLBACK_NUM_PRES_IND = 0x0302;
    public static final short CALLBACK_NUM_ATAG = 0x0303;
    public static final short NUMBER_OF_MESSAGES = 0x0304;
    public static final short CALLBACK_NUM = 0x0381;
    public static final short DPF_RESULT = 0x0420;
    public static final short SET_DPF = 0x0421;
    public static final short MS_AVAILABILITY_STATUS = 0x0422;
    public static final short NETWORK_ERROR_CODE = 0x0423;
    public static final short MESSAGE_PAYLOAD = 0x0424;
    public static final short DELIVERY_FAILURE_REASON = 0x0425;
    public static final short MORE_MESSAGES_TO_SEND = 0x0426;
    public static final short MESSAGE_STATE = 0x0427;
    public static final short USSD_SERVICE_OP = 0x0501;
    public static final short DISPLAY_TIME = 0x1201;
    public static final short SMS_SIGNAL = 0x1203;
    public static final short MS_VALIDITY = 0x1204;
    public static final short ALERT_ON_MESSAGE_DELIVERY = 0x130C;
    public static final short ITS_REPLY_TYPE = 0x1380;
    public static final short ITS_SESSION_INFO = 0x1383;

    private TlvTag() {
    }

    /** Formats a tag as the unsigned hex value shown in the spec, e.g. "0x001e". */
    public static String toHex(short tag) {
        return String.format("0x%04x", tag & 0xFFFF);
    }
}
