package io.smsgw.broker;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;

/**
 * What one connection's malformed PDUs leave in the log. A peer that keeps the connection open and sends malformed
 * PDUs at full speed (an SP using the CMPP 3.0 layout on a 2.0 connection) used to leave an INFO line per PDU: now
 * the first is an INFO line, each one a DEBUG line, and the ones after the first are counted and summed up in at
 * most one INFO line per interval (written when a malformed PDU arrives after the interval has passed) and in one
 * when the connection closes. Created at a connection's first malformed PDU; used on its event loop only.
 */
public final class MalformedPduLog {

   /** At most one summary per connection in this time. */
   public static final long INTERVAL_SECONDS = 60;

   private final Logger logger;
   /** Who and where, as the log names the connection (asked only when a line is written). */
   private final Supplier<String> peer;
   private final LongSupplier nanoTime;
   private final long intervalNanos;
   /** Malformed PDUs since the last INFO line, and the wall-clock time of the first of them. */
   private long count;
   private long sinceMillis;
   private long lastInfoNanos;
   private String lastCommand;
   private Object lastReason;
   /** Lines at DEBUG only: the connection's lines are limited per client address, and this one is over (decision 130). */
   private boolean quiet;

   public MalformedPduLog(Logger logger, Supplier<String> peer) {
      this(logger, peer, System::nanoTime, TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS));
   }

   /** With another clock and interval: for tests. */
   public MalformedPduLog(Logger logger, Supplier<String> peer, LongSupplier nanoTime, long intervalNanos) {
      this.logger = logger;
      this.peer = peer;
      this.nanoTime = nanoTime;
      this.intervalNanos = intervalNanos;
   }

   /**
    * Writes nothing at INFO for this connection, neither the first line nor a summary: for a connection whose first
    * malformed PDU came before its login from an address whose line of that kind was written already ({@link
    * PerAddressLog}, which counts it).
    */
   public void quiet() {
      quiet = true;
   }

   /**
    * One malformed PDU.
    *
    * @return whether an INFO line was written for it
    */
   public boolean malformed(String command, Object reason) {
      reason = LogText.safe(String.valueOf(reason), 200); // a reason may quote what the peer sent
      if (logger.isDebugEnabled()) {
         logger.debug("Malformed {} from {}: {}", command, peer.get(), reason);
      }
      if (quiet) {
         return false;
      }
      long now = nanoTime.getAsLong();
      if (lastCommand == null) {
         lastCommand = command;
         lastReason = reason;
         lastInfoNanos = now;
         logger.info("Malformed {} from {}: {} (further malformed PDUs on this connection are counted and logged at most "
                     + "once every {} s)", command, peer.get(), reason, TimeUnit.NANOSECONDS.toSeconds(intervalNanos));
         return true;
      }
      if (count++ == 0) {
         sinceMillis = System.currentTimeMillis();
      }
      lastCommand = command;
      lastReason = reason;
      if (now - lastInfoNanos < intervalNanos) {
         return false;
      }
      lastInfoNanos = now;
      summary("");
      return true;
   }

   /** The connection closed: the count not yet logged, if any. */
   public void closed() {
      if (count > 0) {
         summary(", until the connection closed");
      }
   }

   private void summary(String end) {
      logger.info("{} more malformed PDU(s) from {} since {}{}; the latest: {}: {}", count, peer.get(),
                  Instant.ofEpochMilli(sinceMillis), end, lastCommand, lastReason);
      count = 0;
   }
}
