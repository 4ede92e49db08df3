package io.smsgw.cmpp.codec;

import static io.smsgw.cmpp.codec.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** The worked example of protocols.md §1.8 and the rules around it. */
class CmppAuthenticatorTest {

    private static final byte[] AUTH_SOURCE = hex("90d00c1d517abd0b4f65f6bcf8535d16");

    @Test
    void authenticatorSourceOfTheWorkedExample() {
        assertArrayEquals(AUTH_SOURCE, CmppAuthenticator.authenticatorSource("900001", "888888", 1021080510L));
        assertArrayEquals(AUTH_SOURCE, CmppAuthenticator.authenticatorSource("900001",
                "888888".getBytes(StandardCharsets.US_ASCII), 1021080510L));
    }

    @Test
    void authenticatorIsmgHashesStatusWithTheVersionWidth() {
        assertArrayEquals(hex("6c0b846e25bab6daa4ed1c466e0f4bd8"),
                CmppAuthenticator.authenticatorIsmg(0, AUTH_SOURCE, "888888", CmppVersion.V20));
        assertArrayEquals(hex("7942977274098cf210ab0c16c367bc8d"),
                CmppAuthenticator.authenticatorIsmg(0, AUTH_SOURCE, "888888", CmppVersion.V30));
    }

    @Test
    void timestampIsHashedAsTenZeroPaddedDigits() throws Exception {
        byte[] expected = MessageDigest.getInstance("MD5").digest(
                ("900001" + "\0".repeat(9) + "888888" + "0102030405").getBytes(StandardCharsets.ISO_8859_1));
        assertArrayEquals(expected, CmppAuthenticator.authenticatorSource("900001", "888888", 102030405L));
    }

    @Test
    void verifySourceAcceptsTheRightSecretOnly() {
        Connect connect = new Connect(1, "900001", AUTH_SOURCE, 0x30, 1021080510L);
        assertTrue(CmppAuthenticator.verifySource(connect, "888888"));
        assertFalse(CmppAuthenticator.verifySource(connect, "888889"));
        assertFalse(CmppAuthenticator.verifySource(new Connect(1, "900001", AUTH_SOURCE, 0x30, 1021080511L), "888888"));
        assertFalse(CmppAuthenticator.verifySource(new Connect(1, "900002", AUTH_SOURCE, 0x30, 1021080510L), "888888"));
        assertFalse(CmppAuthenticator.verifySource(new Connect(1, "900001", new byte[0], 0x30, 1021080510L), "888888"));
    }

    @Test
    void verifyIsmgChecksAgainstTheVersionWidth() {
        byte[] secret = "888888".getBytes(StandardCharsets.US_ASCII);
        ConnectResp resp30 = new ConnectResp(1, 0, hex("7942977274098cf210ab0c16c367bc8d"), 0x30);
        assertTrue(CmppAuthenticator.verifyIsmg(resp30, AUTH_SOURCE, secret, CmppVersion.V30));
        assertFalse(CmppAuthenticator.verifyIsmg(resp30, AUTH_SOURCE, secret, CmppVersion.V20));
    }

    @Test
    void aServerAnswerRoundTrip() {
        long timestamp = CmppTimestamp.of(java.time.LocalDateTime.of(2025, 11, 26, 13, 45, 30));
        byte[] source = CmppAuthenticator.authenticatorSource("901234", "s3cret", timestamp);
        Connect connect = new Connect(7, "901234", source, 0x20, timestamp);
        assertTrue(CmppAuthenticator.verifySource(connect, "s3cret"));
        byte[] ismg = CmppAuthenticator.authenticatorIsmg(0, source, "s3cret", CmppVersion.V20);
        ConnectResp resp = connect.response(CmppResult.CONNECT_OK, ismg, 0x30);
        assertTrue(CmppAuthenticator.verifyIsmg(resp, source, "s3cret".getBytes(StandardCharsets.UTF_8),
                CmppVersion.V20));
    }
}
