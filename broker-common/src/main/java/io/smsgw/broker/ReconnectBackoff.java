package io.smsgw.broker;

import java.time.Duration;

/**
 * The wait before an outgoing link's next connect attempt: reconnect-min at first, doubled after each attempt up to
 * reconnect-max, so a peer that is down is not hammered, and back to reconnect-min when the link says so ({@link
 * #reset}: it connected, or a bind lasted). Not thread-safe: a link keeps it on its event loop.
 */
public final class ReconnectBackoff {

   private final long minMillis;
   private final long maxMillis;
   private long nextMillis;

   public ReconnectBackoff(Duration min, Duration max) {
      this.minMillis = min.toMillis();
      this.maxMillis = max.toMillis();
      this.nextMillis = minMillis;
   }

   /** The wait before this attempt, in milliseconds; the next one waits twice as long (at least 1 ms, at most the maximum). */
   public long next() {
      long delay = nextMillis;
      nextMillis = Math.min(Math.max(delay * 2, 1), maxMillis);
      return delay;
   }

   /** The next attempt waits the minimum again. */
   public void reset() {
      nextMillis = minMillis;
   }
}
