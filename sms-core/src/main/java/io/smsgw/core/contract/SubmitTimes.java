package io.smsgw.core.contract;

/**
 * What an MT's {@code smsSubmitTime} may be (docs/message-contract.md): epoch milliseconds, as a number or as numeric
 * text (the links read both), from 2000-01-01 (UTC) to a day ahead of this broker's clock (other clocks differ).
 * Anything else is a time in another unit, which reports, receipts and CMPP QUERY's days would carry as a date
 * nobody meant (seconds fall in January 1970, microseconds and nanoseconds thousands of years ahead), or no time.
 */
public final class SubmitTimes {

   /** 2000-01-01T00:00Z in epoch milliseconds. */
   public static final long EARLIEST = 946_684_800_000L;
   /** How far ahead of this broker's clock a submit time may be. */
   public static final long MAX_AHEAD_MILLIS = 24L * 60 * 60 * 1000;

   private SubmitTimes() {
   }

   /** Whether {@code value} (not null) is a submit time in epoch milliseconds, given the time now. */
   public static boolean acceptable(Object value, long now) {
      long millis;
      if (value instanceof Number n) {
         millis = n.longValue();
      } else {
         try {
            millis = Long.parseLong(value.toString().trim());
         } catch (NumberFormatException e) {
            return false;
         }
      }
      return millis >= EARLIEST && millis <= now + MAX_AHEAD_MILLIS;
   }
}
