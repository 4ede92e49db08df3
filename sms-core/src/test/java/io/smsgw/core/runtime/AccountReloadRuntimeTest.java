package io.smsgw.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.core.config.AccessProtocol;
import io.smsgw.core.config.Account;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.rate.RateLimiter;
import org.junit.jupiter.api.Test;

/**
 * What a reload does to the accounts' open sessions, as GatewayRuntime sees them (decisions.md: revoked accounts): the
 * shared limits follow the account as configured now whichever session's account object asks, and a login the new file
 * no longer admits (removed, password, protocols, allowed-ips) is told to end; others are left alone.
 */
class AccountReloadRuntimeTest {

   private static GatewayConfig config(String accounts) {
      return GatewayConfigLoader.parse("gateway { code = \"001001\" }\naccounts { " + accounts + " }", "test");
   }

   /** A logged-in session that counts how often it was told to end. */
   private static final class Session implements AccountSession {
      final Account account;
      final AccessProtocol protocol;
      final InetAddress address;
      final AtomicInteger ended = new AtomicInteger();

      Session(Account account, AccessProtocol protocol, String address) throws Exception {
         this.account = account;
         this.protocol = protocol;
         this.address = InetAddress.getByName(address);
      }

      @Override
      public Account account() {
         return account;
      }

      @Override
      public AccessProtocol protocol() {
         return protocol;
      }

      @Override
      public InetAddress remoteAddress() {
         return address;
      }

      @Override
      public void endForRevokedAccount() {
         ended.incrementAndGet();
      }
   }

   @Test
   void theLimitsFollowTheReloadedAccountWhicheverAccountObjectAsks() {
      GatewayRuntime runtime = new GatewayRuntime();
      runtime.configure(config("a { password = \"pw\", max-submit-rate = 100, daily-quota = 100 }"
                               + "\n b { password = \"pw\", max-submit-rate = 5 }"));
      Account loggedIn = runtime.findAccount("a").orElseThrow();
      RateLimiter unchanged = runtime.submitLimiter(runtime.findAccount("b").orElseThrow());
      assertEquals(100, runtime.submitLimiter(loggedIn).permitsPerSecond());

      runtime.configure(config("a { password = \"pw\", max-submit-rate = 10, daily-quota = 3 }"
                               + "\n b { password = \"pw\", max-submit-rate = 5 }"));
      assertEquals(10, runtime.submitLimiter(loggedIn).permitsPerSecond(), "the login's account object asks first");
      assertSame(unchanged, runtime.submitLimiter(runtime.findAccount("b").orElseThrow()),
                 "an unchanged rate keeps its limiter, and what was used of it");
      assertTrue(runtime.quotas().tryConsume(loggedIn, 3));
      assertFalse(runtime.quotas().tryConsume(loggedIn, 1), "the reloaded daily-quota of 3, not the login's 100");

      runtime.configure(config("a { password = \"pw\", max-submit-rate = 10, daily-quota = 3 }"
                               + "\n b { password = \"pw\", max-submit-rate = 50 }"));
      assertNotSame(unchanged, runtime.submitLimiter(runtime.findAccount("b").orElseThrow()));
      assertEquals(50, runtime.submitLimiter(runtime.findAccount("b").orElseThrow()).permitsPerSecond());
   }

   @Test
   void aReloadEndsTheSessionsItNoLongerAdmitsAndNamesTheirAccounts() throws Exception {
      GatewayRuntime runtime = new GatewayRuntime();
      runtime.configure(config("""
         removed { password = "pw" }
         newpw { password = "pw" }
         nocmpp { password = "pw" }
         narrowed { password = "pw" }
         same { password = "pw", max-submit-rate = 5 }"""));
      Session removed = login(runtime, "removed", AccessProtocol.SMPP, "127.0.0.1");
      Session newPassword = login(runtime, "newpw", AccessProtocol.CMPP, "127.0.0.1");
      Session overCmpp = login(runtime, "nocmpp", AccessProtocol.CMPP, "127.0.0.1");
      Session overSmpp = login(runtime, "nocmpp", AccessProtocol.SMPP, "127.0.0.1");
      Session outside = login(runtime, "narrowed", AccessProtocol.SMPP, "192.0.2.7");
      Session inside = login(runtime, "narrowed", AccessProtocol.SMPP, "10.1.2.3");
      Session same = login(runtime, "same", AccessProtocol.SMPP, "127.0.0.1");

      List<GatewayRuntime.RevokedAccount> revoked = runtime.configure(config("""
         newpw { password = "other" }
         nocmpp { password = "pw", protocols = [SMPP] }
         narrowed { password = "pw", allowed-ips = ["10.0.0.0/8"] }
         same { password = "pw", max-submit-rate = 50 }"""));

      assertEquals(List.of(1, 1, 1, 0, 1, 0, 0), List.of(removed.ended.get(), newPassword.ended.get(), overCmpp.ended.get(),
                                                          overSmpp.ended.get(), outside.ended.get(), inside.ended.get(),
                                                          same.ended.get()));
      assertEquals(List.of(new GatewayRuntime.RevokedAccount("removed", "removed", 1),
                           new GatewayRuntime.RevokedAccount("newpw", "password changed", 1),
                           new GatewayRuntime.RevokedAccount("nocmpp", "CMPP no longer allowed", 1),
                           new GatewayRuntime.RevokedAccount("narrowed", "address no longer in allowed-ips", 1)),
                   revoked.stream().sorted(java.util.Comparator.comparing(r -> List.of("removed", "newpw", "nocmpp", "narrowed")
                                                                                    .indexOf(r.accountId()))).toList());

      assertTrue(runtime.configure(config("""
         newpw { password = "other" }
         nocmpp { password = "pw", protocols = [SMPP] }
         narrowed { password = "pw", allowed-ips = ["10.0.0.0/8"] }
         same { password = "pw", max-submit-rate = 50 }""")).isEmpty(), "each session is ended once");
      assertFalse(runtime.loggedIn(new Session(removed.account, AccessProtocol.SMPP, "127.0.0.1")),
                  "a login checked against the previous file is refused once the reload is in");
   }

   private static Session login(GatewayRuntime runtime, String id, AccessProtocol protocol, String address) throws Exception {
      Session session = new Session(runtime.findAccount(id).orElseThrow(), protocol, address);
      assertTrue(runtime.loggedIn(session));
      return session;
   }
}
