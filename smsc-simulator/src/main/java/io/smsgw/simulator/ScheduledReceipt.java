package io.smsgw.simulator;

import io.smsgw.smpp.codec.Address;

/**
 * A receipt decided at submit time, waiting for its due time.
 *
 * @param dueNanos     {@link System#nanoTime()} at which it is sent
 * @param systemId     the ESME account it goes to
 * @param messageId    the id the submit was answered with
 * @param handset      the submit's destination (the receipt's source)
 * @param esme         the submit's source (the receipt's destination)
 * @param submitMillis when the submit was accepted
 * @param success      DELIVRD, or UNDELIV
 * @param textStart    the first characters of the message for {@code text:}
 */
record ScheduledReceipt(long dueNanos, String systemId, String messageId, Address handset, Address esme,
                        long submitMillis, boolean success, String textStart) {
}
