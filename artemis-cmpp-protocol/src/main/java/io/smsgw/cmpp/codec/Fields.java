package io.smsgw.cmpp.codec;

import java.util.List;

/** Null normalisation shared by the PDU records' compact constructors. */
final class Fields {

    static final byte[] NO_BYTES = new byte[0];

    private Fields() {
    }

    static String str(String value) {
        return value == null ? "" : value;
    }

    static byte[] bytes(byte[] value) {
        return value == null ? NO_BYTES : value;
    }

    /**
     * TP_udhi as peers send it: the spec's value is 1, but many gateways pass the SMPP esm_class
     * UDHI bit (0x40) through, so either bit means "Msg_Content starts with a UDH".
     */
    static boolean udhi(int tpUdhi) {
        return (tpUdhi & 0x41) != 0;
    }

    static List<String> list(List<String> value) {
        return value == null ? List.of() : List.copyOf(value);
    }
}
