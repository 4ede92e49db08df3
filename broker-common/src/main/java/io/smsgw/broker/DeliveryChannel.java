package io.smsgw.broker;

import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.spi.core.remoting.ReadyListener;

/**
 * What a {@link WindowedDeliverer} needs from a protocol session: turn a waiting message into the
 * protocol's delivery PDU (SMPP deliver_sm, CMPP DELIVER) and write it.
 *
 * @param <P> the protocol's PDU type
 */
public interface DeliveryChannel<P> {

   /** The account whose queue is being delivered, for logs. */
   String accountId();

   /** A fresh request sequence number for this connection. */
   int nextSequence();

   /**
    * The PDU that delivers this message. Throws IllegalArgumentException for content the protocol cannot
    * carry; the message then goes to the dead-letter address.
    */
   P encodeDelivery(ICoreMessage message, int sequence);

   /** Writes a PDU; callable from any thread. */
   void write(P pdu);

   boolean isWritable(ReadyListener listener);

   /** Runs work on the connection's event loop. */
   void execute(Runnable task);

   /** Closes the connection, e.g. when the broker removed the consumer through management. */
   void close(String reason);

   /**
    * A delivery ended: answered with success, refused, or unanswered in time (then {@code success} is
    * false). For the protocol's own bookkeeping; the message itself is already acknowledged or put back.
    */
   default void onSettled(int sequence, boolean success) {
   }
}
