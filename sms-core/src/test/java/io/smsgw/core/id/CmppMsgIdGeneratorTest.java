package io.smsgw.core.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

class CmppMsgIdGeneratorTest {

   private static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
   private static final Instant NOV_26_134530 = LocalDateTime.of(2025, 11, 26, 13, 45, 30).atZone(BEIJING).toInstant();

   private final SettableClock clock = new SettableClock(NOV_26_134530, BEIJING);
   private final CmppMsgIdGenerator generator = new CmppMsgIdGenerator(1001, clock);

   @Test
   void producesTheSpecExampleAsSecondIdOfTheSecond() {
      assertEquals(0xBD36D78003E90000L, generator.next());
      assertEquals(0xBD36D78003E90001L, generator.next());
      assertEquals(1001, generator.gatewayCode());
   }

   @Test
   void fieldsAreTheClocksLocalTime() {
      CmppMsgIdGenerator utc = new CmppMsgIdGenerator(79101, clock.withZone(ZoneId.of("UTC")));
      assertEquals(new CmppMsgId(11, 26, 5, 45, 30, 79101, 0), CmppMsgId.decode(utc.next()));
   }

   @Test
   void sequenceRestartsWhenTheWallClockMovesOn() {
      generator.next();
      generator.next();
      clock.advance(Duration.ofMillis(1500));
      assertEquals(new CmppMsgId(11, 26, 13, 45, 31, 1001, 0), CmppMsgId.decode(generator.next()));
   }

   @Test
   void exhaustedSequenceMovesToTheNextSecond() {
      long last = 0;
      for (int i = 0; i <= CmppMsgId.MAX_SEQUENCE; i++) {
         last = generator.next();
      }
      assertEquals(new CmppMsgId(11, 26, 13, 45, 30, 1001, 0xFFFF), CmppMsgId.decode(last));
      assertEquals(new CmppMsgId(11, 26, 13, 45, 31, 1001, 0), CmppMsgId.decode(generator.next()));

      // the wall clock catching up to the logical second does not restart its sequence
      clock.advance(Duration.ofSeconds(1));
      assertEquals(new CmppMsgId(11, 26, 13, 45, 31, 1001, 1), CmppMsgId.decode(generator.next()));
   }

   @Test
   void logicalClockCarriesAcrossMinuteHourAndDay() {
      clock.set(LocalDateTime.of(2025, 12, 31, 23, 59, 59).atZone(BEIJING).toInstant());
      for (int i = 0; i <= CmppMsgId.MAX_SEQUENCE; i++) {
         generator.next();
      }
      assertEquals(new CmppMsgId(1, 1, 0, 0, 0, 1001, 0), CmppMsgId.decode(generator.next()));
   }

   @Test
   void wallClockGoingBackwardsNeverRepeatsAnId() {
      long before = generator.next();
      clock.advance(Duration.ofSeconds(-10));
      long after = generator.next();
      assertEquals(CmppMsgId.decode(before).second(), CmppMsgId.decode(after).second());
      assertEquals(CmppMsgId.decode(before).sequence() + 1, CmppMsgId.decode(after).sequence());
   }

   @Test
   void aRestartOneSecondLaterReusesNoId() {
      Set<Long> firstRun = new HashSet<>();
      for (int i = 0; i < 1000; i++) {
         firstRun.add(generator.next());
      }
      clock.advance(Duration.ofSeconds(1));
      CmppMsgIdGenerator restarted = new CmppMsgIdGenerator(1001, clock);
      for (int i = 0; i < 1000; i++) {
         long id = restarted.next();
         assertTrue(!firstRun.contains(id), () -> "reused " + CmppMsgId.toHex(id));
      }
   }

   @Test
   void blocksAreConsecutiveAndNeverStraddleASecond() {
      long single = generator.next();
      long block = generator.nextBlock(3);
      assertEquals(single + 1, block);
      assertEquals(block + 3, generator.next(), "the block's ids are reserved");

      for (int i = 0; i < 0xFFFF - 5; i++) {
         generator.next(); // leaves sequence 0xFFFE as the last one used
      }
      long straddling = generator.nextBlock(3);
      CmppMsgId first = CmppMsgId.decode(straddling);
      assertEquals(31, first.second());
      assertEquals(0, first.sequence());
      assertEquals(new CmppMsgId(11, 26, 13, 45, 31, 1001, 2), CmppMsgId.decode(straddling + 2));
      assertThrows(IllegalArgumentException.class, () -> generator.nextBlock(0));
      assertThrows(IllegalArgumentException.class, () -> generator.nextBlock(65537));
   }

   @Test
   void concurrentCallersNeverGetTheSameId() throws Exception {
      int threads = 8;
      int perThread = 40_000; // 320,000 ids: several logical seconds ahead of the frozen clock
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
         CountDownLatch start = new CountDownLatch(1);
         List<Future<long[]>> results = new ArrayList<>();
         for (int t = 0; t < threads; t++) {
            Callable<long[]> task = () -> {
               start.await();
               long[] ids = new long[perThread];
               for (int i = 0; i < perThread; i += 10) {
                  for (int k = 0; k < 8; k++) {
                     ids[i + k] = generator.next();
                  }
                  long block = generator.nextBlock(2); // group sends interleave with single submits
                  ids[i + 8] = block;
                  ids[i + 9] = block + 1;
               }
               return ids;
            };
            results.add(pool.submit(task));
         }
         start.countDown();
         Set<Long> seen = new HashSet<>();
         for (Future<long[]> result : results) {
            for (long id : result.get()) {
               assertTrue(seen.add(id), () -> "duplicate " + CmppMsgId.toHex(id));
            }
         }
         assertEquals(threads * perThread, seen.size());
      } finally {
         pool.shutdownNow();
      }
   }

   @Test
   void gatewayCodeMustFitTwentyTwoBits() {
      assertThrows(IllegalArgumentException.class, () -> new CmppMsgIdGenerator(-1, clock));
      assertThrows(IllegalArgumentException.class, () -> new CmppMsgIdGenerator(1 << 22, clock));
      assertEquals(CmppMsgId.MAX_GATEWAY_CODE, new CmppMsgIdGenerator(CmppMsgId.MAX_GATEWAY_CODE, clock).gatewayCode());
   }
}
