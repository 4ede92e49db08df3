package io.smsgw.broker;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.Channel;
import org.jctools.queues.MpscUnboundedArrayQueue;

/**
 * Writes PDUs to one channel from any thread, in the order they are given. On the event loop a PDU is written and
 * flushed at once (after any still queued); from other threads (storage callbacks, broker deliveries) PDUs are
 * queued and one event-loop task writes every queued PDU and flushes once. A journal sync that completes a hundred submits thus costs one task, one
 * wake-up of the event loop and one socket write instead of a hundred of each.
 */
public final class BatchedWriter {

   private static final int CHUNK_SIZE = 256;

   private final Channel channel;
   private final Queue<Object> queued = new MpscUnboundedArrayQueue<>(CHUNK_SIZE);
   private final AtomicBoolean drainScheduled = new AtomicBoolean();
   private final Runnable drain = this::drain;

   public BatchedWriter(Channel channel) {
      this.channel = channel;
   }

   /** Writes {@code pdu}; failures surface as the channel's exceptionCaught, as with a void promise. */
   public void write(Object pdu) {
      if (channel.eventLoop().inEventLoop()) {
         if (queued.isEmpty()) {
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
      if (wrote) {
         channel.flush();
      }
   }
}
