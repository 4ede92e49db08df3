package io.smsgw.core.id;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues 32-bit message ids for SMPP 3.3 sessions, whose message_id may hold at most 8 characters
 * (and which most 3.3 peers expect in hex). Layout: 18 bits of epoch seconds, modulo 2^18, then a
 * 14-bit sequence. Thread-safe and lock-free; same logical-clock rule as {@link CmppMsgIdGenerator}:
 * the sequence restarts each wall-clock second, and after 16,384 ids in one second the next id
 * carries into the following second, running ahead of the wall clock. The state never goes back when the wall clock
 * does, and an {@link IdMark} carries its high-water mark across restarts (a restarted generator issues its first id
 * after the last second the previous run could have used, whatever the wall clock says).
 *
 * <p>Uniqueness window: the seconds field wraps every 2^18 s (72 h 49 min), so within one process
 * no id repeats among ids issued less than 72 hours (of logical time) apart; a receipt for a
 * 3.3 session must therefore arrive within three days to correlate unambiguously. With a mark, a restarted
 * process reuses no id of an earlier run within that window. Two generators (e.g. cluster nodes) can collide.
 */
public final class ShortMessageIdGenerator {

   private static final int SEQUENCE_BITS = 14;
   /** Exact width of the text form. */
   public static final int HEX_LENGTH = 8;

   private final Clock clock;
   private final IdMark mark;
   private final AtomicLong state;

   /**
    * @param clock the wall clock (only its instants are used: the ids hold epoch seconds)
    * @param mark  the high-water mark (in epoch seconds) the first id comes after, extended as ids are issued
    */
   public ShortMessageIdGenerator(Clock clock, IdMark mark) {
      this.clock = clock;
      this.mark = mark;
      long after = mark.startedAfter();
      this.state = new AtomicLong(after < 0 ? 0 : ((after + 1) << SEQUENCE_BITS) - 1);
   }

   /** State in memory only (see {@link IdMark#inMemory()}). */
   public ShortMessageIdGenerator(Clock clock) {
      this(clock, IdMark.inMemory());
   }

   /** Uses the system clock. */
   public ShortMessageIdGenerator() {
      this(Clock.systemUTC());
   }

   /** The next id as a 32-bit value (read it as unsigned). */
   public int next() {
      long wallClock = Math.floorDiv(clock.millis(), 1000L) << SEQUENCE_BITS;
      long current;
      long candidate;
      do {
         current = state.get();
         candidate = Math.max(current + 1, wallClock);
      } while (!state.compareAndSet(current, candidate));
      mark.issuing(candidate >>> SEQUENCE_BITS);
      // the low 32 bits of (second << 14 | sequence) are (second mod 2^18) << 14 | sequence
      return (int) candidate;
   }

   /** Keeps the mark a block ahead of the logical clock (the runtime's keeper task, off the issuing threads). */
   public void keepAhead() {
      long second = Math.max(state.get() >>> SEQUENCE_BITS, Math.floorDiv(clock.millis(), 1000L));
      if (second > mark.reservedThrough() - IdMark.BLOCK_SECONDS / 2) {
         mark.reserveThrough(second + IdMark.BLOCK_SECONDS);
      }
   }

   /** The next id as exactly 8 lower-case hex digits. */
   public String nextHex() {
      return toHex(next());
   }

   /** Exactly 8 lower-case hex digits, e.g. {@code 0001abcd}. */
   public static String toHex(int id) {
      return HexIds.format(id, HEX_LENGTH);
   }

   /** The sequence part of an id. */
   public static int sequenceOf(int id) {
      return id & ((1 << SEQUENCE_BITS) - 1);
   }

   /** The seconds part of an id: epoch seconds modulo 2^18. */
   public static int secondsOf(int id) {
      return id >>> SEQUENCE_BITS;
   }
}
