package io.smsgw.simulator;

import io.smsgw.smpp.codec.SmppRequest;
import io.smsgw.smpp.codec.SmppStatus;

/**
 * Decides how the simulator answers each submit_sm, data_sm or submit_multi of a bound transmitter:
 * accept it, refuse it with a status, or leave it unanswered (to test response timeouts). Called on
 * the simulator's I/O threads, possibly concurrently, so implementations must be thread-safe and fast.
 */
@FunctionalInterface
public interface SubmitPolicy {

    /** Returned by {@link #decide} to send no response at all. */
    int NO_RESPONSE = -1;

    /**
     * @param systemId the bound system_id that submitted
     * @param submit   the submit_sm, data_sm or submit_multi
     * @return {@link SmppStatus#ESME_ROK} to accept (a message id is assigned and receipts follow),
     *     another command_status to refuse, or {@link #NO_RESPONSE}
     */
    int decide(String systemId, SmppRequest submit);

    /** Accepts everything. */
    static SubmitPolicy acceptAll() {
        return (systemId, submit) -> SmppStatus.ESME_ROK;
    }

    /**
     * Refuses exact, evenly spread shares of the submits: {@code throttledShare} of all submits with
     * ESME_RTHROTTLED, then {@code failedShare} of the remaining ones with {@code failureStatus}. Each
     * call creates a policy with its own counters.
     *
     * @param throttledShare 0..1
     * @param failedShare    0..1
     * @param failureStatus  the error injected, e.g. {@link SmppStatus#ESME_RSYSERR}; must not be ESME_ROK
     */
    static SubmitPolicy shares(double throttledShare, double failedShare, int failureStatus) {
        if (failureStatus == SmppStatus.ESME_ROK || failureStatus < 0) {
            throw new IllegalArgumentException("failureStatus must be an error status, got " + failureStatus);
        }
        ShareGate throttled = new ShareGate(throttledShare);
        ShareGate failed = new ShareGate(failedShare);
        return (systemId, submit) -> {
            if (throttled.next()) {
                return SmppStatus.ESME_RTHROTTLED;
            }
            return failed.next() ? failureStatus : SmppStatus.ESME_ROK;
        };
    }
}
