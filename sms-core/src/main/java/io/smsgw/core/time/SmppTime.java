package io.smsgw.core.time;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * SMPP time fields (schedule_delivery_time, validity_period; also CMPP ValId_Time and At_Time): absolute {@code YYMMDDhhmmsstnnp} with a
 * quarter-hour UTC offset, or relative {@code YYMMDDhhmmss000R}. Converted to absolute epoch millis.
 */
public final class SmppTime {

   /** Returned for an empty field: "immediately" / "SMSC default". */
   public static final long NONE = 0;
   /** Returned for a field that cannot be parsed. */
   public static final long INVALID = -1;

   private SmppTime() {
   }

   public static long toEpochMillis(String field, long nowMillis) {
      if (field == null || field.isEmpty()) {
         return NONE;
      }
      if (field.length() != 16) {
         return INVALID;
      }
      for (int i = 0; i < 15; i++) {
         char c = field.charAt(i);
         if (c < '0' || c > '9') {
            return INVALID;
         }
      }
      int yy = two(field, 0);
      int mm = two(field, 2);
      int dd = two(field, 4);
      int hh = two(field, 6);
      int mi = two(field, 8);
      int ss = two(field, 10);
      int tenths = field.charAt(12) - '0';
      int quarters = two(field, 13);
      char p = field.charAt(15);
      try {
         if (p == 'R') {
            // Relative: years and months are approximated the way SMSCs do, from now.
            LocalDateTime base = LocalDateTime.ofEpochSecond(nowMillis / 1000, 0, ZoneOffset.UTC);
            LocalDateTime at = base.plusYears(yy).plusMonths(mm).plusDays(dd).plusHours(hh).plusMinutes(mi).plusSeconds(ss);
            return at.toEpochSecond(ZoneOffset.UTC) * 1000 + nowMillis % 1000;
         }
         if ((p != '+' && p != '-') || quarters > 48) {
            return INVALID;
         }
         int year = yy < 38 ? 2000 + yy : 1900 + yy;
         LocalDateTime local = LocalDateTime.of(year, mm, dd, hh, mi, ss, tenths * 100_000_000);
         int offsetSeconds = (int) Duration.ofMinutes(15L * quarters).getSeconds() * (p == '+' ? 1 : -1);
         return local.toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds)).toEpochMilli();
      } catch (RuntimeException e) {
         return INVALID;
      }
   }

   /** An absolute SMPP time in UTC, {@code YYMMDDhhmmsst00+}; empty for 0 (none). */
   public static String formatAbsolute(long epochMillis) {
      if (epochMillis <= 0) {
         return "";
      }
      LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC);
      char[] out = new char[16];
      put(out, 0, t.getYear() % 100);
      put(out, 2, t.getMonthValue());
      put(out, 4, t.getDayOfMonth());
      put(out, 6, t.getHour());
      put(out, 8, t.getMinute());
      put(out, 10, t.getSecond());
      out[12] = (char) ('0' + (int) (Math.floorMod(epochMillis, 1000) / 100));
      out[13] = '0';
      out[14] = '0';
      out[15] = '+';
      return new String(out);
   }

   private static void put(char[] out, int at, int value) {
      out[at] = (char) ('0' + value / 10);
      out[at + 1] = (char) ('0' + value % 10);
   }

   private static int two(String s, int at) {
      return (s.charAt(at) - '0') * 10 + (s.charAt(at + 1) - '0');
   }
}
