package io.smsgw.core.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

class ShortMessageIdGeneratorTest {

   private static final long START_SECOND = 1_764_135_930L; // 2025-11-26T05:45:30Z
   private final SettableClock clock = new SettableClock(Instant.ofEpochSecond(START_SECOND), ZoneOffset.UTC);
   private final ShortMessageIdGenerator generator = new ShortMessageIdGenerator(clock);

   @Test
   void idIsSecondsModuloTwoToTheEighteenThenSequence() {
      int id = generator.next();
      assertEquals((int) (START_SECOND % (1 << 18)), ShortMessageIdGenerator.secondsOf(id));
      assertEquals(0, ShortMessageIdGenerator.sequenceOf(id));
      assertEquals(1, ShortMessageIdGenerator.sequenceOf(generator.next()));
   }

   @Test
   void hexFormIsAlwaysEightLowerCaseDigits() {
      assertEquals("00000000", ShortMessageIdGenerator.toHex(0));
      assertEquals("0001abcd", ShortMessageIdGenerator.toHex(0x1ABCD));
      assertEquals("ffffffff", ShortMessageIdGenerator.toHex(-1));
      assertEquals(8, generator.nextHex().length());
      int id = generator.next();
      assertEquals(id, Integer.parseUnsignedInt(ShortMessageIdGenerator.toHex(id), 16));
   }

   @Test
   void exhaustedSequenceMovesToTheNextSecond() {
      int last = 0;
      for (int i = 0; i < 1 << 14; i++) {
         last = generator.next();
      }
      assertEquals((1 << 14) - 1, ShortMessageIdGenerator.sequenceOf(last));
      int next = generator.next();
      assertEquals(ShortMessageIdGenerator.secondsOf(last) + 1, ShortMessageIdGenerator.secondsOf(next));
      assertEquals(0, ShortMessageIdGenerator.sequenceOf(next));
   }

   @Test
   void secondsFieldWrapsAfterAboutThreeDays() {
      clock.set(Instant.ofEpochSecond((START_SECOND / (1 << 18) + 1) * (1 << 18) - 1)); // last second before a wrap
      int beforeWrap = generator.next();
      assertEquals((1 << 18) - 1, ShortMessageIdGenerator.secondsOf(beforeWrap));
      clock.advance(Duration.ofSeconds(1));
      assertEquals(0, ShortMessageIdGenerator.secondsOf(generator.next()));
   }

   @Test
   void idsAreUniqueWithinTheWindow() {
      Set<Integer> seen = new HashSet<>();
      for (int step = 0; step < 200; step++) {
         for (int i = 0; i < 100; i++) {
            assertTrue(seen.add(generator.next()));
         }
         clock.advance(Duration.ofMinutes(21)); // 200 steps of 21 min = 70 h, inside the 72.8 h window
      }
   }

   @Test
   void concurrentCallersNeverGetTheSameId() throws Exception {
      int threads = 6;
      int perThread = 30_000;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
         CountDownLatch start = new CountDownLatch(1);
         List<Future<int[]>> results = new ArrayList<>();
         for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
               start.await();
               int[] ids = new int[perThread];
               for (int i = 0; i < perThread; i++) {
                  ids[i] = generator.next();
               }
               return ids;
            }));
         }
         start.countDown();
         Set<Integer> seen = new HashSet<>();
         for (Future<int[]> result : results) {
            for (int id : result.get()) {
               assertTrue(seen.add(id), () -> "duplicate " + ShortMessageIdGenerator.toHex(id));
            }
         }
         assertEquals(threads * perThread, seen.size());
      } finally {
         pool.shutdownNow();
      }
   }
}
