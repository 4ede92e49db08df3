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

   /**
    * What a PDU is to a connection paused because the broker's storage is full (decision 131); see
    * {@link PduChannelHandler}. Asked only while something holds PDUs back, never on the common path.
    */
   default StoragePause whileStorageFull(P pdu) {
      return StoragePause.IN_ORDER;
   }

   /**
    * A storing request ({@link StoragePause#STORES}) read while the storage is full and the connection already holds as
    * many of them as it keeps (see {@link PduChannelHandler}): the session answers it now with its protocol's transient
    * storage-full answer (SMPP ESME_RMSGQFUL, CMPP Result 8), counted as a refusal of the store {@code full} names,
    * instead of it waiting; anything the session's state refuses otherwise (not bound, ending) it answers as
    * {@link #onPdu} would. Nothing is stored and no storage callback is registered (the connection waits on one already).
    * A request it counts as taken it counts as answered once. On the connection's event loop. By default handed over.
    */
   default void refuseForStorage(P pdu, DurableSender.StorageFull full) {
      onPdu(pdu);
   }

   /** How a PDU passes a connection paused for storage. */
   enum StoragePause {
      /**
       * A request that stores something (a submit): waits, in order, until the storage frees; once enough wait, refused
       * at once ({@link PduHandler#refuseForStorage}).
       */
      STORES,
      /** A response or keep-alive: handed over at once, ahead of the requests that wait. */
      PASSES,
      /** The peer ends its session (unbind, TERMINATE): what waits before it is handed over first, then it. */
      ENDS,
      /** Anything else: at once when nothing waits before it, else after what waits. */
      IN_ORDER
   }
}
