package io.smsgw.cmpp.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * CMPP_CONNECT_RESP: Status (1 octet in 2.0, 4 in 3.0; codes in {@link CmppResult}),
 * AuthenticatorISMG 16 octets (may be all zero on failure) and Version u8 (the server's highest
 * supported version, kept raw). When decoding, a body of exactly 18 or 21 octets selects the
 * 1- or 4-octet Status whatever the connection's version, so a client can read either answer.
 */
public record ConnectResp(int sequenceId, int status, byte[] authenticatorIsmg, int version)
        implements CmppResponse {

    /**
     * An {@code authenticatorIsmg} shorter than 16 octets (e.g. empty on failure) is zero-padded on
     * encode; a longer one cannot be encoded.
     */
    public ConnectResp {
        authenticatorIsmg = Fields.bytes(authenticatorIsmg);
    }

    @Override
    public int commandId() {
        return CmppCommandId.CONNECT_RESP;
    }

    /** Whether Status is 0. */
    public boolean isOk() {
        return status == CmppResult.CONNECT_OK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectResp other
                && sequenceId == other.sequenceId
                && status == other.status
                && Arrays.equals(authenticatorIsmg, other.authenticatorIsmg)
                && version == other.version;
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(sequenceId, status, version) + Arrays.hashCode(authenticatorIsmg);
    }

    @Override
    public String toString() {
        return "ConnectResp[sequenceId=" + sequenceId + ", status=" + status
                + ", authenticatorIsmg=" + Hex.of(authenticatorIsmg)
                + ", version=0x" + Integer.toHexString(version) + "]";
    }
}
