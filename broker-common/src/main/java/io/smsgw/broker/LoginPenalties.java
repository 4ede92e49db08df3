package io.smsgw.broker;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.netty.channel.Channel;
import org.slf4j.Logger;

/**
 * Failed logins (SMPP binds, CMPP CONNECTs) per remote address and per account, for one acceptor (decision 99).
 * <p>
 * Up to {@code limit} failures are answered at once. Each failure after those, while failures come less than
 * {@code window} apart, is answered only after a penalty that starts at {@code delay} and doubles with each one, up
 * to {@code window}. While an address's penalty runs, every login from it, right or wrong, is refused without its
 * credentials being checked and answered when the penalty ends; these refusals are counted but neither extend the
 * penalty nor make the next one longer, so the first login after it is checked again. Guessing from one address gets
 * at most {@code limit} checked tries, then one per penalty; a client that keeps retrying gets in with the first right
 * password it sends after a penalty, at most {@code window} after its last checked failure. An account's failures only
 * delay the refusals of wrong credentials: a right password from another address is taken at once, so guessing an
 * account from many addresses cannot lock its owner out.
 * <p>
 * A key quiet for {@code window} after its last failure and its penalty is forgotten: removed when next looked up, and
 * by a sweep of the whole map at most once a window, made by a login. At most {@link #MAX_KEYS} addresses and accounts
 * are tracked, the least recently seen dropped first, so a scan from many addresses takes bounded memory. An id that
 * names no account is tracked as an account of its own, so that its refusals slow down exactly as an existing
 * account's do and the delay tells nobody which ids exist. An IPv4 address is counted alone (SPs behind one carrier NAT
 * must not punish each other), an IPv6 address by its /64, the block one site or host is given, so hopping across the
 * addresses of one's own /64 does not start a fresh count. {@link #clear()} forgets them all. Called at login on the event loops of the
 * acceptor, and by its management bean ({@link LoginPenaltiesControl}) on management threads, always under this
 * object's lock, which each call holds only for map operations (a listing copies the numbers and formats them outside).
 */
public final class LoginPenalties {

   /** Addresses and accounts tracked per acceptor: about 100 bytes each. */
   static final int MAX_KEYS = 10_000;
   private static final long SUMMARY_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
   private static final String ADDRESS_PREFIX = "address:";
   private static final String ACCOUNT_PREFIX = "account:";

   /**
    * One address or account counted now, for operators: its failures in the current run, the wall-clock time of the
    * last one, and when its penalty ends (0 when none runs).
    */
   public record Entry(boolean address, String id, int failures, long lastFailureMillis, long penaltyEndsMillis) {
   }

   private static final class Failures {
      int count;
      long lastNanos;
      long penaltyUntilNanos;
   }

   private final String protocol;
   private final int limit;
   private final long windowNanos;
   private final long delayNanos;
   private final LongSupplier clock;
   private final Logger logger;
   private final Map<String, Failures> keys = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
         return size() > MAX_KEYS;
      }
   };
   private long refused;
   private long lastSweepNanos;
   private long refusedSinceSummary;
   private long lastSummaryNanos;
   private final PerAddressLog lines;

   /** {@code limit} 0 turns the penalties off. */
   public LoginPenalties(String protocol, int limit, long windowMillis, long delayMillis, Logger logger) {
      this(protocol, limit, windowMillis, delayMillis, logger, System::nanoTime);
   }

   LoginPenalties(String protocol, int limit, long windowMillis, long delayMillis, Logger logger, LongSupplier clock) {
      this.protocol = protocol;
      this.limit = limit;
      this.windowNanos = TimeUnit.MILLISECONDS.toNanos(windowMillis);
      this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
      this.logger = logger;
      this.clock = clock;
      this.lastSummaryNanos = clock.getAsLong();
      this.lastSweepNanos = lastSummaryNanos;
      this.lines = new PerAddressLog(protocol, logger, clock);
   }

   /** The acceptor's limit on log lines a client can cause once per connection before it logs in. */
   public PerAddressLog lines() {
      return lines;
   }

   /**
    * Before the credentials are looked at: -1 when they are to be checked, else the milliseconds after which the login
    * is to be refused unchecked: what is left of the address's penalty. Such a refusal is counted, but it does not
    * extend the penalty (a client retrying every few seconds would otherwise never be checked again).
    */
   public synchronized long penaltyBeforeCheck(InetAddress address) {
      if (limit <= 0 || address == null) {
         return -1;
      }
      long now = clock.getAsLong();
      forgetQuiet(now);
      String key = addressKey(address);
      Failures failures = keys.get(key);
      if (failures == null) {
         return -1;
      }
      if (quiet(failures, now)) {
         keys.remove(key);
         return -1;
      }
      if (now >= failures.penaltyUntilNanos) {
         return -1;
      }
      countRefused(now);
      return Math.max(1, TimeUnit.NANOSECONDS.toMillis(failures.penaltyUntilNanos - now));
   }

   /**
    * A login that failed on its credentials: {@code account} is the id it named, whether an account of that id exists
    * or not (null: none was named, as for a PDU refused before a login). Returns the milliseconds after which the
    * refusal is to be answered (0: at once).
    */
   public synchronized long failed(InetAddress address, String account) {
      if (limit <= 0) {
         return 0;
      }
      long now = clock.getAsLong();
      forgetQuiet(now);
      long penalty = 0;
      if (address != null) {
         penalty = fail(keys.computeIfAbsent(addressKey(address), k -> new Failures()), now, "address " + addressId(address));
      }
      if (account != null) {
         penalty = Math.max(penalty, fail(keys.computeIfAbsent(ACCOUNT_PREFIX + account, k -> new Failures()), now, "account '" + LogText.safe(account) + "'"));
      }
      if (penalty > 0) {
         countRefused(now);
      }
      return TimeUnit.NANOSECONDS.toMillis(penalty);
   }

   /** Logins refused late or unchecked by a penalty since the acceptor started. */
   public synchronized long refused() {
      return refused;
   }

   /**
    * Forgets every address's and account's failures and penalties (for operators: a restart does the same); how many
    * were counted (quiet ones not waiting for their sweep).
    */
   public synchronized int clear() {
      long now = clock.getAsLong();
      int counted = 0;
      for (Failures failures : keys.values()) {
         if (!quiet(failures, now)) {
            counted++;
         }
      }
      keys.clear();
      return counted;
   }

   /**
    * Forgets one address's failures and penalty, so its next login is checked at once; whether it was counted.
    * {@code address} as {@link #addressId} writes it (what {@link #entries()} shows).
    */
   public synchronized boolean clearAddress(String address) {
      return keys.remove(ADDRESS_PREFIX + address) != null;
   }

   /** Forgets one account's failures and penalty; whether it was counted. */
   public synchronized boolean clearAccount(String account) {
      return keys.remove(ACCOUNT_PREFIX + account) != null;
   }

   /** The addresses and accounts counted now (quiet ones left out, as they count no more), addresses first. */
   public List<Entry> entries() {
      int n;
      String[] ids;
      int[] counts;
      long[] last;
      long[] until;
      long now;
      synchronized (this) {
         // Copy the numbers only: the strings and times are made after the lock is released, so logins on the event
         // loops wait for no more than a walk over at most MAX_KEYS entries.
         now = clock.getAsLong();
         n = keys.size();
         ids = new String[n];
         counts = new int[n];
         last = new long[n];
         until = new long[n];
         int i = 0;
         for (Map.Entry<String, Failures> e : keys.entrySet()) {
            Failures f = e.getValue();
            if (quiet(f, now)) {
               continue;
            }
            ids[i] = e.getKey();
            counts[i] = f.count;
            last[i] = f.lastNanos;
            until[i] = f.penaltyUntilNanos;
            i++;
         }
         n = i;
      }
      long wallNow = System.currentTimeMillis();
      List<Entry> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
         boolean address = ids[i].startsWith(ADDRESS_PREFIX);
         String id = ids[i].substring(address ? ADDRESS_PREFIX.length() : ACCOUNT_PREFIX.length());
         long lastMillis = wallNow - TimeUnit.NANOSECONDS.toMillis(now - last[i]);
         long endsMillis = until[i] > now ? wallNow + Math.max(1, TimeUnit.NANOSECONDS.toMillis(until[i] - now)) : 0;
         entries.add(new Entry(address, id, counts[i], lastMillis, endsMillis));
      }
      entries.sort((a, b) -> a.address() != b.address() ? (a.address() ? -1 : 1) : a.id().compareTo(b.id()));
      return entries;
   }

   /** Failures answered at once; 0: no penalties. */
   public int limit() {
      return limit;
   }

   /** Failures less than this apart count together; also the longest penalty. */
   public long windowMillis() {
      return TimeUnit.NANOSECONDS.toMillis(windowNanos);
   }

   /** The first penalty. */
   public long delayMillis() {
      return TimeUnit.NANOSECONDS.toMillis(delayNanos);
   }

   synchronized int tracked() {
      return keys.size();
   }

   private long fail(Failures failures, long now, String who) {
      if (failures.count > 0 && quiet(failures, now)) {
         failures.count = 0; // quiet for a window after the last failure and its penalty: start afresh
      }
      failures.count++;
      failures.lastNanos = now;
      int over = failures.count - limit;
      if (over <= 0) {
         return 0;
      }
      long penalty = delayNanos;
      for (int i = 1; i < over && penalty < windowNanos; i++) {
         penalty *= 2;
      }
      penalty = Math.min(penalty, windowNanos);
      failures.penaltyUntilNanos = now + penalty;
      if (over == 1) {
         logger.warn("{} logins: {} failed {} times, each within {} ms of the one before; its further logins are refused "
                     + "after a penalty of {} ms and more", protocol, who, failures.count, TimeUnit.NANOSECONDS.toMillis(windowNanos),
                     TimeUnit.NANOSECONDS.toMillis(penalty));
      }
      return penalty;
   }

   /** Quiet for a window after the last failure and its penalty. */
   private boolean quiet(Failures failures, long now) {
      return now - Math.max(failures.lastNanos, failures.penaltyUntilNanos) >= windowNanos;
   }

   /** At most once a window: drops the quiet keys, so the map holds only addresses and accounts failing lately. */
   private void forgetQuiet(long now) {
      if (now - lastSweepNanos < windowNanos) {
         return;
      }
      lastSweepNanos = now;
      keys.values().removeIf(failures -> quiet(failures, now));
   }

   private void countRefused(long now) {
      refused++;
      refusedSinceSummary++;
      if (now - lastSummaryNanos >= SUMMARY_INTERVAL_NANOS) {
         logger.info("{} logins: {} refused by failed-login penalties in the last {} s ({} since the start)", protocol,
                     refusedSinceSummary, TimeUnit.NANOSECONDS.toSeconds(now - lastSummaryNanos), refused);
         refusedSinceSummary = 0;
         lastSummaryNanos = now;
      }
   }

   private static String addressKey(InetAddress address) {
      return ADDRESS_PREFIX + addressId(address);
   }

   /**
    * What an address is counted as: an IPv4 address as itself ({@code 192.0.2.7}), an IPv6 address as its /64
    * ({@code 2001:db8:0:7::/64}), as the listing shows it.
    */
   public static String addressId(InetAddress address) {
      if (!(address instanceof Inet6Address)) {
         return address.getHostAddress();
      }
      byte[] b = address.getAddress();
      StringBuilder id = new StringBuilder(24);
      for (int i = 0; i < 8; i += 2) {
         id.append(Integer.toHexString(((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF))).append(':');
      }
      return id.append(":/64").toString();
   }

   /**
    * Sends a login's refusal {@code delayMillis} from now, on its event loop (never blocking it), as the connection's
    * last answer: the client closes, or the gateway after a short drain ({@link LastAnswer}).
    */
   public static void refuseLater(Channel channel, Object refusal, long delayMillis) {
      channel.eventLoop().schedule(() -> LastAnswer.send(channel, refusal), delayMillis, TimeUnit.MILLISECONDS);
   }

   /**
    * A refused login's answer as the connection's last (the session takes nothing more already), at once or
    * {@code delayMillis} from now (a failed-login penalty), on the event loop. The connection's frame decoder buffers
    * nothing more meanwhile ({@code frameName}: the protocol's decoder); a delayed answer also stops the login timer
    * ({@code loginTimer}, null when none runs), whose close would otherwise come before it.
    */
   public static void refuse(Channel channel, String frameName, Object refusal, long delayMillis, ScheduledFuture<?> loginTimer) {
      PduFrameDecoder.loginDecided(channel, frameName, false);
      if (delayMillis <= 0) {
         LastAnswer.send(channel, refusal);
         return;
      }
      if (loginTimer != null) {
         loginTimer.cancel(false);
      }
      refuseLater(channel, refusal, delayMillis);
   }
}
