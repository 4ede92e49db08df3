package io.smsgw.core.rate;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lock-free token bucket: at most {@code permitsPerSecond} acquisitions per second on average, with bursts
 * up to one second's worth. Shared by every session of an account, so the limit holds across connections.
 * A rate of 0 means unlimited.
 */
public final class RateLimiter {

   private static final long NANOS_PER_SECOND = 1_000_000_000L;

   private final int permitsPerSecond;
   private final long nanosPerPermit;
   private final long burstNanos;
   private final LongSupplier nanoClock;
   /** The instant (nanos) at which the bucket is empty again; lags "now" by at most the burst. */
   private final AtomicLong emptyAt;

   public RateLimiter(int permitsPerSecond) {
      this(permitsPerSecond, System::nanoTime);
   }

   public RateLimiter(int permitsPerSecond, LongSupplier nanoClock) {
      if (permitsPerSecond < 0) {
         throw new IllegalArgumentException("permitsPerSecond must be >= 0, got " + permitsPerSecond);
      }
      this.permitsPerSecond = permitsPerSecond;
      this.nanosPerPermit = permitsPerSecond == 0 ? 0 : NANOS_PER_SECOND / permitsPerSecond;
      this.burstNanos = NANOS_PER_SECOND;
      this.nanoClock = nanoClock;
      this.emptyAt = new AtomicLong(nanoClock.getAsLong() - burstNanos);
   }

   /** The rate it was made for (0: unlimited). */
   public int permitsPerSecond() {
      return permitsPerSecond;
   }

   /** How long one permit takes to come back (0 when unlimited): when to try again after a refused acquisition. */
   public long nanosPerPermit() {
      return nanosPerPermit;
   }

   public boolean isUnlimited() {
      return nanosPerPermit == 0;
   }

   /** Takes one permit if available now; never blocks. */
   public boolean tryAcquire() {
      return tryAcquire(1);
   }

   /**
    * Takes {@code permits} permits if all are available now, otherwise none (a CMPP group send counts one per
    * recipient and is refused whole); never blocks.
    */
   public boolean tryAcquire(int permits) {
      if (nanosPerPermit == 0 || permits <= 0) {
         return true;
      }
      long now = nanoClock.getAsLong();
      long cost = nanosPerPermit * permits;
      while (true) {
         long current = emptyAt.get();
         long base = Math.max(current, now - burstNanos);
         long next = base + cost;
         if (next > now) {
            return false;
         }
         if (emptyAt.compareAndSet(current, next)) {
            return true;
         }
      }
   }

   /**
    * Gives back {@code permits} taken by {@link #tryAcquire} for a submit that was then refused: the sender was
    * told no, so it must not count against its rate. The bucket still never holds more than the burst.
    */
   public void release(int permits) {
      if (nanosPerPermit == 0 || permits <= 0) {
         return;
      }
      emptyAt.addAndGet(-nanosPerPermit * permits);
   }
}
