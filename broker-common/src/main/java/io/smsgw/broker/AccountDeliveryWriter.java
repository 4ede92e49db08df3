package io.smsgw.broker;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * The outgoing side of one account session of an acceptor (SMPP, CMPP): the connection's {@link BatchedWriter} for
 * answers and encoded deliveries, and the session's {@link WindowedDeliverer} once it is bound, told of each encoded
 * delivery the writer writes or drops. Both acceptors' sessions delegate here, so the hand-over between writer and
 * window is written once; what differs between them is only where the sequence number sits in an encoded PDU.
 *
 * <p>The deliverer is set on the broker executor while the login completes, and read on the event loop after the hop
 * that follows it (as the sessions' own field was). Nothing here allocates per delivery.
 */
public final class AccountDeliveryWriter {

   private final BatchedWriter writer;
   /** Where the sequence number sits in an encoded delivery (SMPP: after length, id and status; CMPP: after length and id). */
   private final int sequenceOffset;
   /** Null until the session is bound, and on sessions that take no deliveries. */
   private WindowedDeliverer<ByteBuf> deliverer;

   public AccountDeliveryWriter(Channel channel, int sequenceOffset) {
      this.sequenceOffset = sequenceOffset;
      this.writer = new BatchedWriter(channel, this::deliveryDropped, this::deliveryWritten, this::deliveriesHeld);
   }

   /** The session's window of deliveries, from its login on (broker executor); null before. */
   public void setDeliverer(WindowedDeliverer<ByteBuf> deliverer) {
      this.deliverer = deliverer;
   }

   /** Null before the login, and on sessions that take no deliveries. */
   public WindowedDeliverer<ByteBuf> deliverer() {
      return deliverer;
   }

   /** An answer or a request of the session's own, from any thread: never held back. */
   public void write(Object pdu) {
      writer.write(pdu);
   }

   /** An encoded delivery, from any thread: dropped instead once deliveries have stopped. */
   public void writeDelivery(ByteBuf delivery) {
      writer.writeDelivery(delivery);
   }

   /** On the event loop, when a throttling pause of the account ends: writes the deliveries held back meanwhile. */
   public void resumeDeliveries() {
      writer.resumeDeliveries();
   }

   /**
    * No delivery from here (event loop), not even one handed over already and not written yet: the broker session's
    * close puts its message back. The window stops waiting for more to send.
    */
   public void stopDeliveries() {
      writer.stopDeliveries();
      if (deliverer != null) {
         deliverer.stop();
      }
   }

   /** Whether deliveries written are still unanswered. */
   public boolean hasUnanswered() {
      return deliverer != null && deliverer.inFlightCount() > 0;
   }

   /** Deliveries unanswered past the response timeout go back to the queue (the session's liveness timer). */
   public void expireOverdue() {
      if (deliverer != null) {
         deliverer.expireOverdue();
      }
   }

   /** While the account's deliveries are paused for throttling, the writer keeps them queued (event loop). */
   private boolean deliveriesHeld() {
      WindowedDeliverer<ByteBuf> current = deliverer;
      return current != null && current.holdsDeliveries();
   }

   /** The writer dropped this encoded delivery unwritten (deliveries stopped): nobody will answer it. */
   private void deliveryDropped(Object pdu) {
      if (deliverer != null && pdu instanceof ByteBuf encoded) {
         deliverer.dropped(encoded.getInt(encoded.readerIndex() + sequenceOffset));
      }
   }

   /** The writer is writing this encoded delivery: it counts as sent, and its broker delivery count stays. */
   private void deliveryWritten(Object pdu) {
      if (deliverer != null && pdu instanceof ByteBuf encoded) {
         deliverer.written(encoded.getInt(encoded.readerIndex() + sequenceOffset));
      }
   }
}
