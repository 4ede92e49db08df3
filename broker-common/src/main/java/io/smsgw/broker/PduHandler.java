package io.smsgw.broker;

/**
 * A protocol session as its channel handler sees it: decoded PDUs in, channel closed.
 *
 * @param <P> the protocol's PDU type
 */
public interface PduHandler<P> {

   /** A decoded PDU, on the connection's event loop. */
   void onPdu(P pdu);

   /** The channel closed, on the connection's event loop. */
   void onChannelClosed();
}
