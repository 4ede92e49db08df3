package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AccountTest {

   private static Account account(List<String> prefixes, Set<String> serviceIds, List<CidrBlock> ips) {
      return new Account("901234", "s3cret", EnumSet.of(AccessProtocol.CMPP), 2, prefixes, serviceIds, 100, ips);
   }

   @Test
   void emptyAllowListsAllowEverything() throws Exception {
      Account account = Account.withDefaults("sp", "pw");
      assertTrue(account.allowsSource("1065700001"));
      assertTrue(account.allowsServiceId("ANY"));
      assertTrue(account.allowsIp(InetAddress.getByName("198.51.100.7")));
      assertTrue(account.allowsProtocol(AccessProtocol.SMPP));
      assertTrue(account.allowsProtocol(AccessProtocol.CMPP));
      assertFalse(account.hasSubmitRateLimit());
   }

   @Test
   void sourceMustStartWithAnAllowedPrefix() {
      Account account = account(List.of("1065712345", "1069"), Set.of(), List.of());
      assertTrue(account.allowsSource("1065712345"));
      assertTrue(account.allowsSource("106571234599"));
      assertTrue(account.allowsSource("10690000"));
      assertFalse(account.allowsSource("106571234"));
      assertFalse(account.allowsSource(""));
      assertFalse(account.allowsSource(null));
   }

   @Test
   void serviceIdMustBeListed() {
      Account account = account(List.of(), Set.of("HELP", "NEWS"), List.of());
      assertTrue(account.allowsServiceId("NEWS"));
      assertFalse(account.allowsServiceId("news"));
      assertFalse(account.allowsServiceId(null));
   }

   @Test
   void ipMustFallInAnAllowedBlock() throws Exception {
      Account account = account(List.of(), Set.of(), List.of(CidrBlock.parse("10.0.0.0/8"), CidrBlock.parse("2001:db8::1")));
      assertTrue(account.allowsIp(InetAddress.getByName("10.9.8.7")));
      assertTrue(account.allowsIp(InetAddress.getByName("2001:db8::1")));
      assertFalse(account.allowsIp(InetAddress.getByName("11.0.0.1")));
      assertFalse(account.allowsIp(null));
      assertTrue(account.hasSubmitRateLimit());
   }

   @Test
   void passwordComparisonIsExact() {
      Account account = Account.withDefaults("esme", "pw");
      assertTrue(account.passwordMatches("pw"));
      assertFalse(account.passwordMatches("PW"));
      assertFalse(account.passwordMatches("pw "));
      assertFalse(account.passwordMatches(null));
   }

   @Test
   void toStringHidesThePassword() {
      String text = Account.withDefaults("esme", "hunter22").toString();
      assertFalse(text.contains("hunter22"));
      assertTrue(text.startsWith("Account[id=esme, password=****, protocols=[SMPP, CMPP]"), text);
   }

   @Test
   void invalidAccountsCannotBeBuilt() {
      assertThrows(IllegalArgumentException.class,
         () -> new Account("a", "p", Set.of(), 1, List.of(), Set.of(), 0, List.of()));
      assertThrows(IllegalArgumentException.class,
         () -> new Account("a", "p", Set.of(AccessProtocol.SMPP), 0, List.of(), Set.of(), 0, List.of()));
      assertThrows(IllegalArgumentException.class,
         () -> new Account("a", "p", Set.of(AccessProtocol.SMPP), 1, List.of(), Set.of(), -1, List.of()));
   }

   @Test
   void registryFindsByExactIdAndRejectsDuplicates() {
      AccountRegistry registry = new AccountRegistry(List.of(Account.withDefaults("b", "1"), Account.withDefaults("a", "2")));
      assertEquals("2", registry.find("a").orElseThrow().password());
      assertTrue(registry.find("A").isEmpty());
      assertTrue(registry.find(null).isEmpty());
      assertEquals(List.of("b", "a"), registry.all().stream().map(Account::id).toList());
      assertThrows(IllegalArgumentException.class,
         () -> new AccountRegistry(List.of(Account.withDefaults("a", "1"), Account.withDefaults("a", "2"))));
      assertEquals(0, AccountRegistry.empty().size());
   }
}
