package io.smsgw.cmpp.codec;

import java.time.Clock;
import java.time.LocalDateTime;

/**
 * CMPP time values. CONNECT's Timestamp is the decimal number MMDDHHMMSS sent as a u32 (e.g.
 * 10-21 08:05:10 is 1021080510), and it is hashed as its 10-digit zero-padded text. Status reports
 * carry times as "YYMMDDHHMM" text.
 */
public final class CmppTimestamp {

    private static final long MAX = 9_999_999_999L;

    private CmppTimestamp() {
    }

    /** The MMDDHHMMSS value of {@code time}. */
    public static long of(LocalDateTime time) {
        return time.getMonthValue() * 100_000_000L + time.getDayOfMonth() * 1_000_000L + time.getHour() * 10_000L
                + time.getMinute() * 100L + time.getSecond();
    }

    /** The MMDDHHMMSS value of the current time of {@code clock} (in the clock's zone). */
    public static long now(Clock clock) {
        return of(LocalDateTime.now(clock));
    }

    /**
     * The 10-digit zero-padded text of a timestamp, as hashed into AuthenticatorSource
     * (102030405 gives "0102030405").
     *
     * @throws IllegalArgumentException if the value is negative or over 10 digits
     */
    public static String toText(long timestamp) {
        if (timestamp < 0 || timestamp > MAX) {
            throw new IllegalArgumentException("timestamp " + timestamp + " is not a 10-digit MMDDHHMMSS value");
        }
        char[] digits = new char[10];
        long rest = timestamp;
        for (int i = 9; i >= 0; i--) {
            digits[i] = (char) ('0' + rest % 10);
            rest /= 10;
        }
        return new String(digits);
    }

    /** Whether the value reads as MMDDHHMMSS with month 1–12, day 1–31, hour < 24, minute and second < 60. */
    public static boolean isValid(long timestamp) {
        if (timestamp < 0 || timestamp > MAX) {
            return false;
        }
        long month = timestamp / 100_000_000L;
        long day = timestamp / 1_000_000L % 100;
        long hour = timestamp / 10_000L % 100;
        long minute = timestamp / 100 % 100;
        long second = timestamp % 100;
        return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 60;
    }

    /** The "YYMMDDHHMM" text of Submit_time / Done_time in a status report. */
    public static String reportTime(LocalDateTime time) {
        char[] text = new char[10];
        twoDigits(text, 0, time.getYear() % 100);
        twoDigits(text, 2, time.getMonthValue());
        twoDigits(text, 4, time.getDayOfMonth());
        twoDigits(text, 6, time.getHour());
        twoDigits(text, 8, time.getMinute());
        return new String(text);
    }

    private static void twoDigits(char[] text, int at, int value) {
        text[at] = (char) ('0' + value / 10);
        text[at + 1] = (char) ('0' + value % 10);
    }
}
