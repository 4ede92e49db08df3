package io.smsgw.broker;

/**
 * A connection's count of requests its session took and has not answered yet (submits waiting for the journal,
 * held-message searches waiting for the broker). While the count is at the acceptor's cap the connection reads no
 * further PDUs; see {@link PduChannelHandler}. Every {@link #taken} must be followed by exactly one
 * {@link #answered}, whatever becomes of the answer (written, refused, vetoed by an interceptor, failed).
 */
public interface PendingRequests {

   /** A request was taken whose answer comes later. On the connection's event loop. */
   void taken();

   /** One taken request has had its answer handed to the writer, or given up. From any thread. */
   void answered();

   /**
    * Stops reading from the connection because the broker's storage is full (decision 131): PDUs already read wait, in
    * order. On the connection's event loop. The returned task starts reading again; run it from any thread, once.
    */
   Runnable stopReadingForStorage();
}
