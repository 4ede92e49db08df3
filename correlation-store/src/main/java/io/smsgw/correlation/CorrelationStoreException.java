package io.smsgw.correlation;

/** The store could not read or write its data: an I/O failure, or stored bytes it cannot decode. */
public class CorrelationStoreException extends RuntimeException {

   public CorrelationStoreException(String message) {
      super(message);
   }

   public CorrelationStoreException(String message, Throwable cause) {
      super(message, cause);
   }
}
