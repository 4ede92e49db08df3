package io.smsgw.core.id;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** A test clock that only moves when told to. */
final class SettableClock extends Clock {

   private final ZoneId zone;
   private volatile Instant now;

   SettableClock(Instant start, ZoneId zone) {
      this.now = start;
      this.zone = zone;
   }

   void advance(Duration step) {
      now = now.plus(step);
   }

   void set(Instant instant) {
      now = instant;
   }

   @Override
   public ZoneId getZone() {
      return zone;
   }

   @Override
   public Clock withZone(ZoneId newZone) {
      return new SettableClock(now, newZone);
   }

   @Override
   public Instant instant() {
      return now;
   }
}
