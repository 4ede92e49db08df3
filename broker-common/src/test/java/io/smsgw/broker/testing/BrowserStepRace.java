package io.smsgw.broker.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;

/**
 * Lands a removal of the last message of a queue in the middle of one step of a pass with Artemis' browser, between
 * the browser seeing that there is a next message and taking it (decision 89). The pass calls {@link #read} for every
 * message it reads (outside the queue's lock), with {@code holdPoint} true for the message it is to be held after,
 * right before its step to the next one. The queue's lock is held while the pass goes on, let go for the pass to take
 * it once and taken again as it lets go. If the pass then waits for the lock to take its next message (its top frame
 * is the browser's {@code next}), the last message is removed there. The threads race for the lock, so that happens
 * in a fraction of the tries only; {@link #removeInStep} says whether it did.
 */
public final class BrowserStepRace {

   private final Queue queue;
   private final AtomicBoolean armed = new AtomicBoolean();
   private volatile CountDownLatch held = new CountDownLatch(1);
   private volatile CountDownLatch goOn = new CountDownLatch(1);
   private volatile boolean goneOn;
   private volatile Thread pass;
   /** Messages read so far: the pass reads none from its hold until its step is done. */
   private volatile int read;
   private MessageReference removed;

   public BrowserStepRace(Queue queue) {
      this.queue = queue;
   }

   /** Called by the pass for each message it reads; holds it at {@code holdPoint} once after each {@link #arm}. */
   public void read(boolean holdPoint) {
      read++; // only the pass writes it
      if (holdPoint && armed.compareAndSet(true, false)) {
         pass = Thread.currentThread();
         held.countDown();
         try {
            goOn.await(10, TimeUnit.SECONDS); // bounded: the test has failed by then
         } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
         }
         goneOn = true;
      }
   }

   /** The next pass to read the hold point is held there. */
   public void arm() {
      held = new CountDownLatch(1);
      goOn = new CountDownLatch(1);
      goneOn = false;
      armed.set(true);
   }

   /** After {@link #arm}: returns whether the last message was removed in the middle of the held pass's next step. */
   public boolean removeInStep(long last) throws Exception {
      assertTrue(held.await(10, TimeUnit.SECONDS), "a pass read the message it is held after within 10 s");
      Thread thread = pass;
      int readWhenHeld = read;
      synchronized (queue) {
         goOn.countDown();
         spinUntil("the pass going on", () -> goneOn);
         // Its step needs the lock: first to see whether there is a next message.
         spinUntil("the pass waiting for the queue's lock", () -> thread.getState() == Thread.State.BLOCKED);
      }
      // Spins rather than polls, to be at the lock when the pass lets go of it.
      spinUntil("the pass taking the queue's lock", () -> thread.getState() != Thread.State.BLOCKED);
      synchronized (queue) {
         spinUntil("the pass waiting for the queue's lock or done", () -> thread.getState() != Thread.State.RUNNABLE);
         Thread.State state = thread.getState();
         StackTraceElement[] stack = thread.getStackTrace();
         if (state != Thread.State.BLOCKED || read != readWhenHeld || stack.length == 0 || !stack[0].getMethodName().equals("next")
                || !stack[0].getClassName().startsWith(Queue.class.getPackageName() + ".impl.QueueImpl$")) {
            return false;
         }
         removed = queue.removeReferenceWithID(last);
         return removed != null;
      }
   }

   /** Puts the message removed in a step back at the end (as a consumer's rollback does). */
   public void putBack() {
      queue.addSorted(removed, false);
      removed = null;
   }

   public static void spinUntil(String what, BooleanSupplier condition) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!condition.getAsBoolean()) {
         assertTrue(System.nanoTime() < deadline, "timed out after 10 s waiting for " + what);
         Thread.onSpinWait();
      }
   }
}
