package io.smsgw.broker.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;

/**
 * A broker plugin that stops one hand-over of a queue between the consumer's credit check and the protocol's
 * {@code sendMessage} (Artemis calls {@code beforeDeliver} there, on the queue's executor) until a condition holds,
 * so a test can put something in exactly that gap, e.g. a client's throttling answer being processed on the session's
 * event loop. {@link #awaitPassed} tells when that hand-over's {@code sendMessage} has returned.
 */
public final class HandOverGate implements ActiveMQServerMessagePlugin {

   private final SimpleString queue;
   private final int held;
   private final BooleanSupplier open;
   private final AtomicInteger handOvers = new AtomicInteger();
   private final CountDownLatch holding = new CountDownLatch(1);
   private final CountDownLatch passed = new CountDownLatch(1);
   private volatile MessageReference heldRef;
   private volatile boolean timedOut;

   /** Holds the {@code held}-th hand-over (from 1) on {@code queue} until {@code open}, at most 10 s. */
   public HandOverGate(String queue, int held, BooleanSupplier open) {
      this.queue = SimpleString.of(queue);
      this.held = held;
      this.open = open;
   }

   @Override
   public void beforeDeliver(ServerConsumer consumer, MessageReference reference) {
      if (!queue.equals(consumer.getQueueName()) || handOvers.incrementAndGet() != held) {
         return;
      }
      heldRef = reference;
      holding.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!open.getAsBoolean()) {
         if (System.nanoTime() > deadline) {
            timedOut = true;
            return;
         }
         LockSupport.parkNanos(1_000_000); // a poll on the queue's executor, test only
      }
   }

   @Override
   public void afterDeliver(ServerConsumer consumer, MessageReference reference) {
      if (reference == heldRef) {
         passed.countDown();
      }
   }

   /** Waits until the hand-over to hold has reached the gate (its credit check passed). */
   public void awaitHolding() throws InterruptedException {
      if (!holding.await(20, TimeUnit.SECONDS)) {
         throw new AssertionError("no hand-over reached the gate");
      }
   }

   /** Waits until the held hand-over went on and the protocol's sendMessage returned. */
   public void awaitPassed() throws InterruptedException {
      if (!passed.await(20, TimeUnit.SECONDS)) {
         throw new AssertionError("the held hand-over never went on");
      }
      if (timedOut) {
         throw new AssertionError("the gate's condition never held; the hand-over went on after 10 s");
      }
   }
}
