package io.smsgw.cmpp.codec;

/**
 * CMPP_ACTIVE_TEST_RESP: one Reserved octet (0) in both versions. A response without that octet
 * (header only, as some peers send) decodes with {@code reserved} 0.
 */
public record ActiveTestResp(int sequenceId, int reserved) implements CmppResponse {

    @Override
    public int commandId() {
        return CmppCommandId.ACTIVE_TEST_RESP;
    }
}
