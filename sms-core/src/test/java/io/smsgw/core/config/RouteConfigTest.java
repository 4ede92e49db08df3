package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

/** An MT route prefix has one form however it is written; "1" (national) and "+1" (North America) are two. */
class RouteConfigTest {

   @Test
   void aPrefixHasOneFormHoweverItIsWritten() {
      assertEquals("+86138", RouteConfig.normalisePrefix("86138"));
      assertEquals("+86138", RouteConfig.normalisePrefix("+86138"));
      assertEquals("+86138", RouteConfig.normalisePrefix("0086138"));
      assertEquals("+1", RouteConfig.normalisePrefix("001"));
      assertEquals("+1", RouteConfig.normalisePrefix("+1"));
      assertEquals("1", RouteConfig.normalisePrefix("1"));
      assertEquals("010", RouteConfig.normalisePrefix("010"), "a national area code, not an international prefix");
      assertEquals("", RouteConfig.normalisePrefix(""));
      for (String[] pair : new String[][] {{"86138", "+86138"}, {"0086138", "86138"}, {"001", "+1"}, {"00", "+"}}) {
         assertTrue(RouteConfig.samePrefix(pair[0], pair[1]), String.join(" = ", pair));
         assertEquals(RouteConfig.normalisePrefix(pair[0]), RouteConfig.normalisePrefix(pair[1]));
      }
      for (String[] pair : new String[][] {{"1", "+1"}, {"1", "001"}, {"86138", "8613"}, {"", "+"}, {"138", "86138"}}) {
         assertFalse(RouteConfig.samePrefix(pair[0], pair[1]), String.join(" != ", pair));
         assertFalse(RouteConfig.normalisePrefix(pair[0]).equals(RouteConfig.normalisePrefix(pair[1])), String.join(" != ", pair));
      }
   }

   @Test
   void anAccountsMtRoutesNameARouteInAnyOfItsForms() {
      Account account = new Account("901234", "s3cret", EnumSet.of(AccessProtocol.CMPP), 2, List.of(), java.util.Set.of(), 100,
                                    List.of(), 0, List.of("+86138", "001"));
      assertTrue(account.allowsRoute("86138"));
      assertTrue(account.allowsRoute("0086138"));
      assertTrue(account.allowsRoute("+1"));
      assertFalse(account.allowsRoute("1"), "a national prefix is another route");
      assertFalse(account.allowsRoute("8613"));
   }
}
