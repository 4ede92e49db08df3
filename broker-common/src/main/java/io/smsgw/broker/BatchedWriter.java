package io.smsgw.broker;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import org.jctools.queues.MpscUnboundedArrayQueue;

/**
 * Writes PDUs to one channel from any thread, in the order they are given. On the event loop a PDU is written and
 * flushed at once (after any still queued); from other threads (storage callbacks, broker deliveries) PDUs are
 * queued and one event-loop task writes every queued PDU and flushes once. A journal sync that completes a hundred submits thus costs one task, one
 * wake-up of the event loop and one socket write instead of a hundred of each.
 *
 * <p>Deliveries (deliver_sm, DELIVER: requests the gateway starts) go through {@link #writeDelivery}: once the session
 * {@link #stopDeliveries stops them} on the event loop (the peer asked to end the session, or the connection closes),
 * a delivery not written yet is released instead, whenever it was handed over. The check is made where the write is,
 * on the event loop, so nothing the broker hands over while the peer's unbind or TERMINATE is being read can follow
 * it. Answers are never held back. Deliveries keep their order among themselves and answers theirs; a drain writes the
 * answers it finds first.
 *
 * <p>A delivery dropped that way is reported to the {@code dropped} callback first (on the event loop, before it is
 * released): it was never written, so the session's wait for the answers to its deliveries must not wait for it.
 * A delivery written is reported to the {@code written} callback just before it is handed to the channel (on the event
 * loop): only such a one reached the client, to count as sent and to keep its broker delivery count (decision 121).
 *
 * <p>While {@code holdDeliveries} says so (a throttling pause of the account, decision 151), deliveries stay queued, in
 * order, and answers still go out; {@link #resumeDeliveries} writes them once the pause is over. Asked on the event
 * loop right before a delivery would be written, so a delivery handed over before a throttling answer was processed
 * does not go out in the pause that answer began.
 */
public final class BatchedWriter {

   private static final int CHUNK_SIZE = 256;

   private final Channel channel;
   private final Queue<Object> queued = new MpscUnboundedArrayQueue<>(CHUNK_SIZE);
   private final Queue<Object> deliveries = new MpscUnboundedArrayQueue<>(CHUNK_SIZE);
   private final AtomicBoolean drainScheduled = new AtomicBoolean();
   private final Runnable drain = this::drain;
   private final Consumer<Object> dropped;
   private final Consumer<Object> written;
   private final BooleanSupplier holdDeliveries;
   /** Event loop only. */
   private boolean deliveriesStopped;

   public BatchedWriter(Channel channel) {
      this(channel, pdu -> { }, pdu -> { });
   }

   /**
    * @param dropped told of each delivery released unwritten after {@link #stopDeliveries} (event loop)
    * @param written told of each delivery just before it is written (event loop)
    */
   public BatchedWriter(Channel channel, Consumer<Object> dropped, Consumer<Object> written) {
      this(channel, dropped, written, () -> false);
   }

   /** @param holdDeliveries asked on the event loop before deliveries are written: true keeps them queued */
   public BatchedWriter(Channel channel, Consumer<Object> dropped, Consumer<Object> written, BooleanSupplier holdDeliveries) {
      this.channel = channel;
      this.dropped = dropped;
      this.written = written;
      this.holdDeliveries = holdDeliveries;
   }

   /** Writes {@code pdu}; failures surface as the channel's exceptionCaught, as with a void promise. */
   public void write(Object pdu) {
      if (channel.eventLoop().inEventLoop()) {
         if (queued.isEmpty() && deliveries.isEmpty()) {
            channel.writeAndFlush(pdu, channel.voidPromise());
         } else {
            // PDUs queued from other threads came first: a storage callback can run inline here once the journal
            // has nothing else pending, while the answers completed just before it still wait for their drain.
            queued.offer(pdu);
            drain();
         }
         return;
      }
      queued.offer(pdu);
      scheduleDrain();
   }

   /**
    * Writes a delivery as {@link #write} does, unless deliveries have stopped by the time the event loop gets to it:
    * then it is released (a reference-counted PDU) and never written.
    */
   public void writeDelivery(Object pdu) {
      if (channel.eventLoop().inEventLoop()) {
         if (deliveriesStopped) {
            drop(pdu);
         } else if (queued.isEmpty() && deliveries.isEmpty() && !holdDeliveries.getAsBoolean()) {
            written.accept(pdu);
            channel.writeAndFlush(pdu, channel.voidPromise());
         } else {
            deliveries.offer(pdu);
            drain();
         }
         return;
      }
      deliveries.offer(pdu);
      scheduleDrain();
   }

   /**
    * On the event loop: no delivery is written from here, neither one queued already nor one given later. Answers
    * still go out.
    */
   public void stopDeliveries() {
      assert channel.eventLoop().inEventLoop() : "deliveries stop on the event loop, where they are written";
      deliveriesStopped = true;
      for (Object pdu; (pdu = deliveries.poll()) != null; ) {
         drop(pdu);
      }
   }

   private void drop(Object pdu) {
      try {
         dropped.accept(pdu);
      } finally {
         ReferenceCountUtil.release(pdu);
      }
   }

   /** On the event loop, once deliveries are no longer held: writes those that waited. */
   public void resumeDeliveries() {
      if (!deliveries.isEmpty()) {
         drain();
      }
   }

   private void scheduleDrain() {
      if (drainScheduled.compareAndSet(false, true)) {
         channel.eventLoop().execute(drain);
      }
   }

   private void drain() {
      // Cleared first: a PDU queued from now on schedules another drain, so none is left behind.
      drainScheduled.set(false);
      boolean wrote = false;
      Object pdu;
      while ((pdu = queued.poll()) != null) {
         channel.write(pdu, channel.voidPromise());
         wrote = true;
      }
      while ((pdu = deliveries.peek()) != null) {
         if (deliveriesStopped) {
            deliveries.poll();
            drop(pdu);
         } else if (holdDeliveries.getAsBoolean()) {
            break; // asked per delivery: a pause another session of the account begins stops the rest too
         } else {
            deliveries.poll();
            written.accept(pdu);
            channel.write(pdu, channel.voidPromise());
            wrote = true;
         }
      }
      if (wrote) {
         channel.flush();
      }
   }
}
