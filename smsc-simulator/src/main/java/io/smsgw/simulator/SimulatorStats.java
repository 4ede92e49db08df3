package io.smsgw.simulator;

/**
 * A snapshot of what the simulator has done since it started. Submits count submit_sm, data_sm and
 * submit_multi alike.
 *
 * @param bindsAccepted        binds answered ESME_ROK
 * @param bindsRefused         binds refused (bad credentials, transceiver on 3.3, already bound)
 * @param sessionsBound        sessions bound right now
 * @param submitsReceived      submits from bound transmitters
 * @param submitsAccepted      answered ESME_ROK with a message id
 * @param submitsThrottled     answered ESME_RTHROTTLED
 * @param submitsFailed        answered with another error status (injected errors)
 * @param submitsUnanswered    left without a response on purpose
 * @param receiptsScheduled    receipts due to be sent
 * @param receiptsSent         receipt deliver_sm written
 * @param receiptsAcknowledged receipts answered deliver_sm_resp ESME_ROK
 * @param receiptsRefused      receipts answered with an error status or generic_nack
 * @param receiptsDropped      receipts never sent: no receiver bound for the system_id, the receiver went
 *                             away, or the pending-receipt limit was reached
 * @param receiptsHeld         times a receipt was kept to be sent again to the next receiver of its system_id
 *                             ({@link SimulatorConfig#redeliverReceipts()})
 * @param receiptsPending      receipts scheduled, waiting for a window slot or for their response
 * @param moSent               MO deliver_sm written
 * @param moAcknowledged       MO answered deliver_sm_resp ESME_ROK
 * @param enquireLinks         enquire_link received
 * @param unbinds              unbind received
 * @param malformed            frames that could not be decoded (answered generic_nack or closed)
 */
public record SimulatorStats(long bindsAccepted, long bindsRefused, int sessionsBound, long submitsReceived,
                             long submitsAccepted, long submitsThrottled, long submitsFailed,
                             long submitsUnanswered, long receiptsScheduled, long receiptsSent,
                             long receiptsAcknowledged, long receiptsRefused, long receiptsDropped, long receiptsHeld,
                             long receiptsPending, long moSent, long moAcknowledged, long enquireLinks,
                             long unbinds, long malformed) {
}
