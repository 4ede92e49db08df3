package io.smsgw.cmpp.codec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The MD5 authenticators of CONNECT / CONNECT_RESP.
 *
 * <ul>
 *   <li>AuthenticatorSource = MD5(Source_Addr ‖ 9 × 0x00 ‖ secret ‖ Timestamp as 10-digit
 *       zero-padded text), Source_Addr taken as the text sent (Latin-1, without padding).</li>
 *   <li>AuthenticatorISMG = MD5(Status ‖ AuthenticatorSource ‖ secret), Status written with the
 *       version's width: 1 octet in 2.0, 4 octets big-endian in 3.0.</li>
 * </ul>
 * String secrets are taken as UTF-8 (ASCII in practice). Comparisons run in constant time.
 */
public final class CmppAuthenticator {

    private static final int SOURCE_PADDING = 9;

    private CmppAuthenticator() {
    }

    /** AuthenticatorSource for {@code sourceAddr}, {@code secret} and the MMDDHHMMSS {@code timestamp}. */
    public static byte[] authenticatorSource(String sourceAddr, byte[] secret, long timestamp) {
        MessageDigest md5 = md5();
        md5.update(sourceAddr.getBytes(StandardCharsets.ISO_8859_1));
        md5.update(new byte[SOURCE_PADDING]);
        md5.update(secret);
        md5.update(CmppTimestamp.toText(timestamp).getBytes(StandardCharsets.US_ASCII));
        return md5.digest();
    }

    /** As {@link #authenticatorSource(String, byte[], long)} with a UTF-8 secret. */
    public static byte[] authenticatorSource(String sourceAddr, String secret, long timestamp) {
        return authenticatorSource(sourceAddr, secret.getBytes(StandardCharsets.UTF_8), timestamp);
    }

    /** AuthenticatorISMG for a CONNECT_RESP with {@code status}, hashed with {@code version}'s Status width. */
    public static byte[] authenticatorIsmg(int status, byte[] authenticatorSource, byte[] secret, CmppVersion version) {
        MessageDigest md5 = md5();
        if (version.resultLength() == 1) {
            md5.update((byte) status);
        } else {
            md5.update(new byte[] {(byte) (status >>> 24), (byte) (status >>> 16), (byte) (status >>> 8),
                (byte) status});
        }
        md5.update(authenticatorSource);
        md5.update(secret);
        return md5.digest();
    }

    /** As {@link #authenticatorIsmg(int, byte[], byte[], CmppVersion)} with a UTF-8 secret. */
    public static byte[] authenticatorIsmg(int status, byte[] authenticatorSource, String secret, CmppVersion version) {
        return authenticatorIsmg(status, authenticatorSource, secret.getBytes(StandardCharsets.UTF_8), version);
    }

    /** Whether {@code connect} carries the AuthenticatorSource that {@code secret} yields (constant time). */
    public static boolean verifySource(Connect connect, byte[] secret) {
        if (connect.timestamp() < 0 || connect.timestamp() > 9_999_999_999L) {
            return false;
        }
        byte[] expected = authenticatorSource(connect.sourceAddr(), secret, connect.timestamp());
        return MessageDigest.isEqual(expected, connect.authenticatorSource());
    }

    /** As {@link #verifySource(Connect, byte[])} with a UTF-8 secret. */
    public static boolean verifySource(Connect connect, String secret) {
        return verifySource(connect, secret.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether {@code resp} carries the AuthenticatorISMG expected for the CONNECT that sent
     * {@code authenticatorSource} (constant time). Vendors differ in the Status width they hash: this
     * project's FWD link and GNS client refuse a mismatch unless told not to ({@code verify-ismg = false}).
     */
    public static boolean verifyIsmg(ConnectResp resp, byte[] authenticatorSource, byte[] secret, CmppVersion version) {
        byte[] expected = authenticatorIsmg(resp.status(), authenticatorSource, secret, version);
        return MessageDigest.isEqual(expected, resp.authenticatorIsmg());
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide MD5", e);
        }
    }
}
