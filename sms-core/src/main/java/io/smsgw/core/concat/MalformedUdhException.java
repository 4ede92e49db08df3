package io.smsgw.core.concat;

/**
 * A user data header whose structure does not fit the octets it came in. Protocol handlers turn it
 * into their own error (for example an SMPP invalid-message-length status).
 */
public final class MalformedUdhException extends Exception {

   private static final long serialVersionUID = 1L;

   /** What is wrong with the header. */
   public enum Reason {
      /** UDHI was set but there is no octet for the UDHL. */
      MISSING_HEADER_LENGTH,
      /** UDHL announces more octets than the message has. */
      HEADER_BEYOND_DATA,
      /** An information element (its identifier/length octets or its data) runs past the UDHL. */
      ELEMENT_BEYOND_HEADER
   }

   private final Reason reason;

   public MalformedUdhException(Reason reason, String message) {
      super(message);
      this.reason = reason;
   }

   /** What is wrong with the header. */
   public Reason reason() {
      return reason;
   }
}
