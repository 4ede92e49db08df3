package io.smsgw.core.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted gateway whose wall clock went back (NTP step, a host restored with a wrong clock) issues none of the ids
 * of its previous run: the generators start after the high-water mark the previous run left in its file. Before the
 * mark, a generator restarted at T-30 s issued again the ids of T-30 s .. T.
 */
class IdRestartTest {

   private static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
   private static final Instant T = Instant.parse("2026-11-28T04:00:00Z");

   @TempDir
   Path dir;

   @Test
   void aRestartedMsgIdGeneratorWithItsClockThirtySecondsBackRepeatsNoId() {
      Path file = dir.resolve("msg-id.mark");
      SettableClock clock = new SettableClock(T.minusSeconds(30), BEIJING);
      CmppMsgIdGenerator first = new CmppMsgIdGenerator(1001, clock, IdMark.open(file));
      Set<Long> issued = new HashSet<>();
      long last = 0;
      for (int second = 0; second <= 30; second++) { // T-30 s .. T, 100 ids a second
         for (int i = 0; i < 100; i++) {
            last = first.next();
            issued.add(last);
         }
         clock.advance(Duration.ofSeconds(1));
      }
      assertEquals(new CmppMsgId(11, 28, 12, 0, 0, 1001, 99), CmppMsgId.decode(last), "the last id, at T");

      long lastBefore = last;
      clock.set(T.minusSeconds(30));
      CmppMsgIdGenerator restarted = new CmppMsgIdGenerator(1001, clock, IdMark.open(file));
      for (int i = 0; i < 3100; i++) {
         long id = restarted.next();
         assertFalse(issued.contains(id), () -> "reused " + CmppMsgId.toHex(id));
         assertTrue(Long.compareUnsigned(id, lastBefore) > 0, () -> CmppMsgId.decode(id) + " is not after " + CmppMsgId.decode(lastBefore));
      }
   }

   @Test
   void aRestartedShortIdGeneratorWithItsClockThirtySecondsBackRepeatsNoId() {
      Path file = dir.resolve("short-id.mark");
      SettableClock clock = new SettableClock(T.minusSeconds(30), BEIJING);
      ShortMessageIdGenerator first = new ShortMessageIdGenerator(clock, IdMark.open(file));
      Set<Integer> issued = new HashSet<>();
      for (int second = 0; second <= 30; second++) {
         for (int i = 0; i < 100; i++) {
            issued.add(first.next());
         }
         clock.advance(Duration.ofSeconds(1));
      }

      clock.set(T.minusSeconds(30));
      ShortMessageIdGenerator restarted = new ShortMessageIdGenerator(clock, IdMark.open(file));
      for (int i = 0; i < 3100; i++) {
         int id = restarted.next();
         assertFalse(issued.contains(id), () -> "reused " + ShortMessageIdGenerator.toHex(id));
         assertTrue(ShortMessageIdGenerator.secondsOf(id) > (int) (T.getEpochSecond() & ((1 << 18) - 1)),
                    () -> ShortMessageIdGenerator.toHex(id) + " is not after T");
      }
   }

   @Test
   void theMarkIsWrittenOncePerBlockNotPerId() throws Exception {
      Path file = dir.resolve("msg-id.mark");
      SettableClock clock = new SettableClock(T, ZoneId.of("UTC"));
      CmppMsgIdGenerator generator = new CmppMsgIdGenerator(1001, clock, IdMark.open(file));
      generator.next();
      long reserved = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
      assertEquals(T.getEpochSecond() + IdMark.BLOCK_SECONDS, reserved, "a block reserved ahead of the first id");
      long modified = Files.getLastModifiedTime(file).toMillis();
      for (int i = 0; i < 10_000; i++) {
         generator.next();
      }
      assertEquals(reserved, Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()),
                   "10,000 ids inside the block: not written again");
      assertEquals(modified, Files.getLastModifiedTime(file).toMillis());
   }
}
