package io.smsgw.core.id;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues CMPP Msg_Ids ({@link CmppMsgId} layout) for one gateway code. Thread-safe and lock-free.
 *
 * <p>The generator runs a logical clock: its whole state is one {@code AtomicLong} holding
 * {@code epochSecond << 16 | sequence}. Each id takes the larger of "previous state + 1" and
 * "current wall-clock second, sequence 0". So the sequence restarts with every new wall-clock
 * second, and when 65,536 ids have been issued within one second the next id simply carries into
 * the following second, running ahead of the wall clock until the wall clock catches up. State
 * never goes backwards, even when the wall clock does, so ids never repeat within a process.
 *
 * <p>Limits, by construction of the Msg_Id format:
 * <ul>
 *   <li>A restarted process starts again at wall-clock time. It cannot reuse an id of an earlier
 *       run unless that run had run ahead of the wall clock (sustained more than 65,536 ids/s) and
 *       the restart happened before the wall clock caught up, or the system clock was set back.</li>
 *   <li>The id has no year: ids repeat after a year.</li>
 *   <li>Fields use the clock's time zone. In a zone with daylight saving time the repeated hour
 *       at the end of summer time repeats ids; use a fixed-offset zone (China: Asia/Shanghai).</li>
 *   <li>Two generators with the same gateway code (e.g. two cluster nodes) can collide.</li>
 * </ul>
 */
public final class CmppMsgIdGenerator {

   private static final int SEQUENCE_BITS = 16;
   private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;

   private final Clock clock;
   private final long gatewayBits;
   private final AtomicLong state = new AtomicLong();
   /** Time fields of the last second used; recomputed at most once per second. */
   private volatile TimeBits lastTime = new TimeBits(Long.MIN_VALUE, 0);

   /**
    * @param gatewayCode the 6-digit ISMG code as a number ("001001" → 1001), 0..4194303
    * @param clock       wall clock; its zone gives the local time written into ids
    */
   public CmppMsgIdGenerator(int gatewayCode, Clock clock) {
      if (gatewayCode < 0 || gatewayCode > CmppMsgId.MAX_GATEWAY_CODE) {
         throw new IllegalArgumentException("gateway code must be 0.." + CmppMsgId.MAX_GATEWAY_CODE + ", got " + gatewayCode);
      }
      this.clock = clock;
      this.gatewayBits = (long) gatewayCode << CmppMsgId.GATEWAY_SHIFT;
   }

   /** Uses the system clock in the JVM's default time zone. */
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
      return compose(first);
   }

   private long wallClockState() {
      return Math.floorDiv(clock.millis(), 1000L) << SEQUENCE_BITS;
   }

   private long compose(long logicalState) {
      return timeBits(logicalState >>> SEQUENCE_BITS) | gatewayBits | (logicalState & SEQUENCE_MASK);
   }

   private long timeBits(long epochSecond) {
      TimeBits cached = lastTime;
      if (cached.epochSecond == epochSecond) {
         return cached.bits;
      }
      ZoneOffset offset = clock.getZone().getRules().getOffset(Instant.ofEpochSecond(epochSecond));
      LocalDateTime local = LocalDateTime.ofEpochSecond(epochSecond, 0, offset);
      long bits = (long) local.getMonthValue() << CmppMsgId.MONTH_SHIFT
         | (long) local.getDayOfMonth() << CmppMsgId.DAY_SHIFT
         | (long) local.getHour() << CmppMsgId.HOUR_SHIFT
         | (long) local.getMinute() << CmppMsgId.MINUTE_SHIFT
         | (long) local.getSecond() << CmppMsgId.SECOND_SHIFT;
      lastTime = new TimeBits(epochSecond, bits);
      return bits;
   }

   private record TimeBits(long epochSecond, long bits) {
   }
}
