package io.smsgw.smpp.server;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.core.config.Account;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.id.CmppMsgIdGenerator;
import io.smsgw.core.id.ShortMessageIdGenerator;
import io.smsgw.core.rate.RateLimiter;

/**
 * State shared by every SMPP acceptor of one broker: the accounts, how many sessions each account has
 * open, per-account submit rate limiters and the message id generators.
 */
final class SmppGatewayContext {

   private volatile GatewayConfig config;
   private volatile CmppMsgIdGenerator longIds;
   private final ShortMessageIdGenerator shortIds = new ShortMessageIdGenerator();
   private final ConcurrentHashMap<String, AtomicInteger> openSessions = new ConcurrentHashMap<>();
   private final ConcurrentHashMap<String, RateLimiter> submitLimiters = new ConcurrentHashMap<>();

   void configure(GatewayConfig newConfig) {
      this.longIds = new CmppMsgIdGenerator(Integer.parseInt(newConfig.code()));
      this.config = newConfig;
      submitLimiters.clear();
   }

   boolean isConfigured() {
      return config != null;
   }

   Optional<Account> findAccount(String systemId) {
      GatewayConfig current = config;
      return current == null ? Optional.empty() : current.accounts().find(systemId);
   }

   /** Counts a new session for the account unless that would exceed its max-sessions. */
   boolean tryOpenSession(Account account) {
      AtomicInteger count = openSessions.computeIfAbsent(account.id(), id -> new AtomicInteger());
      while (true) {
         int current = count.get();
         if (current >= account.maxSessions()) {
            return false;
         }
         if (count.compareAndSet(current, current + 1)) {
            return true;
         }
      }
   }

   void closeSession(String accountId) {
      AtomicInteger count = openSessions.get(accountId);
      if (count != null) {
         count.decrementAndGet();
      }
   }

   int openSessions(String accountId) {
      AtomicInteger count = openSessions.get(accountId);
      return count == null ? 0 : count.get();
   }

   RateLimiter submitLimiter(Account account) {
      return submitLimiters.computeIfAbsent(account.id(), id -> new RateLimiter(account.maxSubmitRate()));
   }

   /**
    * A new message id in the format the session's version allows: 16 hex digits (a CMPP-layout 64-bit id,
    * unique across gateways) for 3.4, 8 hex digits for 3.3 sessions.
    */
   String nextMessageId(boolean version34) {
      return version34 ? CmppMsgId.toHex(longIds.next()) : ShortMessageIdGenerator.toHex(shortIds.next());
   }
}
