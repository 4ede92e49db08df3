package io.smsgw.bench.correlation;

import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.SmsProtocol;
import java.util.concurrent.TimeUnit;

/**
 * Correlation records as the SMSC links store them, each derived from an index: the benchmark keeps no
 * record or key in memory, and can rebuild any record to look it up or to check what the store returned.
 *
 * <p>Four links, each with the id style of a kind of SMSC: 8 hex digits, 10 decimal digits, 16 hex digits,
 * and a CMPP Msg_Id printed as 20 decimal digits. Ids are scrambled (SMSCs hand them out in no useful
 * order). Two thirds are CMPP MT with fee fields and a service id, one third SMPP MT without; every tenth
 * is a part of a three-part message, every twentieth came from a peer gateway. Submit times (and the
 * deadlines, 48 hours later as the link's default validity) grow with the index, so the oldest records
 * expire first.
 */
final class BenchRecords {

    static final String[] LINKS = {"cmcc-bj-1", "cmcc-bj-2", "unicom-gz", "intl-hub"};
    /** The SMSC link's validity when the MT carries none. */
    static final long VALIDITY_MILLIS = TimeUnit.HOURS.toMillis(48);
    private static final String ZEROS = "00000000000000000000";

    private final long baseMillis;

    /** @param baseMillis the submit time of record 0 */
    BenchRecords(long baseMillis) {
        this.baseMillis = baseMillis;
    }

    String linkId(long index) {
        return LINKS[(int) (index & 3)];
    }

    /** Unique per index below 2^32: each style is a bijection of the index. */
    String smscMessageId(long index) {
        switch ((int) (index & 3)) {
            case 0:
                return pad(Integer.toHexString(scramble32(index)).toUpperCase(java.util.Locale.ROOT), 8);
            case 1:
                return pad(Integer.toUnsignedString(scramble32(index)), 10);
            case 2:
                return pad(Long.toHexString(scramble64(index)), 16);
            default:
                return pad(Long.toUnsignedString(scramble64(index)), 20);
        }
    }

    /** The deadline of record {@code index}: every record below {@code index} expires earlier. */
    long expiresAt(long index) {
        return baseMillis + index + VALIDITY_MILLIS;
    }

    CorrelationRecord record(long index) {
        long submitTime = baseMillis + index;
        int account = (int) (index >>> 2) % 8 + 1;
        boolean cmpp = (index >>> 2) % 3 != 2;
        boolean multipart = index % 10 == 0;
        String destination = "86138" + pad(Integer.toString((int) (Integer.toUnsignedLong(scramble32(~index)) % 100_000_000L)), 8);
        return new CorrelationRecord(linkId(index), smscMessageId(index),
                pad(Long.toHexString(0x0B5C_0000_0000_0000L + index).toUpperCase(java.util.Locale.ROOT), 16),
                "90000" + account,
                index % 20 == 0 ? "gw-gz" : null,
                "10690000" + account + (index % 100),
                destination,
                cmpp ? "MBJ000" + account : null,
                cmpp ? 2 : 0,
                cmpp ? "02" : null,
                cmpp ? "000010" : null,
                cmpp && index % 2 == 0 ? destination : null,
                submitTime,
                expiresAt(index),
                multipart ? (int) (index / 10) & 0xFFFF : 0,
                multipart ? 3 : 1,
                multipart ? (int) (index % 3) + 1 : 1,
                1,
                cmpp ? SmsProtocol.CMPP : SmsProtocol.SMPP,
                cmpp ? "3.0" : "3.4");
    }

    /** A bijection of the low 32 bits (odd multiplier, then xor-shift). */
    private static int scramble32(long index) {
        int x = (int) index * 0x9E3779B1;
        return x ^ x >>> 16;
    }

    /** A bijection of 64 bits (the SplitMix64 finaliser). */
    private static long scramble64(long index) {
        long z = index * 0x9E3779B97F4A7C15L;
        z = (z ^ z >>> 30) * 0xBF58476D1CE4E5B9L;
        z = (z ^ z >>> 27) * 0x94D049BB133111EBL;
        return z ^ z >>> 31;
    }

    private static String pad(String digits, int width) {
        return digits.length() >= width ? digits : ZEROS.substring(0, width - digits.length()) + digits;
    }
}
