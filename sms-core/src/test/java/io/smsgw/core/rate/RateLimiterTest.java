package io.smsgw.core.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

   private final AtomicLong now = new AtomicLong(10_000_000_000L);

   private int acquired(RateLimiter limiter, int attempts) {
      int ok = 0;
      for (int i = 0; i < attempts; i++) {
         if (limiter.tryAcquire()) {
            ok++;
         }
      }
      return ok;
   }

   @Test
   void allowsOneSecondBurstThenRefusesUntilTimePasses() {
      RateLimiter limiter = new RateLimiter(100, now::get);
      assertEquals(100, acquired(limiter, 1000));
      assertFalse(limiter.tryAcquire());
      now.addAndGet(100_000_000L); // 100 ms refills 10 permits
      assertEquals(10, acquired(limiter, 1000));
   }

   @Test
   void idleTimeDoesNotAccumulateMoreThanTheBurst() {
      RateLimiter limiter = new RateLimiter(5, now::get);
      now.addAndGet(60_000_000_000L);
      assertEquals(5, acquired(limiter, 50));
   }

   @Test
   void zeroMeansUnlimited() {
      RateLimiter limiter = new RateLimiter(0, now::get);
      assertTrue(limiter.isUnlimited());
      assertEquals(10_000, acquired(limiter, 10_000));
   }
}
