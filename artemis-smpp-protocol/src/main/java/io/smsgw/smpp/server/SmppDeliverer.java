package io.smsgw.smpp.server;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.spi.core.protocol.SessionCallback;
import org.apache.activemq.artemis.spi.core.remoting.ReadyListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes the account's queue (MO messages and status reports) to a bound receiver or transceiver as
 * deliver_sm, at most the acceptor's window at a time. A message is acknowledged in the broker only when
 * deliver_sm_resp ESME_ROK arrives; an error response, a timeout or a disconnect puts it back.
 *
 * <p>The broker calls {@link #sendMessage} on the queue's executor; responses arrive on the event loop.
 * Acknowledgements are never made inside sendMessage (that can deadlock the queue).
 */
final class SmppDeliverer implements SessionCallback {

   private static final Logger logger = LoggerFactory.getLogger(SmppDeliverer.class);

   private record InFlight(long messageId, ServerConsumer consumer, long sentAtNanos) {
   }

   private final SmppSession session;
   private final int window;
   private final long responseTimeoutNanos;
   private final Map<Integer, InFlight> inFlight = new ConcurrentHashMap<>();
   private final DeliverSmFactory factory;
   private volatile ServerConsumer consumer;

   SmppDeliverer(SmppSession session) {
      this.session = session;
      this.window = session.manager().getSmppWindowSize();
      this.responseTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(session.manager().getSmppResponseTimeout());
      this.factory = new DeliverSmFactory(session.manager().defaultAlphabet());
   }

   void start(ServerConsumer consumer) {
      this.consumer = consumer;
   }

   int inFlightCount() {
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
      int sequence = session.nextSequence();
      SmppPdu deliver;
      try {
         deliver = factory.create(message, sequence, session.isVersion34());
      } catch (RuntimeException e) {
         // Content we cannot express as deliver_sm: dead-letter it (from the event loop), never drop it.
         logger.warn("Cannot deliver message {} to '{}' as deliver_sm: {}; sending it to the dead-letter address",
                     message.getStringProperty(SimpleString.of("smsId")), session.account().id(), e.getMessage());
         long id = ref.getMessageID();
         session.channel().eventLoop().execute(() -> reject(consumer, id));
         return 1;
      }
      inFlight.put(sequence, new InFlight(ref.getMessageID(), consumer, System.nanoTime()));
      session.send(deliver);
      return 1;
   }

   @Override
   public int sendLargeMessage(MessageReference ref, ServerConsumer consumer, long bodySize, int deliveryCount) {
      return sendMessage(ref, consumer, deliveryCount);
   }

   @Override
   public int sendLargeMessageContinuation(ServerConsumer consumer, byte[] body, boolean continues, boolean requiresResponse) {
      return 0;
   }

   @Override
   public boolean supportsDirectDelivery() {
      return false;
   }

   @Override
   public boolean isWritable(ReadyListener callback, Object protocolContext) {
      return session.connection().isWritable(callback);
   }

   @Override
   public void afterDelivery() {
   }

   @Override
   public boolean updateDeliveryCountAfterCancel(ServerConsumer consumer, MessageReference ref, boolean failed) {
      return false;
   }

   @Override
   public void sendProducerCreditsMessage(int credits, SimpleString address) {
   }

   @Override
   public void sendProducerCreditsFailMessage(int credits, SimpleString address) {
   }

   @Override
   public void closed() {
   }

   @Override
   public void disconnect(ServerConsumer consumer, String errorMessage) {
      // The consumer was closed through management: without it this receiver is useless, so unbind.
      logger.info("Consumer of '{}' closed by the broker ({}); closing the SMPP connection", session.account().id(), errorMessage);
      session.channel().close();
   }

   @Override
   public void browserFinished(ServerConsumer consumer) {
   }

   // ------------------------------------------------------------ ESME side (event loop)

   void onResponse(int sequence, int status) {
      InFlight delivery = inFlight.remove(sequence);
      if (delivery == null) {
         return; // a late response to something already timed out and put back
      }
      try {
         if (status == SmppStatus.ESME_ROK) {
            delivery.consumer().individualAcknowledge(null, delivery.messageId());
         } else {
            logger.debug("deliver_sm refused by '{}' with {}; redelivering", session.account().id(), SmppStatus.name(status));
            delivery.consumer().individualCancel(delivery.messageId(), true);
         }
      } catch (Exception e) {
         logger.warn("Could not settle delivery {} for '{}'", delivery.messageId(), session.account().id(), e);
      }
      delivery.consumer().promptDelivery();
   }

   /** Puts back deliveries whose response is overdue (called periodically on the event loop). */
   void expireOverdue() {
      if (inFlight.isEmpty()) {
         return;
      }
      long now = System.nanoTime();
      ServerConsumer toPrompt = null;
      for (Iterator<Map.Entry<Integer, InFlight>> it = inFlight.entrySet().iterator(); it.hasNext(); ) {
         InFlight delivery = it.next().getValue();
         if (now - delivery.sentAtNanos() >= responseTimeoutNanos) {
            it.remove();
            try {
               delivery.consumer().individualCancel(delivery.messageId(), true);
            } catch (Exception e) {
               logger.warn("Could not put back overdue delivery {}", delivery.messageId(), e);
            }
            toPrompt = delivery.consumer();
         }
      }
      if (toPrompt != null) {
         logger.info("deliver_sm responses from '{}' overdue; messages put back for redelivery", session.account().id());
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
