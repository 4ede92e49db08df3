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
    * The broker's storage is full (decisions 131, 140): from now the connection holds back the requests that store
    * something, in order, and still hands over responses and keep-alives; past a bound of waiting storing requests it
    * refuses further ones at once ({@link PduHandler#refuseForStorage}), and it stops reading only once many other PDUs wait.
    * On the connection's event loop. Registers a task that starts handing them over again with the broker
    * ({@code sender.whenStorageFrees(full, task)}; it runs once, from any thread), unless the connection has one
    * registered already: a connection refused again while it waits (a submit whose search or check ended meanwhile)
    * adds no second callback to the store. Closing the connection takes it off the store. A task the store runs while
    * it is still full (a late wake-up) registers again instead ({@link DurableSender#stillFull}).
    */
   void stopReadingForStorage(DurableSender sender, DurableSender.StorageFull full);
}
