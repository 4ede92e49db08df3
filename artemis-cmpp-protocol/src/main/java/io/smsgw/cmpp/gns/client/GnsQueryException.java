package io.smsgw.cmpp.gns.client;

/**
 * A request to the tandem gateway that got no usable answer. {@link #reason()} tells what to do: UNAVAILABLE,
 * TIMEOUT and BUSY are worth retrying later (the message keeps waiting); REFUSED carries the GNS Result;
 * PROTOCOL_ERROR and INVALID_REQUEST will not get better by retrying.
 */
public final class GnsQueryException extends RuntimeException {

   private static final long serialVersionUID = 1L;

   public enum Reason {
      /** No connection to the tandem gateway (not yet connected, refused, lost or closed). */
      UNAVAILABLE,
      /** No answer within {@code gns.query-timeout}. */
      TIMEOUT,
      /** Too many requests waiting for the window. */
      BUSY,
      /** The tandem answered with a Result other than success or "no route"; see {@link #result()}. */
      REFUSED,
      /** The tandem answered with something that does not fit the request. */
      PROTOCOL_ERROR,
      /** The request cannot be encoded (e.g. a field longer than its octet string). */
      INVALID_REQUEST
   }

   private final Reason reason;
   private final int result;

   public GnsQueryException(Reason reason, String message) {
      this(reason, -1, message, null);
   }

   public GnsQueryException(Reason reason, int result, String message, Throwable cause) {
      super(message, cause);
      this.reason = reason;
      this.result = result;
   }

   public Reason reason() {
      return reason;
   }

   /** The GNS Result when {@link #reason()} is REFUSED, else -1. */
   public int result() {
      return result;
   }

   /** Whether asking again later may succeed. */
   public boolean isTransient() {
      return reason == Reason.UNAVAILABLE || reason == Reason.TIMEOUT || reason == Reason.BUSY;
   }
}
