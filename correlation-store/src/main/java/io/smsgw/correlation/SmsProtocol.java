package io.smsgw.correlation;

/**
 * The protocol an MT was submitted with, so its receipt goes back in the same form. The codes are
 * what the store writes; they never change once released.
 */
public enum SmsProtocol {
   SMPP(1),
   CMPP(2),
   /** An application that sent straight to the broker (JMS, AMQP, core). */
   APP(3);

   private final byte code;

   SmsProtocol(int code) {
      this.code = (byte) code;
   }

   byte code() {
      return code;
   }

   /** @return the protocol stored under {@code code}, or {@code null} for an unknown code */
   static SmsProtocol fromCode(byte code) {
      switch (code) {
         case 1: return SMPP;
         case 2: return CMPP;
         case 3: return APP;
         default: return null;
      }
   }
}
