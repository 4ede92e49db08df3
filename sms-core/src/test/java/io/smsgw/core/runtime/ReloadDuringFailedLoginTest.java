package io.smsgw.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.core.config.AccessProtocol;
import io.smsgw.core.config.Account;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.GatewayConfigLoader;
import org.junit.jupiter.api.Test;

/**
 * A reload that races a session whose login or bind failed on its event loop: the session clears its account there
 * (SMPP and CMPP sessions set it to null), and the reload thread must not read it. The runtime keeps what each session
 * logged in with, so the reload ends the revoked sessions and reports them whatever the session's fields say now.
 */
class ReloadDuringFailedLoginTest {

   private static GatewayConfig config(String accounts) {
      return GatewayConfigLoader.parse("gateway { code = \"001001\" }\naccounts { " + accounts + " }", "test");
   }

   /** A session whose account field its own thread cleared after it registered, as a failed bind does. */
   private static final class ClearedSession implements AccountSession {
      volatile Account account;
      final AtomicInteger ended = new AtomicInteger();

      ClearedSession(Account account) {
         this.account = account;
      }

      @Override
      public Account account() {
         return account;
      }

      @Override
      public AccessProtocol protocol() {
         return account == null ? null : AccessProtocol.SMPP;
      }

      @Override
      public InetAddress remoteAddress() {
         return account == null ? null : InetAddress.getLoopbackAddress();
      }

      @Override
      public void endForRevokedAccount() {
         ended.incrementAndGet();
      }
   }

   @Test
   void aReloadThatRemovesTheAccountOfASessionWhoseAccountWasClearedDoesNotThrowAndEndsItsSessions() {
      GatewayRuntime runtime = new GatewayRuntime();
      runtime.configure(config("a { password = \"pw\", protocols = [SMPP] }\n b { password = \"pw\", protocols = [SMPP] }"));
      ClearedSession cleared = new ClearedSession(runtime.findAccount("a").orElseThrow());
      ClearedSession other = new ClearedSession(runtime.findAccount("a").orElseThrow());
      assertTrue(runtime.loggedIn(cleared));
      assertTrue(runtime.loggedIn(other));
      cleared.account = null; // its bind failed on its event loop after the registration; loggedOut not run yet

      List<GatewayRuntime.RevokedAccount> revoked = runtime.configure(config("b { password = \"pw\", protocols = [SMPP] }"));

      assertEquals(List.of(new GatewayRuntime.RevokedAccount("a", "removed", 2)), revoked, "both of a's sessions, one entry");
      assertEquals(1, cleared.ended.get(), "the cleared session is told to end");
      assertEquals(1, other.ended.get(), "and so is the other one");
      assertEquals("b", runtime.config().accounts().all().iterator().next().id(), "the new configuration is in force");
   }
}
