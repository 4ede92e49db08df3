package io.smsgw.broker.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a protocol interceptor saw of requests and their answers on a connection, for flow-control tests: how many
 * requests were taken and answered, the most ever unanswered at once; it can hold answers up (a latch) or drop them.
 */
public final class AnswerRecorder {

   public final AtomicInteger taken = new AtomicInteger();
   public final AtomicInteger answered = new AtomicInteger();
   public final AtomicInteger mostUnanswered = new AtomicInteger();
   /** When set, every answer waits for it (up to a minute) before it goes out. */
   public final AtomicReference<CountDownLatch> stall = new AtomicReference<>();
   /** When set, answers are counted but dropped. */
   public volatile boolean veto;

   public void reset() {
      taken.set(0);
      answered.set(0);
      mostUnanswered.set(0);
      stall.set(null);
      veto = false;
   }

   /** Call from the incoming interceptor for each counted request. */
   public void requestTaken() {
      int unanswered = taken.incrementAndGet() - answered.get();
      mostUnanswered.accumulateAndGet(unanswered, Math::max);
   }

   /** Call from the outgoing interceptor for each answer; returns whether the answer may go out. */
   public boolean answerLeaving() {
      CountDownLatch latch = stall.get();
      if (latch != null) {
         try {
            latch.await(60, TimeUnit.SECONDS);
         } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
         }
      }
      answered.incrementAndGet();
      return !veto;
   }
}
