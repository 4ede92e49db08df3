package io.smsgw.broker;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.spi.core.remoting.ReadyListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes an account's queue (MO messages and status reports) to a bound client, at most {@code window}
 * deliveries unanswered at a time. A message is acknowledged in the broker only when the client's success
 * response arrives; an error response, a response timeout or a disconnect puts it back.
 *
 * <p>The broker calls {@link #sendMessage} on the queue's executor; responses arrive on the event loop.
 * Acknowledgements are never made inside sendMessage (that can deadlock the queue).
 *
 * <p>The successful responses of one read batch are acknowledged in one broker transaction, committed (and the
 * queue prompted for more) by one event-loop task after the batch: a transaction per response cost a journal
 * commit record, a completion callback and a queue wake-up per message (see docs/BENCHMARKS.md, scenario 4).
 *
 * @param <P> the protocol's delivery as its {@link DeliveryChannel} encodes it
 */
public final class WindowedDeliverer<P> extends AbstractSessionCallback {

   private static final Logger logger = LoggerFactory.getLogger(WindowedDeliverer.class);
   private static final SimpleString SMS_ID = SimpleString.of("smsId");

   private record InFlight(long messageId, ServerConsumer consumer, long sentAtNanos) {
   }

   private final DeliveryChannel<P> channel;
   private final int window;
   private final long responseTimeoutNanos;
   private final Map<Integer, InFlight> inFlight = new ConcurrentHashMap<>();
   /** Acknowledgements of the current read batch, and the consumer to prompt after it (event loop only). */
   private final AcknowledgementBatch batch;
   private final Runnable settleBatch;

   /**
    * @param storage the broker's storage manager, for the transactions that acknowledge a read batch's deliveries
    */
   public WindowedDeliverer(DeliveryChannel<P> channel, StorageManager storage, int window, long responseTimeoutMillis) {
      this.channel = channel;
      this.batch = new AcknowledgementBatch(storage, () -> "deliveries to '" + channel.accountId() + "'", settled -> { });
      this.settleBatch = batch::commit;
      this.window = Math.max(1, window);
      this.responseTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(responseTimeoutMillis);
   }

   public int inFlightCount() {
      return inFlight.size();
   }

   // ------------------------------------------------------------ broker side (queue executor)

   @Override
   public boolean hasCredits(ServerConsumer consumer) {
      return inFlight.size() < window;
   }

   @Override
   public int sendMessage(MessageReference ref, ServerConsumer consumer, int deliveryCount) {
      ICoreMessage message = ref.getMessage().toCore();
      int sequence = channel.nextSequence();
      P delivery;
      try {
         delivery = channel.encodeDelivery(message, sequence);
      } catch (RuntimeException e) {
         // Content the protocol cannot carry: dead-letter it (from the event loop), never drop it.
         logger.warn("Cannot deliver message {} to '{}': {}; sending it to the dead-letter address",
                     message.getObjectProperty(SMS_ID), channel.accountId(), e.getMessage());
         long id = ref.getMessageID();
         channel.execute(() -> reject(consumer, id));
         return 1;
      }
      inFlight.put(sequence, new InFlight(ref.getMessageID(), consumer, System.nanoTime()));
      if (delivery != null) {
         channel.write(delivery);
      }
      return 1;
   }

   @Override
   public boolean isWritable(ReadyListener callback, Object protocolContext) {
      return channel.isWritable(callback);
   }

   @Override
   public void disconnect(ServerConsumer consumer, String errorMessage) {
      // The consumer was closed through management: without it this connection cannot receive, so close it.
      channel.close("consumer closed by the broker (" + errorMessage + ")");
   }

   // ------------------------------------------------------------ client side (event loop)

   /**
    * Settles the delivery this response answers: acknowledged on success (with the rest of the read batch, see
    * {@link AcknowledgementBatch}), put back at once (counting a failed attempt) otherwise. A response to nothing in
    * flight (late, after a timeout) is ignored.
    */
   public void onResponse(int sequence, boolean success, String detail) {
      InFlight delivery = inFlight.remove(sequence);
      if (delivery == null) {
         return;
      }
      channel.onSettled(sequence, success);
      if (batch.isEmpty()) {
         // Runs after every PDU of this read batch has been handled.
         channel.execute(settleBatch);
      }
      try {
         if (success) {
            batch.acknowledge(delivery.consumer(), delivery.messageId());
         } else {
            logger.debug("Delivery refused by '{}' ({}); redelivering", channel.accountId(), detail);
            batch.promptAfter(delivery.consumer());
            delivery.consumer().individualCancel(delivery.messageId(), true);
         }
      } catch (Exception e) {
         logger.warn("Could not settle delivery {} for '{}'", delivery.messageId(), channel.accountId(), e);
      }
   }

   /** Puts back deliveries whose response is overdue (called periodically on the event loop). */
   public void expireOverdue() {
      if (inFlight.isEmpty()) {
         return;
      }
      long now = System.nanoTime();
      ServerConsumer toPrompt = null;
      for (Iterator<Map.Entry<Integer, InFlight>> it = inFlight.entrySet().iterator(); it.hasNext(); ) {
         Map.Entry<Integer, InFlight> entry = it.next();
         InFlight delivery = entry.getValue();
         if (now - delivery.sentAtNanos() >= responseTimeoutNanos) {
            it.remove();
            channel.onSettled(entry.getKey(), false);
            try {
               delivery.consumer().individualCancel(delivery.messageId(), true);
            } catch (Exception e) {
               logger.warn("Could not put back overdue delivery {}", delivery.messageId(), e);
            }
            toPrompt = delivery.consumer();
         }
      }
      if (toPrompt != null) {
         logger.info("Delivery responses from '{}' overdue; messages put back for redelivery", channel.accountId());
         toPrompt.promptDelivery();
      }
   }

   private void reject(ServerConsumer consumer, long messageId) {
      try {
         consumer.reject(messageId);
      } catch (Exception e) {
         logger.warn("Could not dead-letter message {}", messageId, e);
      }
      consumer.promptDelivery();
   }
}
