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
   void aGroupTakesAllItsPermitsOrNone() {
      RateLimiter limiter = new RateLimiter(3, now::get);
      assertFalse(limiter.tryAcquire(4), "more than the burst");
      assertTrue(limiter.tryAcquire(3), "nothing was taken by the refused group");
      assertFalse(limiter.tryAcquire(1));
   }

   @Test
   void releasedPermitsCanBeTakenAgainButNeverBeyondTheBurst() {
      RateLimiter limiter = new RateLimiter(3, now::get);
      assertTrue(limiter.tryAcquire(3));
      limiter.release(3);
      assertEquals(3, acquired(limiter, 10), "a refused submit gives its permits back");
      limiter.release(3);
      limiter.release(3);
      assertEquals(3, acquired(limiter, 10), "releasing more than was taken does not raise the burst");
   }

   @Test
   void zeroMeansUnlimited() {
      RateLimiter limiter = new RateLimiter(0, now::get);
      assertTrue(limiter.isUnlimited());
      assertEquals(10_000, acquired(limiter, 10_000));
   }
}
