package io.smsgw.cmpp.server;

import java.time.Clock;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.WeakHashMap;

import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.core.runtime.GatewayRuntime;

/**
 * Keeps a captured CONNECT from opening a session again: its Timestamp must be within {@code cmppConnectTimeSkew}
 * of the gateway's clock, and an authenticated CONNECT's (Source_Addr, Timestamp, AuthenticatorSource) is refused
 * a second time for as long as its Timestamp stays within that window. One per broker, so a CONNECT accepted by one
 * acceptor is not taken again by another. CONNECTs are rare next to the rest of the traffic, so the memory is one
 * map behind a lock.
 */
final class ConnectFreshness {

   /** Authenticated CONNECTs remembered at most; past it the one nearest to leaving the window goes first. */
   static final int MAX_REMEMBERED = 100_000;

   private static final Map<GatewayRuntime, ConnectFreshness> BY_RUNTIME = new WeakHashMap<>();

   private final Clock clock;
   private final int capacity;
   /** (Source_Addr, Timestamp, AuthenticatorSource) → the Timestamp's epoch second, oldest acceptance first. */
   private final LinkedHashMap<String, Long> used = new LinkedHashMap<>();
   /** The largest skew any acceptor asked with: an entry is kept while it is fresh for every acceptor. */
   private long longestSkew;

   ConnectFreshness(Clock clock, int capacity) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.capacity = capacity;
   }

   /** The memory of this broker's runtime, created on first use. */
   static ConnectFreshness of(GatewayRuntime runtime) {
      synchronized (BY_RUNTIME) {
         return BY_RUNTIME.computeIfAbsent(runtime, r -> new ConnectFreshness(Clock.systemDefaultZone(), MAX_REMEMBERED));
      }
   }

   /**
    * Seconds between the CONNECT's Timestamp and the gateway's clock (positive: the client is ahead), or null when
    * the Timestamp names no time of day in any of the three years around now.
    */
   Long offsetSeconds(long timestamp) {
      return offsetSeconds(timestamp, clock.getZone());
   }

   /** As {@link #offsetSeconds(long)}, the Timestamp read in {@code zone} (the acceptor's cmppTimeZone). */
   Long offsetSeconds(long timestamp, ZoneId zone) {
      java.time.Instant now = clock.instant();
      OptionalLong at = CmppTimestamp.epochSecond(timestamp, now, zone);
      return at.isPresent() ? at.getAsLong() - now.getEpochSecond() : null;
   }

   /** Whether the Timestamp is within {@code skewSeconds} of the gateway's clock; always true with a skew of 0. */
   boolean isCurrent(long timestamp, long skewSeconds) {
      return isCurrent(timestamp, skewSeconds, clock.getZone());
   }

   /** As {@link #isCurrent(long, long)}, the Timestamp read in {@code zone}. */
   boolean isCurrent(long timestamp, long skewSeconds, ZoneId zone) {
      if (skewSeconds <= 0) {
         return true;
      }
      Long offset = offsetSeconds(timestamp, zone);
      return offset != null && Math.abs(offset) <= skewSeconds;
   }

   /**
    * Records an authenticated, current CONNECT; false when the same one was recorded before and is still within the
    * window (a replay). Always true with a skew of 0: without a window there is nothing to bound the memory by.
    */
   boolean firstUse(Connect connect, long skewSeconds) {
      return firstUse(connect, skewSeconds, clock.getZone());
   }

   /** As {@link #firstUse(Connect, long)}, the Timestamp read in {@code zone}. */
   boolean firstUse(Connect connect, long skewSeconds, ZoneId zone) {
      if (skewSeconds <= 0) {
         return true;
      }
      OptionalLong at = CmppTimestamp.epochSecond(connect.timestamp(), clock.instant(), zone);
      if (at.isEmpty()) {
         return false;
      }
      String key = connect.sourceAddr() + '\u0000' + connect.timestamp() + '\u0000'
         + HexFormat.of().formatHex(connect.authenticatorSource());
      long now = clock.instant().getEpochSecond();
      synchronized (used) {
         longestSkew = Math.max(longestSkew, skewSeconds);
         forgetExpired(now);
         Long previous = used.get(key);
         if (previous != null && now - previous <= longestSkew) {
            return false;
         }
         if (used.size() >= capacity) {
            Iterator<?> eldest = used.keySet().iterator();
            eldest.next();
            eldest.remove();
         }
         used.put(key, at.getAsLong());
         return true;
      }
   }

   /**
    * Drops entries from the oldest on while their Timestamp is out of every window. Kept in acceptance order,
    * which is Timestamp order up to the clients' skew, so one entry still in its window can keep some older ones a
    * little longer: they are refused anyway for being too old.
    */
   private void forgetExpired(long now) {
      Iterator<Long> it = used.values().iterator();
      while (it.hasNext() && now - it.next() > longestSkew) {
         it.remove();
      }
   }

   /** Entries remembered, for tests. */
   int size() {
      synchronized (used) {
         return used.size();
      }
   }
}
