package io.smsgw.cmpp.codec;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CMPP time values. CONNECT's Timestamp is the decimal number MMDDHHMMSS sent as a u32 (e.g.
 * 10-21 08:05:10 is 1021080510), and it is hashed as its 10-digit zero-padded text. Status reports
 * carry times as "YYMMDDHHMM" text.
 */
public final class CmppTimestamp {

    private static final long MAX = 9_999_999_999L;
    /**
     * How far ahead of the clock {@link #forConnect} goes to give a CONNECT a Timestamp of its own; past it, it
     * takes the clock's second again. Room for a burst of 300 connections of one SP (the benchmarks open 200), and a
     * third of the gateway's default {@code cmppConnectTimeSkew}, leaving the rest for the two clocks' difference.
     */
    public static final long MAX_CONNECT_LEAD_SECONDS = 300;
    /** The last CONNECT Timestamp {@link #forConnect} gave each Source_Addr, in epoch seconds. */
    private static final ConcurrentHashMap<String, Long> LAST_CONNECT_SECOND = new ConcurrentHashMap<>();

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
     * The Timestamp for a new CONNECT from {@code sourceAddr}: the clock's current second, or one second after the
     * last one this method gave {@code sourceAddr} if that is later (at most {@value #MAX_CONNECT_LEAD_SECONDS} s
     * ahead). A gateway refuses a second CONNECT with the same Source_Addr, Timestamp and AuthenticatorSource as a
     * replay, and the authenticator depends on nothing else, so connections a client opens in the same second
     * need Timestamps of their own.
     */
    public static long forConnect(Clock clock, String sourceAddr) {
        long now = clock.instant().getEpochSecond();
        long second = LAST_CONNECT_SECOND.merge(sourceAddr, now, (last, current) -> {
            long next = Math.max(last + 1, current);
            return next - current > MAX_CONNECT_LEAD_SECONDS ? current : next;
        });
        return of(LocalDateTime.ofInstant(Instant.ofEpochSecond(second), clock.getZone()));
    }

    /**
     * The instant (epoch second) a CONNECT Timestamp names, read in {@code clock}'s zone in whichever year
     * (the clock's, the one before or the one after) puts it nearest the clock's current time: 1231235959
     * received at 01-01 00:00:01 is two seconds old, not a year ahead. Where a wall-clock time exists twice (the
     * end of daylight saving time) the nearer one counts. Empty when the value names no time (month 13, day
     * 31 of a 30-day month, February 29 with no leap year among the three).
     */
    public static OptionalLong epochSecond(long timestamp, Clock clock) {
        return epochSecond(timestamp, clock.instant(), clock.getZone());
    }

    /** As {@link #epochSecond(long, Clock)}, the clock given as its current instant and a zone. */
    public static OptionalLong epochSecond(long timestamp, Instant nowInstant, ZoneId zone) {
        if (!isValid(timestamp)) {
            return OptionalLong.empty();
        }
        int month = (int) (timestamp / 100_000_000L);
        int day = (int) (timestamp / 1_000_000L % 100);
        int hour = (int) (timestamp / 10_000L % 100);
        int minute = (int) (timestamp / 100 % 100);
        int second = (int) (timestamp % 100);
        long now = nowInstant.getEpochSecond();
        int year = LocalDateTime.ofInstant(nowInstant, zone).getYear();
        long best = Long.MIN_VALUE;
        for (int y = year - 1; y <= year + 1; y++) {
            LocalDateTime local;
            try {
                local = LocalDateTime.of(y, month, day, hour, minute, second);
            } catch (DateTimeException e) {
                continue; // e.g. 02-29 in a common year
            }
            List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
            if (offsets.isEmpty()) {
                // In a gap (clocks put forward): shifted as ZonedDateTime does.
                best = nearer(best, local.atZone(zone).toEpochSecond(), now);
            }
            for (ZoneOffset offset : offsets) {
                best = nearer(best, local.toEpochSecond(offset), now);
            }
        }
        return best == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(best);
    }

    private static long nearer(long best, long candidate, long now) {
        return best == Long.MIN_VALUE || Math.abs(candidate - now) < Math.abs(best - now) ? candidate : best;
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
