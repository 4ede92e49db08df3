package io.smsgw.broker;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
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
 * are tracked, the least recently seen dropped first, so a scan from many addresses takes bounded memory; accounts are
 * tracked only for ids that exist. {@link #clear()} forgets them all. Called at login only, on the event loops of the
 * acceptor, under this object's lock.
 */
public final class LoginPenalties {

   /** Addresses and accounts tracked per acceptor: about 100 bytes each. */
   static final int MAX_KEYS = 10_000;
   private static final long SUMMARY_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

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
    * A login that failed on its credentials: {@code account} is the existing account it named, or null (an unknown
    * id, or a failure that says nothing about the account's secret). Returns the milliseconds after which the refusal
    * is to be answered (0: at once).
    */
   public synchronized long failed(InetAddress address, String account) {
      if (limit <= 0) {
         return 0;
      }
      long now = clock.getAsLong();
      forgetQuiet(now);
      long penalty = 0;
      if (address != null) {
         penalty = fail(keys.computeIfAbsent(addressKey(address), k -> new Failures()), now, "address " + address.getHostAddress());
      }
      if (account != null) {
         penalty = Math.max(penalty, fail(keys.computeIfAbsent("account:" + account, k -> new Failures()), now, "account '" + account + "'"));
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

   /** Forgets every address's and account's failures and penalties (for operators: a restart does the same). */
   public synchronized void clear() {
      keys.clear();
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
      return "address:" + address.getHostAddress();
   }

   /** Sends a login's refusal and closes the connection {@code delayMillis} from now, on its event loop (never blocking it). */
   public static void refuseLater(Channel channel, Object refusal, long delayMillis) {
      channel.eventLoop().schedule(() -> {
         if (channel.isActive()) {
            channel.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
         }
      }, delayMillis, TimeUnit.MILLISECONDS);
   }
}
