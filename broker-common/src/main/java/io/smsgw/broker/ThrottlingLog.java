package io.smsgw.broker;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The INFO lines about accounts throttled for their {@code max-submit-rate}, one broker's: one line when an account's
 * submits start being refused for the rate, then, while it goes on, one a minute with the count of that minute; a
 * minute without refusals ends the spell silently. So an account at most one line a minute, whatever its clients send,
 * and a refusal is never left uncounted until the next one. Counting a refusal costs a map look-up (no allocation) and
 * a {@link LongAdder} increment; the broker's scheduled pool writes the minute's line.
 */
public final class ThrottlingLog {

   private static final Logger logger = LoggerFactory.getLogger(ThrottlingLog.class);
   private static final Map<ActiveMQServer, ThrottlingLog> BY_BROKER = new WeakHashMap<>();
   private static final long INTERVAL_MILLIS = TimeUnit.MINUTES.toMillis(1);

   /** One account's throttling: the refusals not yet logged, and whether a spell (with its minute's line due) runs. */
   private static final class Spell {
      final String account;
      final LongAdder pending = new LongAdder();
      final AtomicBoolean running = new AtomicBoolean();
      volatile String protocol;
      volatile int rate;
      /** Written by the first refusal of a spell and the scheduled lines, one at a time. */
      long total;
      long startedMillis;

      Spell(String account) {
         this.account = account;
      }
   }

   private final ActiveMQServer server;
   private final ConcurrentHashMap<String, Spell> accounts = new ConcurrentHashMap<>();

   private ThrottlingLog(ActiveMQServer server) {
      this.server = server;
   }

   /** The broker's throttling lines, created on first use. */
   public static ThrottlingLog of(ActiveMQServer server) {
      synchronized (BY_BROKER) {
         ThrottlingLog found = BY_BROKER.get(server);
         if (found == null) {
            found = new ThrottlingLog(server);
            BY_BROKER.put(server, found);
            // The value holds its broker: forgotten when the broker stops, so the weak key can go (and a restart starts afresh).
            server.registerActivateCallback(new ActivateCallback() {
               @Override
               public void deActivate() {
                  synchronized (BY_BROKER) {
                     BY_BROKER.remove(server);
                  }
                  server.unregisterActivateCallback(this);
               }
            });
         }
         return found;
      }
   }

   /** A submit of {@code account} refused for its max-submit-rate ({@code rate} parts a second) on {@code protocol}. */
   public void throttled(String protocol, String account, int rate) {
      Spell spell = accounts.get(account);
      if (spell == null) {
         spell = accounts.computeIfAbsent(account, Spell::new);
      }
      spell.protocol = protocol;
      spell.rate = rate;
      spell.pending.increment();
      if (!spell.running.get() && spell.running.compareAndSet(false, true)) {
         synchronized (spell) {
            spell.startedMillis = System.currentTimeMillis();
            spell.total = spell.pending.sumThenReset();
         }
         logger.info("Account '{}' is throttled on {}: submits over its max-submit-rate of {}/s are refused (SMPP ESME_RTHROTTLED, "
                        + "CMPP Result 8); while that lasts, one line a minute counts them (meter "
                        + "sms.gateway.account.submits.refused, cause throttled)", account, protocol, rate);
         schedule(spell);
      }
   }

   private void schedule(Spell spell) {
      ScheduledExecutorService pool = server.getScheduledPool();
      try {
         if (pool == null) {
            throw new RejectedExecutionException("no scheduled pool");
         }
         pool.schedule(() -> minute(spell), INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
         spell.running.set(false); // the broker stops: nothing more to say
      }
   }

   /** A minute after the spell's previous line: the minute's count, or the end of the spell. */
   private void minute(Spell spell) {
      long count = spell.pending.sumThenReset();
      if (count > 0) {
         long total;
         long since;
         synchronized (spell) {
            spell.total += count;
            total = spell.total;
            since = spell.startedMillis;
         }
         logger.info("Account '{}' is throttled: {} submit(s) over max-submit-rate {}/s refused in the last minute ({} since {}, "
                        + "latest on {})", spell.account, count, spell.rate, total, java.time.Instant.ofEpochMilli(since),
                     spell.protocol);
         schedule(spell);
         return;
      }
      spell.running.set(false);
      // A refusal between the count and the end found the spell running and logged nothing: start again for it.
      if (spell.pending.sum() > 0 && spell.running.compareAndSet(false, true)) {
         schedule(spell);
      }
   }
}
