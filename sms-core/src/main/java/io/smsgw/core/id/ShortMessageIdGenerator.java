package io.smsgw.core.id;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues 32-bit message ids for SMPP 3.3 sessions, whose message_id may hold at most 8 characters
 * (and which most 3.3 peers expect in hex). Layout: 18 bits of epoch seconds, modulo 2^18, then a
 * 14-bit sequence. Thread-safe and lock-free; same logical-clock rule as {@link CmppMsgIdGenerator}:
 * the sequence restarts each wall-clock second, and after 16,384 ids in one second the next id
 * carries into the following second, running ahead of the wall clock.
 *
 * <p>Uniqueness window: the seconds field wraps every 2^18 s (72 h 49 min), so within one process
 * no id repeats among ids issued less than 72 hours (of logical time) apart; a receipt for a
 * 3.3 session must therefore arrive within three days to correlate unambiguously. A restarted
 * process reuses no id of an earlier run within that window unless the earlier run had run ahead
 * of the wall clock (more than 16,384 ids/s sustained). Two generators (e.g. cluster nodes) can collide.
 */
public final class ShortMessageIdGenerator {

   private static final int SEQUENCE_BITS = 14;
   /** Exact width of the text form. */
   public static final int HEX_LENGTH = 8;

   private final Clock clock;
   private final AtomicLong state = new AtomicLong();

   public ShortMessageIdGenerator(Clock clock) {
      this.clock = clock;
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
      // the low 32 bits of (second << 14 | sequence) are (second mod 2^18) << 14 | sequence
      return (int) candidate;
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
