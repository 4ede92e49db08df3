package io.smsgw.core.runtime;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The gateway's days: the time zone its days begin and end in (the daily quota's reset, the days CMPP QUERY asks
 * about) and the clock it reads. One per broker ({@link GatewayRuntime#clock()}): the CMPP module sets the zone to the
 * CMPP acceptors' {@code cmppTimeZone} (docs/decisions.md, "The gateway's day is the CMPP day"); unset it is the
 * JVM's zone, as before.
 *
 * <p>Every submit and report asks for today: the day number is computed once per day (and again when the zone
 * changes), so asking costs the clock's millis and a volatile read, no allocation.
 */
public final class GatewayClock {

   /**
    * Today as a day number in {@code zone}, the span of epoch millis it stays valid for, and the first millisecond of
    * the oldest day {@link TrafficCounters} keeps.
    */
   record Today(ZoneId zone, int day, long fromMillis, long untilMillis, long keptFromMillis) {
   }

   private volatile Clock clock;
   private volatile ZoneId zone;
   private volatile Today today;

   /** The system clock, days in the JVM's zone. */
   public GatewayClock() {
      this(Clock.systemUTC(), ZoneId.systemDefault());
   }

   /** Instants from {@code clock} (its zone is not used), days in {@code zone}. */
   public GatewayClock(Clock clock, ZoneId zone) {
      this.clock = clock;
      this.zone = zone;
   }

   /** The zone the gateway's days are in. */
   public ZoneId zone() {
      return zone;
   }

   /** Sets the zone the gateway's days are in (at start, from the CMPP acceptors' {@code cmppTimeZone}). */
   public void zone(ZoneId zone) {
      this.zone = zone;
   }

   /** Replaces the clock the days are read from (tests: a day boundary without waiting for it). */
   public void clock(Clock clock) {
      this.clock = clock;
   }

   /**
    * A {@link Clock} that reads this one: its instants from the clock set now, its zone the gateway's zone set now
    * (each read again per call, so the zone the CMPP module sets at start and a clock a test sets are followed). The
    * Msg_Id generator reads it.
    */
   public Clock asClock() {
      return view;
   }

   private final Clock view = new Clock() {
      @Override
      public ZoneId getZone() {
         return zone;
      }

      @Override
      public Clock withZone(ZoneId other) {
         return clock.withZone(other);
      }

      @Override
      public long millis() {
         return clock.millis();
      }

      @Override
      public Instant instant() {
         return clock.instant();
      }
   };

   /** Now, in epoch millis. */
   public long millis() {
      return clock.millis();
   }

   /** Today as a yyyymmdd day number, e.g. 20261128. */
   public int today() {
      return current(clock.millis()).day();
   }

   Today current(long now) {
      Today t = today;
      ZoneId z = zone;
      if (t == null || t.zone() != z || now < t.fromMillis() || now >= t.untilMillis()) {
         LocalDate date = Instant.ofEpochMilli(now).atZone(z).toLocalDate();
         t = new Today(z, TrafficCounters.dayNumber(date), date.atStartOfDay(z).toInstant().toEpochMilli(),
                       date.plusDays(1).atStartOfDay(z).toInstant().toEpochMilli(),
                       date.minusDays(TrafficCounters.DAYS_KEPT - 1).atStartOfDay(z).toInstant().toEpochMilli());
         today = t;
      }
      return t;
   }

   /** The day number of an instant in the gateway's zone (no window: see {@link TrafficCounters#dayOf}). */
   int dayNumber(long epochMillis, ZoneId z) {
      return TrafficCounters.dayNumber(Instant.ofEpochMilli(epochMillis).atZone(z).toLocalDate());
   }
}
