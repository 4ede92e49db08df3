package io.smsgw.broker.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Polls a condition until a deadline: tests wait on conditions, never on sleeps of a guessed length. */
public final class Wait {

   private Wait() {
   }

   public static void until(String what, Duration timeout, BooleanSupplier condition) {
      until(what, timeout, condition, () -> "");
   }

   /** As {@link #until(String, Duration, BooleanSupplier)}; a timeout's message adds {@code diagnostics}. */
   public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> diagnostics) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!condition.getAsBoolean()) {
         if (System.nanoTime() > deadline) {
            String detail = diagnostics.get();
            fail("Timed out after " + timeout + " waiting for: " + what + (detail.isEmpty() ? "" : "; " + detail));
         }
         Thread.onSpinWait();
         try {
            Thread.sleep(5); // a poll interval, not a synchronisation
         } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
         }
      }
   }
}
