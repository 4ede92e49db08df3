package io.smsgw.core.runtime;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import io.smsgw.core.config.Account;

/**
 * How many MT recipients each account has submitted today, against its {@code daily-quota}. Counted in
 * memory: a broker restart starts the day's count again (documented; a durable count belongs with billing).
 * The quota is the account's as currently configured, whichever session's account object asks: a reload that changes
 * it applies to open sessions at once, as the submit rate does (GatewayRuntime).
 */
public final class DailyQuotas {

   private record Day(int date, AtomicLong used) {
   }

   private final GatewayClock clock;
   /** The account as currently configured, for the one a session logged in with (itself when no longer configured). */
   private final UnaryOperator<Account> current;
   private final ConcurrentHashMap<String, Day> days = new ConcurrentHashMap<>();

   /** Days in the JVM's zone, on the system clock. */
   public DailyQuotas() {
      this(new GatewayClock(), UnaryOperator.identity());
   }

   /** Days in {@code clock}'s zone. */
   public DailyQuotas(Clock clock) {
      this(new GatewayClock(clock, clock.getZone()), UnaryOperator.identity());
   }

   /**
    * The gateway's days (GatewayRuntime): the quota renews at midnight in its zone. {@code current}: the account as
    * currently configured, for the account object a session passes.
    */
   public DailyQuotas(GatewayClock clock, UnaryOperator<Account> current) {
      this.clock = clock;
      this.current = current;
   }

   /** Takes {@code count} from today's quota; false (and nothing taken) when that would exceed it. */
   public boolean tryConsume(Account account, int count) {
      int quota = current.apply(account).dailyQuota();
      if (quota == 0) {
         return true;
      }
      int today = clock.today();
      Day day = days.get(account.id());
      if (day == null || day.date() != today) {
         day = days.compute(account.id(), (id, d) -> d == null || d.date() != today ? new Day(today, new AtomicLong()) : d);
      }
      while (true) {
         long used = day.used().get();
         if (used + count > quota) {
            return false;
         }
         if (day.used().compareAndSet(used, used + count)) {
            return true;
         }
      }
   }

   /**
    * The MT recipients the account has submitted today against its quota; 0 for an account without {@code daily-quota},
    * whose submits are not counted here.
    */
   public long usedToday(String accountId) {
      Day day = days.get(accountId);
      return day != null && day.date() == clock.today() ? day.used().get() : 0;
   }

   /**
    * Gives back what {@link #tryConsume} took for a submit that was then refused or not stored: the SP was told
    * no, so it must not count. Nothing is given back once the day has changed (that day's count is gone).
    */
   public void release(Account account, int count) {
      if (current.apply(account).dailyQuota() == 0) {
         return;
      }
      Day day = days.get(account.id());
      if (day != null && day.date() == clock.today()) {
         day.used().updateAndGet(used -> Math.max(0, used - count));
      }
   }
}
