package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.smsgw.core.text.SmsEncoding;
import org.junit.jupiter.api.Test;

/** {@code max-message-parts}, {@code third-party-billing} and {@code broker-roles} of an account: defaults, values, limits. */
class AccountLimitSettingsTest {

   private static final String FILE = "sms-gateway.conf";

   private static Account account(String settings) {
      return GatewayConfigLoader.parse("gateway.code = \"001001\"\naccounts.sp1 { password = x" + settings + " }\n", FILE)
         .accounts().find("sp1").orElseThrow();
   }

   @Test
   void defaultsAreTenPartsAndNoThirdPartyBilling() {
      Account account = account("");
      assertEquals(10, account.maxMessageParts());
      assertEquals(Account.DEFAULT_MAX_MESSAGE_PARTS, account.maxMessageParts());
      assertFalse(account.thirdPartyBilling());
   }

   @Test
   void valuesAreRead() {
      Account account = account(", max-message-parts = 255, third-party-billing = true");
      assertEquals(255, account.maxMessageParts());
      assertTrue(account.thirdPartyBilling());
   }

   @Test
   void brokerRolesDefaultToTheSharedRoleAndTheAccountsOwn() {
      assertEquals(List.of("esme", "sp1"), account("").brokerRoles());
      assertEquals(List.of("sp1", "crm"), account(", broker-roles = [sp1, crm]").brokerRoles());
      assertEquals(List.of(), account(", broker-roles = []").brokerRoles());
   }

   @Test
   void valuesOutsideTheLimitsAreRefusedWithFileLineAndField() {
      GatewayConfigException e = assertThrows(GatewayConfigException.class, () -> GatewayConfigLoader.parse("""
         gateway.code = "001001"
         accounts {
           sp1 { password = x, max-message-parts = 0 }
           sp2 { password = x, max-message-parts = 256 }
           sp3 { password = x, third-party-billing = yes-please }
         }
         """, FILE));
      assertEquals(List.of(
         "sms-gateway.conf line 3: accounts.sp1.max-message-parts: must be >= 1, got 0",
         "sms-gateway.conf line 4: accounts.sp2.max-message-parts: must be <= 255 (a concatenated SMS has at most that many"
            + " parts), got 256",
         "sms-gateway.conf line 5: accounts.sp3.third-party-billing: expected true or false, got string \"yes-please\""),
         e.problems());
   }

   @Test
   void anAccountMayHaveItsOwnSmppDefaultAlphabet() {
      assertNull(account("").smppDefaultAlphabet(), "none: the acceptor's smppDefaultAlphabet");
      assertEquals(SmsEncoding.ASCII, account("").smppDefaultAlphabet(SmsEncoding.ASCII));
      Account latin = account(", smpp-default-alphabet = latin1");
      assertEquals(SmsEncoding.LATIN1, latin.smppDefaultAlphabet());
      assertEquals(SmsEncoding.LATIN1, latin.smppDefaultAlphabet(SmsEncoding.GSM7), "the account's own wins");
      assertEquals(SmsEncoding.GSM7, account(", smpp-default-alphabet = gsm7").smppDefaultAlphabet());
      String packed = String.join("\n", assertThrows(GatewayConfigException.class,
         () -> account(", smpp-default-alphabet = gsm7-packed")).problems());
      assertTrue(packed.contains("accounts.sp1.smpp-default-alphabet: must be one of gsm7, latin1, ascii"), packed);
   }
}
