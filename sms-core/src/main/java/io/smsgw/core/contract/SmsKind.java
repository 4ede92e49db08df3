package io.smsgw.core.contract;

import org.apache.activemq.artemis.api.core.SimpleString;

/** What a broker message of the contract carries (property {@link SmsProperties#KIND}). */
public enum SmsKind {
   /** Mobile terminated: an SP, ESME or application sends to a handset. */
   MT,
   /** Mobile originated: a handset sends to an SP. */
   MO,
   /** Delivery receipt / status report for an earlier MT. */
   DR;

   private final SimpleString propertyValue = SimpleString.of(name());

   /** The value of {@link SmsProperties#KIND} as the gateway writes it: one instance for every message. */
   public SimpleString propertyValue() {
      return propertyValue;
   }
}
