package io.smsgw.cmpp.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * CMPP_CONNECT (client to server), identical in 2.0 and 3.0: Source_Addr os6,
 * AuthenticatorSource 16 octets (see {@link CmppAuthenticator}), Version u8 (the client's
 * version byte, kept raw: 0x20, 0x21, 0x30 or anything a peer sends) and Timestamp u32 (the
 * decimal value of MMDDHHMMSS, see {@link CmppTimestamp}).
 */
public record Connect(int sequenceId, String sourceAddr, byte[] authenticatorSource, int version, long timestamp)
        implements CmppRefusableRequest {

    /** Length of AuthenticatorSource and AuthenticatorISMG. */
    public static final int AUTHENTICATOR_LENGTH = 16;

    /** Version byte sent in a refusal: the highest version this codec supports. */
    private static final int HIGHEST_VERSION = CmppVersion.V30.code();

    /**
     * An {@code authenticatorSource} shorter than 16 octets is zero-padded on encode; a longer one
     * cannot be encoded.
     */
    public Connect {
        sourceAddr = Fields.str(sourceAddr);
        authenticatorSource = Fields.bytes(authenticatorSource);
    }

    @Override
    public int commandId() {
        return CmppCommandId.CONNECT;
    }

    /**
     * The CONNECT_RESP to send. {@code version} is the server's highest supported version byte;
     * the Status width on the wire follows the connection's {@link CmppVersion} at encode time.
     */
    public ConnectResp response(int status, byte[] authenticatorIsmg, int version) {
        return new ConnectResp(sequenceId, status, authenticatorIsmg, version);
    }

    /** A refusal with {@code status}, an all-zero AuthenticatorISMG and version byte 0x30. */
    @Override
    public ConnectResp errorResponse(int status) {
        return refusal(sequenceId, status);
    }

    static ConnectResp refusal(int sequenceId, int status) {
        return new ConnectResp(sequenceId, status, Fields.NO_BYTES, HIGHEST_VERSION);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Connect other
                && sequenceId == other.sequenceId
                && sourceAddr.equals(other.sourceAddr)
                && Arrays.equals(authenticatorSource, other.authenticatorSource)
                && version == other.version
                && timestamp == other.timestamp;
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(sequenceId, sourceAddr, version, timestamp) + Arrays.hashCode(authenticatorSource);
    }

    /**
     * Without AuthenticatorSource: with Source_Addr and Timestamp beside it, a log line would let anyone who reads
     * it try secrets offline.
     */
    @Override
    public String toString() {
        return "Connect[sequenceId=" + sequenceId + ", sourceAddr=" + sourceAddr
                + ", authenticatorSource=(" + authenticatorSource.length + " octets)"
                + ", version=0x" + Integer.toHexString(version) + ", timestamp=" + timestamp + "]";
    }
}
