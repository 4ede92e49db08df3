package io.smsgw.cmpp.gns;

import java.time.Clock;
import java.time.LocalDateTime;

/**
 * The Time_stamp of GNS messages: 14 digits "yyyymmddhhmmss" in the tandem's local time. A route carries the
 * time of its last change; a gateway refuses a pushed change older than the route it holds.
 */
public final class GnsTimestamp {

   public static final int LENGTH = 14;

   private GnsTimestamp() {
   }

   /** The current time of {@code clock} (in the clock's zone). */
   public static String now(Clock clock) {
      return of(LocalDateTime.now(clock));
   }

   public static String of(LocalDateTime time) {
      char[] text = new char[LENGTH];
      int year = time.getYear();
      text[0] = (char) ('0' + year / 1000 % 10);
      text[1] = (char) ('0' + year / 100 % 10);
      twoDigits(text, 2, year % 100);
      twoDigits(text, 4, time.getMonthValue());
      twoDigits(text, 6, time.getDayOfMonth());
      twoDigits(text, 8, time.getHour());
      twoDigits(text, 10, time.getMinute());
      twoDigits(text, 12, time.getSecond());
      return new String(text);
   }

   /** Whether {@code text} is 14 digits (the calendar is not checked: it is only ever compared). */
   public static boolean isValid(String text) {
      if (text.length() != LENGTH) {
         return false;
      }
      for (int i = 0; i < LENGTH; i++) {
         if (text.charAt(i) < '0' || text.charAt(i) > '9') {
            return false;
         }
      }
      return true;
   }

   /** Whether valid timestamp {@code a} is strictly older than valid timestamp {@code b}. */
   public static boolean isOlder(String a, String b) {
      return a.compareTo(b) < 0;
   }

   private static void twoDigits(char[] text, int at, int value) {
      text[at] = (char) ('0' + value / 10);
      text[at + 1] = (char) ('0' + value % 10);
   }
}
