package io.smsgw.smpp.server;

import io.smsgw.core.config.Account;
import io.smsgw.core.rate.RateLimiter;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.smpp.codec.SmppStatus;

/**
 * The account's limits on what a message's content adds upstream, in SMS parts: max-message-parts, max-submit-rate
 * and daily-quota. Shared by the submits (SmppSubmitHandler) and replace_sm (HeldMessages), so a held message cannot be
 * replaced by one its account could not have submitted (decision 109).
 */
final class SubmitLimits {

   private SubmitLimits() {
   }

   /** Whether a message of {@code parts} SMS parts is longer than the account allows (ESME_RINVMSGLEN). */
   static boolean tooManyParts(Account account, int parts) {
      return parts > account.maxMessageParts();
   }

   /**
    * Takes {@code parts} of the account's rate, then of today's quota, all or none: ESME_ROK, ESME_RTHROTTLED or
    * {@link SmppSubmitHandler#STATUS_DAILY_QUOTA_EXHAUSTED}; after a refusal nothing stays taken.
    */
   static int take(GatewayRuntime context, Account account, int parts) {
      RateLimiter limiter = context.submitLimiter(account);
      if (!limiter.tryAcquire(parts)) {
         return SmppStatus.ESME_RTHROTTLED;
      }
      if (!context.quotas().tryConsume(account, parts)) {
         limiter.release(parts);
         return SmppSubmitHandler.STATUS_DAILY_QUOTA_EXHAUSTED;
      }
      return SmppStatus.ESME_ROK;
   }

   /** Gives back what {@link #take} took for something that was then not stored: the ESME was told no. */
   static void giveBack(GatewayRuntime context, Account account, int parts) {
      context.submitLimiter(account).release(parts);
      context.quotas().release(account, parts);
   }
}
