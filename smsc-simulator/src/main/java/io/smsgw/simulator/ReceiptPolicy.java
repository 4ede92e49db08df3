package io.smsgw.simulator;

/** When the simulator sends a delivery receipt for an accepted submit. */
public enum ReceiptPolicy {

    /**
     * As the submit's registered_delivery asks (bits 0-1): 1 (or the reserved 3) for every final
     * outcome, 2 only for failures, 0 never.
     */
    REQUESTED,
    /** For every accepted submit, whatever registered_delivery says. */
    ALWAYS,
    /** Never. */
    NEVER;

    /** Whether a receipt goes out for a submit with {@code registeredDelivery} whose outcome is {@code success}. */
    public boolean wants(int registeredDelivery, boolean success) {
        switch (this) {
            case ALWAYS:
                return true;
            case NEVER:
                return false;
            default:
                int request = registeredDelivery & 0x03;
                return request == 1 || request == 3 || request == 2 && !success;
        }
    }
}
