package io.smsgw.simulator;

import io.smsgw.smpp.codec.SmppRequest;

/**
 * Observes every submit the simulator answers (tests use it to see what an SMSC link sent). Called on
 * an I/O thread right after the response is written; keep it short and never block.
 */
@FunctionalInterface
public interface SubmitListener {

    /** Does nothing. */
    SubmitListener NONE = (systemId, submit, status, messageId) -> { };

    /**
     * @param systemId  the bound system_id that submitted
     * @param submit    the submit_sm, data_sm or submit_multi as decoded
     * @param status    the command_status answered ({@link SubmitPolicy#NO_RESPONSE} if none)
     * @param messageId the id assigned, or "" when the submit was not accepted
     */
    void onSubmit(String systemId, SmppRequest submit, int status, String messageId);
}
