package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.broker.HeldMessageQueues;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A held-message operation the broker refuses to run (its executor stopping) never answers, but it must not hold up
 * the answer that ends the session (unbind_resp, TERMINATE_RESP), which waits for every operation asked for before.
 */
class HeldMessageQueuesTest {

   @TempDir
   Path dir;

   @Test
   void anOperationTheExecutorRefusesDoesNotHoldUpTheSessionsEnd() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
         // Refused when the marked queues hand the operation over, as by a broker that is stopping.
         AtomicInteger tasks = new AtomicInteger();
         Executor refusesTheHandOver = task -> {
            if (tasks.incrementAndGet() == 1) {
               task.run();
            } else {
               throw new RejectedExecutionException("stopping");
            }
         };
         HeldMessageQueues queues = new HeldMessageQueues(broker.server(), "sms.mt", refusesTheHandOver);
         AtomicBoolean operationRan = new AtomicBoolean();
         queues.afterArrivals(scan -> operationRan.set(true));
         AtomicBoolean end = new AtomicBoolean();
         queues.afterAnswers(() -> end.set(true));
         Wait.until("the session's end runs", Duration.ofSeconds(10), end::get);
         assertFalse(operationRan.get(), "the refused operation did not run");

         // Refused at once, when the operation's turn comes: neither it nor the one after it holds up the end.
         HeldMessageQueues refusing = new HeldMessageQueues(broker.server(), "sms.mt", task -> {
            throw new RejectedExecutionException("stopping");
         });
         AtomicBoolean refusedRan = new AtomicBoolean();
         refusing.afterArrivals(scan -> refusedRan.set(true));
         refusing.afterArrivals(scan -> refusedRan.set(true));
         AtomicBoolean endAtOnce = new AtomicBoolean();
         refusing.afterAnswers(() -> endAtOnce.set(true));
         assertTrue(endAtOnce.get(), "nothing in flight: the end runs at once");
         assertFalse(refusedRan.get(), "the refused operations did not run");
      }
   }
}
