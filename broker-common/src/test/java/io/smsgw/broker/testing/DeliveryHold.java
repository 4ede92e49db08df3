package io.smsgw.broker.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;

/**
 * Holds the broker's hand-over of one message to a consumer at its last step: the consumer has taken it (it is
 * delivering, and a stop of the consumer waits for it) but the protocol's callback has not been given it yet. Until
 * {@link #release}, as a queue thread that was slow to get there. For races between a delivery and what the peer
 * sends meanwhile: release it from an interceptor to hand the message over exactly while a given PDU is being read.
 * Register it as a broker plugin before the broker starts.
 */
public final class DeliveryHold implements ActiveMQServerMessagePlugin {

   private final Predicate<Message> which;
   private final AtomicBoolean taken = new AtomicBoolean();
   private final CountDownLatch holding = new CountDownLatch(1);
   private final CountDownLatch released = new CountDownLatch(1);

   /** Holds the first message {@code which} accepts; every other delivery passes. */
   public DeliveryHold(Predicate<Message> which) {
      this.which = which;
   }

   /** Returns once the delivery is held. */
   public void awaitHeld() throws InterruptedException {
      if (!holding.await(10, TimeUnit.SECONDS)) {
         throw new AssertionError("Timed out after 10 s waiting for the delivery to be held");
      }
   }

   /** Lets the held delivery (or the one still to come) go on; from any thread, without waiting. */
   public void release() {
      released.countDown();
   }

   @Override
   public void beforeDeliver(ServerConsumer consumer, MessageReference reference) {
      if (!which.test(reference.getMessage()) || !taken.compareAndSet(false, true)) {
         return;
      }
      holding.countDown();
      try {
         // Bounded: the test has failed by then; let the broker go on and stop.
         released.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
         Thread.currentThread().interrupt();
      }
   }
}
