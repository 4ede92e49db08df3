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

   private static final SmsKind[] VALUES = values();

   private final SimpleString propertyValue = SimpleString.of(name());

   /**
    * The kind a message says it is by its {@link SmsProperties#KIND} value: the gateway's own values, or the same
    * names in any letter case, as applications may write them; {@link #MO} when absent or not a kind (an application
    * talking to an SP). Every reader of the kind asks here, so they all agree on what a message is.
    */
   public static SmsKind of(Object propertyValue) {
      if (propertyValue == null) {
         return MO;
      }
      for (SmsKind kind : VALUES) {
         if (kind.propertyValue.equals(propertyValue)) { // as the gateway writes it: no String per message
            return kind;
         }
      }
      String text = propertyValue.toString();
      for (SmsKind kind : VALUES) {
         if (kind.name().equalsIgnoreCase(text)) {
            return kind;
         }
      }
      return MO;
   }

   /** The value of {@link SmsProperties#KIND} as the gateway writes it: one instance for every message. */
   public SimpleString propertyValue() {
      return propertyValue;
   }
}
