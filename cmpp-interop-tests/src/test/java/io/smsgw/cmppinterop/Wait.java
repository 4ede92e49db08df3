package io.smsgw.cmppinterop;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;

/** Polls a condition until a deadline: the tests wait on conditions, never on sleeps of a guessed length. */
final class Wait {

   private static final long POLL_MILLIS = 10;

   /** A condition that may need I/O to be checked. */
   @FunctionalInterface
   interface Condition {
      boolean holds() throws Exception;
   }

   private Wait() {
   }

   static void until(String what, Duration timeout, Condition condition) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!condition.holds()) {
         if (System.nanoTime() - deadline > 0) {
            fail("Timed out after " + timeout + " waiting for: " + what);
         }
         Thread.sleep(POLL_MILLIS); // a poll interval, not a synchronisation
      }
   }
}
