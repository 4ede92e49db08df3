package io.smsgw.core.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per account, day and service id: how many MT messages and recipients an account submitted, how many of
 * them ended delivered or failed, and how many MO deliveries to it succeeded or failed. Answers CMPP QUERY. Kept in memory for the last
 * {@value #DAYS_KEPT} days seen; counts restart from zero when the broker restarts.
 */
public final class TrafficCounters {

   public static final int DAYS_KEPT = 31;

   /** Indexes of {@link #snapshot}. */
   public static final int MT_MESSAGES = 0;
   public static final int MT_RECIPIENTS = 1;
   public static final int MO_DELIVERED = 2;
   public static final int MO_FAILED = 3;
   public static final int MT_DELIVERED = 4;
   public static final int MT_FAILED = 5;
   private static final int SIZE = 6;

   private record Key(String account, int day, String serviceId) {
   }

   /** The counters asked for last: consecutive messages of one SP and service find theirs without a map lookup. */
   private record Recent(Key key, LongAdder[] counters) {
   }

   /** Today as a day number, and the span of epoch millis it stays valid for. */
   private record Today(int day, long fromMillis, long untilMillis) {
   }

   private static volatile Today today;

   private final Map<Key, LongAdder[]> counters = new ConcurrentHashMap<>();
   private volatile int newestDay;
   private volatile Recent recent;

   /** {@code day} as yyyymmdd, e.g. 20261126. */
   public void recordMt(String account, int day, String serviceId, int recipients) {
      LongAdder[] c = counters(account, day, serviceId);
      c[MT_MESSAGES].add(recipients);
      c[MT_RECIPIENTS].add(recipients);
   }

   /** The final state of an MT the account submitted (from its report). */
   public void recordMtOutcome(String account, int day, String serviceId, boolean delivered) {
      counters(account, day, serviceId)[delivered ? MT_DELIVERED : MT_FAILED].increment();
   }

   public void recordMo(String account, int day, String serviceId, boolean delivered) {
      counters(account, day, serviceId)[delivered ? MO_DELIVERED : MO_FAILED].increment();
   }

   /** Totals for the account and day, for one service id or (null) all of them. */
   public long[] snapshot(String account, int day, String serviceId) {
      long[] totals = new long[SIZE];
      counters.forEach((key, c) -> {
         if (key.account().equals(account) && key.day() == day && (serviceId == null || key.serviceId().equals(serviceId))) {
            for (int i = 0; i < SIZE; i++) {
               totals[i] += c[i].sum();
            }
         }
      });
      return totals;
   }

   /** A date as the yyyymmdd number these counters are keyed by. */
   public static int dayNumber(java.time.LocalDate date) {
      return date.getYear() * 10000 + date.getMonthValue() * 100 + date.getDayOfMonth();
   }

   /**
    * Today (in the default time zone) as a day number. Computed once per day: every submit and report asks, and
    * {@code LocalDate.now()} costs a time-zone lookup and a few objects each time.
    */
   public static int today() {
      long now = System.currentTimeMillis();
      Today t = today;
      if (t == null || now < t.fromMillis() || now >= t.untilMillis()) {
         java.time.ZoneId zone = java.time.ZoneId.systemDefault();
         java.time.LocalDate date = java.time.Instant.ofEpochMilli(now).atZone(zone).toLocalDate();
         t = new Today(dayNumber(date), date.atStartOfDay(zone).toInstant().toEpochMilli(),
                       date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli());
         today = t;
      }
      return t.day();
   }

   /**
    * The day (in the default time zone) of an instant, e.g. an MT's submit time: its outcome counts on the day
    * the MT was counted, however late the report comes.
    */
   public static int dayOf(long epochMillis) {
      Today t = today;
      if (t != null && epochMillis >= t.fromMillis() && epochMillis < t.untilMillis()) {
         return t.day();
      }
      return dayNumber(java.time.Instant.ofEpochMilli(epochMillis).atZone(java.time.ZoneId.systemDefault()).toLocalDate());
   }

   private LongAdder[] counters(String account, int day, String serviceId) {
      String service = serviceId == null ? "" : serviceId;
      Recent last = recent;
      if (last != null && last.key().day() == day && last.key().account().equals(account) && last.key().serviceId().equals(service)) {
         return last.counters();
      }
      if (day > newestDay) {
         newestDay = day;
         // Forget days that fell out of the window (day numbers compare as dates in yyyymmdd form).
         int oldest = dayNumber(java.time.LocalDate.of(day / 10000, day / 100 % 100, day % 100).minusDays(DAYS_KEPT - 1));
         counters.keySet().removeIf(key -> key.day() < oldest);
         recent = null;
      }
      Key key = new Key(account, day, service);
      LongAdder[] found = counters.computeIfAbsent(key, k -> {
         LongAdder[] c = new LongAdder[SIZE];
         for (int i = 0; i < SIZE; i++) {
            c[i] = new LongAdder();
         }
         return c;
      });
      recent = new Recent(key, found);
      return found;
   }
}
