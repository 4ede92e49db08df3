package io.smsgw.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The failed-login penalties' arithmetic, on a clock the test moves (decision 99). */
class LoginPenaltiesTest {

   private final AtomicLong now = new AtomicLong();
   private final LoginPenalties penalties = new LoginPenalties("SMPP", 3, 60_000, 1_000, LoggerFactory.getLogger(getClass()), now::get);

   private static InetAddress address(String text) throws Exception {
      return InetAddress.getByName(text);
   }

   private void advanceMillis(long millis) {
      now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
   }

   @Test
   void penaltiesStartAfterTheLimitAndDoubleUpToTheWindow() throws Exception {
      InetAddress guesser = address("192.0.2.7");
      for (int i = 0; i < 3; i++) {
         assertEquals(-1, penalties.penaltyBeforeCheck(guesser));
         assertEquals(0, penalties.failed(guesser, "esme"), "failure " + (i + 1) + " is answered at once");
      }
      long[] expected = {1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000};
      for (long penalty : expected) {
         assertEquals(-1, penalties.penaltyBeforeCheck(guesser), "the previous penalty ran out: checked again");
         assertEquals(penalty, penalties.failed(guesser, null));
         advanceMillis(penalty);
      }
      assertEquals(expected.length, penalties.refused());
   }

   @Test
   void whileAnAddresssPenaltyRunsItsLoginsAreRefusedUncheckedUntilItEndsWithoutLengtheningIt() throws Exception {
      InetAddress guesser = address("192.0.2.8");
      for (int i = 0; i < 4; i++) {
         penalties.failed(guesser, null);
      }
      assertEquals(1_000, penalties.penaltyBeforeCheck(guesser), "refused unchecked when the 1 s penalty ends");
      advanceMillis(400);
      assertEquals(600, penalties.penaltyBeforeCheck(guesser), "another attempt within it: the same end, not a longer one");
      assertEquals(-1, penalties.penaltyBeforeCheck(address("192.0.2.9")), "another address is checked");
      advanceMillis(600);
      assertEquals(-1, penalties.penaltyBeforeCheck(guesser), "the penalty ran out: the next login is checked");
      assertEquals(2_000, penalties.failed(guesser, null), "the unchecked refusals did not count as failures");
      assertEquals(4, penalties.refused(), "four late refusals in all, two of them unchecked");
   }

   @Test
   void aClientRetryingEveryFewSecondsIsCheckedAfterEachPenaltyAndGetsInOnceItsPasswordIsRight() throws Exception {
      InetAddress esme = address("192.0.2.12");
      for (int i = 0; i < 9; i++) {
         penalties.failed(esme, "esme"); // 3 at once, then 1, 2, 4, 8, 16, 32 s: the next one is 60 s
         advanceMillis(1);
      }
      assertEquals(60_000, penalties.failed(esme, "esme"), "the longest penalty");
      long checked = 0;
      for (int second = 5; second <= 120; second += 5) {
         advanceMillis(5_000); // Kannel and jSMPP reconnect every few seconds
         if (penalties.penaltyBeforeCheck(esme) == -1) {
            checked = second;
            break;
         }
      }
      assertEquals(60, checked, "the first login after the 60 s penalty is checked: retrying did not extend it");
      // The password fixed meanwhile: the check passes, nothing else is asked of LoginPenalties.
   }

   @Test
   void quietKeysAreForgotten() throws Exception {
      for (int i = 0; i < 50; i++) {
         penalties.failed(address("203.0.113." + i), "esme");
      }
      assertEquals(51, penalties.tracked());
      advanceMillis(59_000);
      assertEquals(-1, penalties.penaltyBeforeCheck(address("192.0.2.13")));
      assertEquals(51, penalties.tracked(), "not yet quiet for a window");
      advanceMillis(61_000); // a window after the account's 60 s penalty, two after the addresses' failures
      assertEquals(-1, penalties.penaltyBeforeCheck(address("192.0.2.13")));
      assertEquals(0, penalties.tracked(), "forgotten once quiet for a window after their last failure and penalty");
   }

   @Test
   void clearForgetsEveryPenalty() throws Exception {
      InetAddress guesser = address("192.0.2.14");
      for (int i = 0; i < 6; i++) {
         penalties.failed(guesser, "esme");
      }
      penalties.clear();
      assertEquals(0, penalties.tracked());
      assertEquals(-1, penalties.penaltyBeforeCheck(guesser), "checked again at once");
      assertEquals(0, penalties.failed(guesser, "esme"), "counting starts afresh");
   }

   @Test
   void anAccountsFailuresDelayOnlyWrongPasswordsFromAnyAddress() throws Exception {
      for (int i = 0; i < 3; i++) {
         assertEquals(0, penalties.failed(address("198.51.100." + (i + 1)), "esme"));
      }
      assertEquals(1_000, penalties.failed(address("198.51.100.50"), "esme"), "a fourth address guessing the same account waits");
      assertEquals(-1, penalties.penaltyBeforeCheck(address("198.51.100.60")),
                   "a login from an address without failures is checked: a right password is taken at once");
   }

   @Test
   void failuresFurtherApartThanTheWindowStartAfresh() throws Exception {
      InetAddress client = address("192.0.2.10");
      for (int i = 0; i < 10; i++) {
         assertEquals(0, penalties.failed(client, "esme"), "failure " + i + ", a minute after the one before");
         advanceMillis(60_000);
      }
   }

   @Test
   void aScanFromManyAddressesKeepsABoundedMap() throws Exception {
      for (int i = 0; i < LoginPenalties.MAX_KEYS * 3; i++) {
         penalties.failed(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}), null);
      }
      assertTrue(penalties.tracked() <= LoginPenalties.MAX_KEYS, penalties.tracked() + " keys tracked");
   }

   @Test
   void aLimitOf0TurnsThePenaltiesOff() throws Exception {
      LoginPenalties off = new LoginPenalties("CMPP", 0, 60_000, 1_000, LoggerFactory.getLogger(getClass()), now::get);
      InetAddress guesser = address("192.0.2.11");
      for (int i = 0; i < 20; i++) {
         assertEquals(-1, off.penaltyBeforeCheck(guesser));
         assertEquals(0, off.failed(guesser, "esme"));
      }
      assertEquals(0, off.tracked());
   }

   @Test
   void entriesShowEachCountedAddressAndAccountWithItsFailuresAndWhenItsPenaltyEnds() throws Exception {
      InetAddress guesser = address("192.0.2.20");
      for (int i = 0; i < 4; i++) {
         penalties.failed(guesser, i < 2 ? "esme" : null); // the fourth failure from the address: a 1 s penalty
      }
      long before = System.currentTimeMillis();
      List<LoginPenalties.Entry> entries = penalties.entries();
      long after = System.currentTimeMillis();
      assertEquals(2, entries.size(), entries.toString());
      LoginPenalties.Entry address = entries.get(0);
      assertTrue(address.address(), "addresses first");
      assertEquals("192.0.2.20", address.id());
      assertEquals(4, address.failures());
      assertTrue(address.penaltyEndsMillis() >= before + 1_000 && address.penaltyEndsMillis() <= after + 1_000, address.toString());
      LoginPenalties.Entry account = entries.get(1);
      assertFalse(account.address());
      assertEquals("esme", account.id());
      assertEquals(2, account.failures());
      assertEquals(0, account.penaltyEndsMillis(), "under the limit: no penalty");

      advanceMillis(60_500); // the account is quiet for a window, the address not yet (its penalty ran 1 s more)
      assertEquals(List.of("192.0.2.20"), penalties.entries().stream().map(LoginPenalties.Entry::id).toList());
      assertEquals(0, penalties.entries().get(0).penaltyEndsMillis(), "its penalty is over");
   }

   @Test
   void clearingOneAddressOrAccountLiftsOnlyItsPenalty() throws Exception {
      InetAddress one = address("192.0.2.21");
      InetAddress other = address("192.0.2.22");
      for (int i = 0; i < 4; i++) {
         penalties.failed(one, "esme");
         penalties.failed(other, null);
      }
      assertTrue(penalties.penaltyBeforeCheck(one) > 0);
      assertTrue(penalties.clearAddress("192.0.2.21"));
      assertFalse(penalties.clearAddress("192.0.2.21"), "no longer counted");
      assertEquals(-1, penalties.penaltyBeforeCheck(one), "checked again at once");
      assertTrue(penalties.penaltyBeforeCheck(other) > 0, "the other address still waits");
      assertEquals(2_000, penalties.failed(address("192.0.2.23"), "esme"), "the account's fifth failure: its count is still over the limit");
      assertTrue(penalties.clearAccount("esme"));
      assertEquals(0, penalties.failed(address("192.0.2.24"), "esme"), "the account counts afresh");
      assertEquals(4, penalties.clear(), "the other address, 192.0.2.23, 192.0.2.24 and the account");
   }

   @Test
   void listingWhileLoginsFailOnOtherThreadsStaysConsistentAndBounded() throws Exception {
      CompletableFuture<?>[] loops = new CompletableFuture<?>[3];
      for (int t = 0; t < loops.length; t++) {
         int thread = t;
         loops[t] = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < LoginPenalties.MAX_KEYS * 2; i++) {
               try {
                  penalties.failed(InetAddress.getByAddress(new byte[] {10, (byte) thread, (byte) (i >> 8), (byte) i}), "esme" + (i % 50));
               } catch (Exception e) {
                  throw new IllegalStateException(e);
               }
            }
         });
      }
      while (!CompletableFuture.allOf(loops).isDone()) {
         List<LoginPenalties.Entry> entries = penalties.entries();
         assertTrue(entries.size() <= LoginPenalties.MAX_KEYS, entries.size() + " entries");
         penalties.clearAddress("10.0.0.1");
      }
      CompletableFuture.allOf(loops).get();
      assertTrue(penalties.entries().size() <= LoginPenalties.MAX_KEYS);
   }

   @Test
   void ipv6AddressesAreCountedByTheirSlash64AndIpv4AddressesAlone() throws Exception {
      for (int i = 1; i <= 3; i++) {
         assertEquals(0, penalties.failed(address("2001:db8:0:7::" + i), null), "one /64, failure " + i + " at once");
         assertEquals(0, penalties.failed(address("192.0.2.6" + i), null), "three IPv4 addresses, one failure each");
      }
      assertEquals(1_000, penalties.failed(address("2001:db8:0:7:ffff::1"), null), "a fourth address of the /64: penalized");
      assertEquals(0, penalties.failed(address("2001:db8:0:8::1"), null), "the next /64 is counted apart");
      assertEquals(0, penalties.failed(address("192.0.2.64"), null), "IPv4 neighbours behind one NAT do not punish each other");
      assertTrue(penalties.entries().stream().anyMatch(e -> e.address() && e.id().equals("2001:db8:0:7::/64") && e.failures() == 4),
                 penalties.entries().toString());
      assertTrue(penalties.clearAddress("2001:db8:0:7::/64"));
   }

   @Test
   void repeatedLinesAreWrittenOncePerAddressAndKindThenSummedUpAMinuteLater() throws Exception {
      PerAddressLog lines = penalties.lines();
      InetAddress a = address("192.0.2.50");
      assertTrue(lines.admit("x", a), "the first is written");
      assertFalse(lines.admit("x", a), "the second is counted");
      assertTrue(lines.admit("y", a), "another kind of line is written");
      assertTrue(lines.admit("x", address("192.0.2.51")), "another IPv4 address is written");
      assertFalse(lines.admit("x", address("192.0.2.50")));
      advanceMillis(60_000);
      assertFalse(lines.admit("x", a), "after the interval the count is summed up by the limiter itself");
      advanceMillis(60_000);
      assertTrue(lines.admit("x", a), "quiet for an interval: written again");
      assertTrue(lines.admit("x", address("2001:db8::1")));
      assertFalse(lines.admit("x", address("2001:db8::2")), "the same /64");
   }
}
