package io.smsgw.broker;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * Log lines a client can cause once per connection before it logs in (an oversized first PDU, another gateway's
 * CONNECT refused, a stale Timestamp, an unknown Command_Id), limited per client address and kind of line: the first
 * is written by the caller, the further ones within {@link #INTERVAL_SECONDS} are counted and summed up in one INFO
 * line, written when the next one comes after the interval. Without it a client reconnecting in a loop wrote a line
 * per connection, as fast as it could connect. Addresses as {@link LoginPenalties} keys them (IPv6 by its /64). Lines
 * about an account that clients anywhere can cause (a login with a shipped demo secret) are limited per account instead
 * ({@link #admitForAccount}). At most {@link #MAX_KEYS} pairs of kind and address or account are kept, the least
 * recently seen dropped first. Thread-safe.
 */
public final class PerAddressLog {

   static final int MAX_KEYS = 2_000;
   public static final long INTERVAL_SECONDS = 60;

   private static final class Lines {
      boolean written;
      long count;
      long lastLineNanos;
   }

   private final Logger logger;
   private final String protocol;
   private final LongSupplier clock;
   private final long intervalNanos = TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS);
   private final Map<String, Lines> keys = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Lines> eldest) {
         return size() > MAX_KEYS;
      }
   };

   PerAddressLog(String protocol, Logger logger, LongSupplier clock) {
      this.protocol = protocol;
      this.logger = logger;
      this.clock = clock;
   }

   /**
    * One occurrence of {@code kind} from {@code address}: true when the caller is to write its line (the first, or the
    * first after a quiet interval); otherwise it is counted, and the count written when the interval has passed.
    */
   public boolean admit(String kind, InetAddress address) {
      return admit(kind, "from", address == null ? "?" : LoginPenalties.addressId(address), "address");
   }

   /**
    * As {@link #admit(String, InetAddress)}, limited per account instead of per client address: for lines about an
    * account that clients from any number of addresses can cause (a login with a shipped demo secret). {@code account}
    * is an account's id from the configuration, not a client's string.
    */
   public boolean admitForAccount(String kind, String account) {
      return admit(kind, "for account", account, "account");
   }

   private boolean admit(String kind, String preposition, String id, String unit) {
      long now = clock.getAsLong();
      long summed;
      synchronized (this) {
         Lines lines = keys.computeIfAbsent(kind + ' ' + unit + ' ' + id, k -> new Lines());
         if (!lines.written || (lines.count == 0 && now - lines.lastLineNanos >= intervalNanos)) {
            lines.written = true;
            lines.lastLineNanos = now;
            return true;
         }
         lines.count++;
         if (now - lines.lastLineNanos < intervalNanos) {
            return false;
         }
         summed = lines.count;
         lines.count = 0;
         lines.lastLineNanos = now;
      }
      logger.info("{}: {} more '{}' {} {} in the last {} s (one line per {} and minute)", protocol, summed, kind, preposition,
                  id, INTERVAL_SECONDS, unit);
      return false;
   }
}
