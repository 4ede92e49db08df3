package io.smsgw.core.contract;

/** What a broker message of the contract carries (property {@link SmsProperties#KIND}). */
public enum SmsKind {
   /** Mobile terminated: an SP, ESME or application sends to a handset. */
   MT,
   /** Mobile originated: a handset sends to an SP. */
   MO,
   /** Delivery receipt / status report for an earlier MT. */
   DR
}
