package io.smsgw.core.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per account, day and service id: how many MT messages and recipients an account submitted, how many of
 * them ended delivered or failed, and how many MO deliveries to it succeeded or failed. Answers CMPP QUERY. Kept in memory for the last
 * {@value #DAYS_KEPT} days seen; counts restart from zero when the broker restarts.
 *
 * <p>Service ids are whatever the SP sends (an account without {@code service-ids} may send any), so each account
 * and day counts its first {@value #MAX_SERVICE_IDS_PER_DAY} distinct service ids separately and every further one
 * together under {@link #OTHER_SERVICE_IDS}: an SP sending a new Service_Id with every submit cannot grow the
 * counters without bound, and a QUERY sums at most that many entries.
 *
 * <p>Counting never throws and a day number or time out of range never moves the window (which would forget every
 * account's days): a report's submit time outside the days kept ({@link #dayOf}) and a day number after today or no
 * date at all count today.
 */
public final class TrafficCounters {

   public static final int DAYS_KEPT = 31;
   /** Distinct service ids counted separately per account and day; the rest count under {@link #OTHER_SERVICE_IDS}. */
   public static final int MAX_SERVICE_IDS_PER_DAY = 256;
   /** The service id the service ids beyond {@link #MAX_SERVICE_IDS_PER_DAY} of a day are counted under. */
   public static final String OTHER_SERVICE_IDS = "*";

   /** Indexes of {@link #snapshot}. */
   public static final int MT_MESSAGES = 0;
   public static final int MT_RECIPIENTS = 1;
   public static final int MO_DELIVERED = 2;
   public static final int MO_FAILED = 3;
   public static final int MT_DELIVERED = 4;
   public static final int MT_FAILED = 5;
   private static final int SIZE = 6;

   private record Key(String account, int day) {
   }

   /** One account's counters of one day: a bounded number of service ids, and the rest together. */
   private static final class AccountDay {
      final Map<String, LongAdder[]> services = new ConcurrentHashMap<>();
      final AtomicInteger slots = new AtomicInteger();
      final LongAdder[] others = newCounters();

      LongAdder[] counters(String service) {
         LongAdder[] found = services.get(service);
         if (found != null) {
            return found;
         }
         if (slots.incrementAndGet() > MAX_SERVICE_IDS_PER_DAY) {
            slots.decrementAndGet();
            // Full for the day: a service id that did not get its own entry counts with the others (also for its
            // outcomes and MO later that day, since entries are never given up within a day).
            found = services.get(service);
            return found != null ? found : others;
         }
         LongAdder[] added = newCounters();
         found = services.putIfAbsent(service, added);
         if (found != null) {
            slots.decrementAndGet(); // another thread added it first
            return found;
         }
         return added;
      }

      void addTo(long[] totals, String serviceId) {
         if (serviceId == null) {
            services.values().forEach(c -> add(totals, c));
            add(totals, others);
            return;
         }
         LongAdder[] c = services.get(serviceId);
         if (c != null) {
            add(totals, c);
         }
         if (serviceId.equals(OTHER_SERVICE_IDS)) {
            add(totals, others);
         }
      }

      private static void add(long[] totals, LongAdder[] c) {
         for (int i = 0; i < SIZE; i++) {
            totals[i] += c[i].sum();
         }
      }
   }

   /** The counters asked for last: consecutive messages of one SP and service find theirs without a map lookup. */
   private record Recent(String account, int day, String serviceId, AccountDay accountDay, LongAdder[] counters) {
   }

   private final GatewayClock clock;
   private final Map<Key, AccountDay> days = new ConcurrentHashMap<>();
   private volatile int newestDay;
   private volatile Recent recent;

   /** Days in the JVM's zone, on the system clock. */
   public TrafficCounters() {
      this(new GatewayClock());
   }

   /** Days of {@code clock}: the gateway's (GatewayRuntime). */
   public TrafficCounters(GatewayClock clock) {
      this.clock = clock;
   }

   /** {@code day} as yyyymmdd, e.g. 20261126. */
   public void recordMt(String account, int day, String serviceId, int recipients) {
      LongAdder[] c = counters(account, day, serviceId);
      c[MT_MESSAGES].add(recipients);
      c[MT_RECIPIENTS].add(recipients);
   }

   /** The final state of an MT the account submitted (from its report). */
   public void recordMtOutcome(String account, int day, String serviceId, boolean delivered) {
      mtOutcomeCounter(account, day, serviceId, delivered).increment();
   }

   /**
    * The counter {@link #recordMtOutcome} increments, for a caller that increments it later: routing counts a report
    * once it is stored (docs/decisions.md, "Routing counts what was stored").
    */
   public LongAdder mtOutcomeCounter(String account, int day, String serviceId, boolean delivered) {
      return counters(account, day, serviceId)[delivered ? MT_DELIVERED : MT_FAILED];
   }

   public void recordMo(String account, int day, String serviceId, boolean delivered) {
      counters(account, day, serviceId)[delivered ? MO_DELIVERED : MO_FAILED].increment();
   }

   /**
    * Totals for the account and day, for one service id or (null) all of them. {@link #OTHER_SERVICE_IDS} gives the
    * service ids counted together; one of those asked for by name has no counts of its own (zeros).
    */
   public long[] snapshot(String account, int day, String serviceId) {
      long[] totals = new long[SIZE];
      AccountDay found = days.get(new Key(account, day));
      if (found != null) {
         found.addTo(totals, serviceId);
      }
      return totals;
   }

   /** How many service ids of the account's day have counters of their own (at most {@link #MAX_SERVICE_IDS_PER_DAY}). */
   public int serviceIdsCounted(String account, int day) {
      AccountDay found = days.get(new Key(account, day));
      return found == null ? 0 : found.services.size();
   }

   /** A date as the yyyymmdd number these counters are keyed by. */
   public static int dayNumber(java.time.LocalDate date) {
      return date.getYear() * 10000 + date.getMonthValue() * 100 + date.getDayOfMonth();
   }

   /**
    * Today (in the gateway's zone, {@link GatewayClock}) as a day number. Computed once per day: every submit and
    * report asks, and {@code LocalDate.now()} costs a time-zone lookup and a few objects each time.
    */
   public int today() {
      return clock.today();
   }

   /**
    * The day (in the gateway's zone) of an instant, e.g. an MT's submit time: its outcome counts on the day
    * the MT was counted, however late the report comes. An instant outside the {@value #DAYS_KEPT} days kept (before
    * them, or after today) is today: a time in another unit (seconds, microseconds, nanoseconds), a clock far off or
    * an MT older than QUERY can ask about must neither create a day nobody asks for nor move the window.
    */
   public int dayOf(long epochMillis) {
      GatewayClock.Today t = clock.current(clock.millis());
      if (epochMillis >= t.fromMillis() || epochMillis < t.keptFromMillis()) {
         return t.day(); // today, or outside the days kept
      }
      return clock.dayNumber(epochMillis, t.zone());
   }

   private LongAdder[] counters(String account, int day, String serviceId) {
      String service = serviceId == null ? "" : serviceId;
      Recent last = recent;
      if (last != null && last.day() == day && last.account().equals(account) && last.serviceId().equals(service)) {
         return last.counters();
      }
      if (day > newestDay) {
         // A day after today, or a number that is no date, would move the window and forget every account's days.
         int today = today();
         java.time.LocalDate date = day > today ? null : date(day);
         if (date == null) {
            day = today;
            date = date(today);
         }
         if (day > newestDay) {
            newestDay = day;
            // Forget days that fell out of the window (day numbers compare as dates in yyyymmdd form).
            int oldest = dayNumber(date.minusDays(DAYS_KEPT - 1));
            days.keySet().removeIf(key -> key.day() < oldest);
            recent = null;
            last = null;
         }
      }
      // Another service of the same account and day (the common case after the first message) needs no key.
      AccountDay accountDay = last != null && last.day() == day && last.account().equals(account)
         ? last.accountDay() : days.computeIfAbsent(new Key(account, day), k -> new AccountDay());
      LongAdder[] found = accountDay.counters(service);
      recent = new Recent(account, day, service, accountDay, found);
      return found;
   }

   /** The date of a day number, or null when it is none. */
   private static java.time.LocalDate date(int day) {
      try {
         return java.time.LocalDate.of(day / 10000, day / 100 % 100, day % 100);
      } catch (java.time.DateTimeException e) {
         return null;
      }
   }

   private static LongAdder[] newCounters() {
      LongAdder[] c = new LongAdder[SIZE];
      for (int i = 0; i < SIZE; i++) {
         c[i] = new LongAdder();
      }
      return c;
   }
}
