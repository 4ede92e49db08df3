package io.smsgw.core.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.smsgw.core.config.AccessProtocol;
import io.smsgw.core.config.Account;
import org.junit.jupiter.api.Test;

class DailyQuotasTest {

   private static Account withQuota(int quota) {
      return new Account("sp", "pw", EnumSet.of(AccessProtocol.CMPP), 1, List.of(), Set.of(), 0, List.of(), quota, List.of());
   }

   private static final class MovableClock extends Clock {
      Instant now = Instant.parse("2026-11-26T10:00:00Z");

      @Override
      public ZoneId getZone() {
         return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
         return this;
      }

      @Override
      public Instant instant() {
         return now;
      }
   }

   @Test
   void aGroupSendThatWouldExceedTheQuotaTakesNothingAndTheQuotaRenewsDaily() {
      MovableClock clock = new MovableClock();
      DailyQuotas quotas = new DailyQuotas(clock);
      Account account = withQuota(5);
      assertTrue(quotas.tryConsume(account, 3));
      assertFalse(quotas.tryConsume(account, 3), "3 + 3 > 5");
      assertTrue(quotas.tryConsume(account, 2));
      assertFalse(quotas.tryConsume(account, 1));
      clock.now = Instant.parse("2026-11-27T00:00:01Z");
      assertTrue(quotas.tryConsume(account, 5), "a new day");
   }

   @Test
   void whatARefusedSubmitTookIsGivenBackOnTheSameDayOnly() {
      MovableClock clock = new MovableClock();
      DailyQuotas quotas = new DailyQuotas(clock);
      Account account = withQuota(2);
      assertTrue(quotas.tryConsume(account, 2));
      quotas.release(account, 1);
      assertTrue(quotas.tryConsume(account, 1), "the released one is free again");
      assertFalse(quotas.tryConsume(account, 1));
      clock.now = Instant.parse("2026-11-27T00:00:01Z");
      quotas.release(account, 2);
      assertTrue(quotas.tryConsume(account, 2), "a new day starts at 0, not below");
      assertFalse(quotas.tryConsume(account, 1), "a release from yesterday does not raise today's quota");
   }

   @Test
   void zeroMeansNoQuota() {
      DailyQuotas quotas = new DailyQuotas();
      assertTrue(quotas.tryConsume(withQuota(0), 1_000_000));
   }
}
