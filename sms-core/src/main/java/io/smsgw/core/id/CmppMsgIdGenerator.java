package io.smsgw.core.id;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues CMPP Msg_Ids ({@link CmppMsgId} layout) for one gateway code. Thread-safe and lock-free.
 *
 * <p>The generator runs a logical clock: its whole state is one {@code AtomicLong} holding
 * {@code localSecond << 16 | sequence}, where a local second is an epoch second shifted by the zone's standard
 * offset (the time written into the ids). Each id takes the larger of "previous state + 1" and "current wall-clock
 * second, sequence 0". So the sequence restarts with every new wall-clock second, and when 65,536 ids have been
 * issued within one second the next id simply carries into the following second, running ahead of the wall clock
 * until the wall clock catches up. State never goes backwards, even when the wall clock does: ids are issued
 * increasing and never repeat within a process.
 *
 * <p>Across restarts an {@link IdMark} keeps the logical clock's high-water mark in a file: a restarted generator
 * issues its first id after the last second the previous run could have used, even with the wall clock set back.
 *
 * <p>The time fields are written in the clock zone's <em>standard</em> offset (for Asia/Shanghai +08:00; for a zone
 * with daylight saving time its winter offset all year): a zone's offset that jumps back at the end of summer time
 * would write the repeated hour's ids again (docs/decisions.md, "Message ids survive restarts and clocks going back").
 *
 * <p>Limits, by construction of the Msg_Id format:
 * <ul>
 *   <li>The id has no year: ids repeat after a year.</li>
 *   <li>Two generators with the same gateway code (e.g. two cluster nodes) can collide.</li>
 * </ul>
 */
public final class CmppMsgIdGenerator {

   private static final int SEQUENCE_BITS = 16;
   private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;

   private final Clock clock;
   private final long gatewayBits;
   private final IdMark mark;
   private final AtomicLong state;
   /** The clock zone's standard offset, computed once per zone. */
   private volatile Offset offset = new Offset(null, 0);
   /** Time fields of the last second used; recomputed at most once per second. */
   private volatile TimeBits lastTime = new TimeBits(Long.MIN_VALUE, 0);

   /**
    * @param gatewayCode the 6-digit ISMG code as a number ("001001" → 1001), 0..4194303
    * @param clock       wall clock; its zone's standard offset gives the local time written into ids (its zone is
    *                    read again for each id, so a clock whose zone is set later, GatewayClock's, is followed)
    * @param mark        the high-water mark the first id comes after, extended as ids are issued
    */
   public CmppMsgIdGenerator(int gatewayCode, Clock clock, IdMark mark) {
      if (gatewayCode < 0 || gatewayCode > CmppMsgId.MAX_GATEWAY_CODE) {
         throw new IllegalArgumentException("gateway code must be 0.." + CmppMsgId.MAX_GATEWAY_CODE + ", got " + gatewayCode);
      }
      this.clock = clock;
      this.gatewayBits = (long) gatewayCode << CmppMsgId.GATEWAY_SHIFT;
      this.mark = mark;
      long after = mark.startedAfter();
      this.state = new AtomicLong(after < 0 ? 0 : ((after + 1) << SEQUENCE_BITS) - 1);
   }

   /** State in memory only (see {@link IdMark#inMemory()}). */
   public CmppMsgIdGenerator(int gatewayCode, Clock clock) {
      this(gatewayCode, clock, IdMark.inMemory());
   }

   /** Uses the system clock in the JVM's default time zone (its standard offset), state in memory only. */
   public CmppMsgIdGenerator(int gatewayCode) {
      this(gatewayCode, Clock.systemDefaultZone());
   }

   public int gatewayCode() {
      return (int) (gatewayBits >>> CmppMsgId.GATEWAY_SHIFT);
   }

   /** The next Msg_Id. */
   public long next() {
      long wallClock = wallClockState();
      long current;
      long candidate;
      do {
         current = state.get();
         candidate = Math.max(current + 1, wallClock);
      } while (!state.compareAndSet(current, candidate));
      mark.issuing(candidate >>> SEQUENCE_BITS);
      return compose(candidate);
   }

   /**
    * Reserves {@code count} consecutive Msg_Ids for a group send (one SUBMIT to several
    * recipients answered with one id standing for id, id+1, ..., id+count-1). All of them share
    * one second, so plain addition on the returned value yields the others.
    *
    * @param count 1..65536
    * @return the first id of the block
    */
   public long nextBlock(int count) {
      if (count < 1 || count > SEQUENCE_MASK + 1) {
         throw new IllegalArgumentException("count must be 1.." + (SEQUENCE_MASK + 1) + ", got " + count);
      }
      long wallClock = wallClockState();
      long current;
      long first;
      do {
         current = state.get();
         first = Math.max(current + 1, wallClock);
         if ((first & SEQUENCE_MASK) + count > SEQUENCE_MASK + 1) {
            first = ((first >>> SEQUENCE_BITS) + 1) << SEQUENCE_BITS; // would wrap: start the next second
         }
      } while (!state.compareAndSet(current, first + count - 1));
      mark.issuing(first >>> SEQUENCE_BITS);
      return compose(first);
   }

   /**
    * Keeps the mark a block ahead of the logical clock (the runtime's keeper task, off the issuing threads): the
    * issuing threads then find their second reserved and never wait for the file.
    */
   public void keepAhead() {
      long second = Math.max(state.get(), wallClockState()) >>> SEQUENCE_BITS;
      if (second > mark.reservedThrough() - IdMark.BLOCK_SECONDS / 2) {
         mark.reserveThrough(second + IdMark.BLOCK_SECONDS);
      }
   }

   private long wallClockState() {
      long millis = clock.millis();
      return (Math.floorDiv(millis, 1000L) + offsetSeconds(millis)) << SEQUENCE_BITS;
   }

   /** The standard offset of the clock's zone: no daylight saving time, so it never jumps back in autumn. */
   private long offsetSeconds(long millis) {
      ZoneId zone = clock.getZone();
      Offset cached = offset;
      if (cached.zone != zone) {
         cached = new Offset(zone, zone.getRules().getStandardOffset(Instant.ofEpochMilli(millis)).getTotalSeconds());
         offset = cached;
      }
      return cached.seconds;
   }

   private long compose(long logicalState) {
      return timeBits(logicalState >>> SEQUENCE_BITS) | gatewayBits | (logicalState & SEQUENCE_MASK);
   }

   private long timeBits(long localSecond) {
      TimeBits cached = lastTime;
      if (cached.epochSecond == localSecond) {
         return cached.bits;
      }
      LocalDateTime local = LocalDateTime.ofEpochSecond(localSecond, 0, ZoneOffset.UTC);
      long bits = (long) local.getMonthValue() << CmppMsgId.MONTH_SHIFT
         | (long) local.getDayOfMonth() << CmppMsgId.DAY_SHIFT
         | (long) local.getHour() << CmppMsgId.HOUR_SHIFT
         | (long) local.getMinute() << CmppMsgId.MINUTE_SHIFT
         | (long) local.getSecond() << CmppMsgId.SECOND_SHIFT;
      lastTime = new TimeBits(localSecond, bits);
      return bits;
   }

   /** {@code epochSecond} here is the local second the bits were computed for. */
   private record TimeBits(long epochSecond, long bits) {
   }

   private record Offset(ZoneId zone, long seconds) {
   }
}
