package io.smsgw.simulator;

/**
 * How the simulator writes the message ids it assigns. Ids come from one counter per simulator, so
 * they are unique within a run; SMPP 3.3 allows only 8 characters (message_id is a C-Octet String
 * of 9), so 3.3 sessions get the low digits.
 */
public enum MessageIdFormat {

    /** Lower-case hex: 16 digits for SMPP 3.4 sessions, the low 8 for 3.3 sessions. */
    HEX {
        @Override
        public String format(long id, boolean version34) {
            int digits = version34 ? 16 : 8;
            char[] out = new char[digits];
            long value = id;
            for (int i = digits - 1; i >= 0; i--) {
                out[i] = HEX_DIGITS[(int) (value & 0xF)];
                value >>>= 4;
            }
            return new String(out);
        }
    },

    /** Decimal without padding; 3.3 sessions get the value modulo 10^8 (at most 8 digits). */
    DECIMAL {
        @Override
        public String format(long id, boolean version34) {
            return Long.toString(version34 ? id : Long.remainderUnsigned(id, 100_000_000L));
        }
    };

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    /** The text form of {@code id} for a session of the given version. */
    public abstract String format(long id, boolean version34);
}
