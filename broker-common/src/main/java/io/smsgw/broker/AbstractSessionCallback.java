package io.smsgw.broker;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.spi.core.protocol.SessionCallback;

/**
 * The parts of the broker's session callback an SMS consumer does not use: SMS are never large messages or
 * browsers, need no producer credits, and are not delivered directly on the sender's thread. Subclasses
 * implement credits, sending and disconnect.
 */
public abstract class AbstractSessionCallback implements SessionCallback {

   @Override
   public int sendLargeMessage(MessageReference ref, ServerConsumer consumer, long bodySize, int deliveryCount) {
      return sendMessage(ref, consumer, deliveryCount);
   }

   @Override
   public int sendLargeMessageContinuation(ServerConsumer consumer, byte[] body, boolean continues, boolean requiresResponse) {
      return 0;
   }

   /** Deliveries go through the queue's executor, never on the producer's thread. */
   @Override
   public boolean supportsDirectDelivery() {
      return false;
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
   public void browserFinished(ServerConsumer consumer) {
   }
}
