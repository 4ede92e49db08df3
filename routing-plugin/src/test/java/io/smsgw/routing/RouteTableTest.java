package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;

import io.smsgw.core.config.RouteConfig;
import org.junit.jupiter.api.Test;

/** Local MT routes match a mobile number the same in every form it may be written in. */
class RouteTableTest {

   private static RouteTable table(String... prefixes) {
      List<RouteConfig.MtRoute> routes = Arrays.stream(prefixes)
         .map(prefix -> new RouteConfig.MtRoute(prefix, List.of(new RouteConfig.WeightedLink("link-" + prefix, 1))))
         .toList();
      return new RouteTable(new RouteConfig(routes, List.of()));
   }

   private static String prefixFor(RouteTable table, String destination) {
      RouteConfig.MtRoute route = table.mt(destination);
      return route == null ? null : route.prefix();
   }

   private static void assertEveryFormRoutesTo(RouteTable table, String prefix, String national) {
      for (String form : new String[] {national, "86" + national, "+86" + national, "0086" + national}) {
         assertEquals(prefix, prefixFor(table, form), form);
      }
   }

   @Test
   void aRouteCoversTheNumberInEveryFormWhicheverWayItsPrefixIsWritten() {
      assertEveryFormRoutesTo(table("1380771"), "1380771", "13807710001");
      assertEveryFormRoutesTo(table("86138"), "86138", "13800138000");
      assertNull(prefixFor(table("1380771"), "13807720001"));
      assertNull(prefixFor(table("86138"), "13900139000"));
   }

   @Test
   void theRouteCoveringMoreOfTheNationalNumberWinsWhicheverWayEitherIsWritten() {
      RouteTable table = table("", "86", "86138", "1380771");
      assertEquals("1380771", prefixFor(table, "8613807710001"));
      assertEquals("1380771", prefixFor(table, "13807710001"));
      assertEquals("86138", prefixFor(table, "13800138000"));
      assertEquals("86", prefixFor(table, "13900139000"), "86 is more specific than the catch-all");
      assertEquals("", prefixFor(table, "10086"), "a service number is no mobile number: matched as written");
      assertEquals("", prefixFor(table, "+4915112345678"));
   }

   @Test
   void numbersThatAreNotMobileNumbersMatchAsWritten() {
      RouteTable table = table("86", "1");
      assertEquals("86", prefixFor(table, "861012345678"), "12 digits after 86: not a mobile number");
      assertEquals("1", prefixFor(table, "10086"));
      assertEquals("86", prefixFor(table, "0086755"));
   }

   @Test
   void aForeignNumberWrittenInternationallyIsNoChineseMobileEvenWithElevenDigits() {
      RouteTable table = table("1", "+1", "8613");
      assertEquals("+1", prefixFor(table, "+13125551234"), "+1 312 555 1234 is a North American number");
      assertEquals("+1", prefixFor(table, "0013125551234"));
      assertEquals("8613", prefixFor(table, "13125551234"), "written nationally it is a Chinese mobile");
      assertEquals("8613", prefixFor(table, "+8613125551234"));
      assertNull(prefixFor(table("1"), "+13125551234"), "a national prefix is no route for a foreign number");
   }

   @Test
   void anInternationalRouteNeverTakesAChineseMobileNumber() {
      RouteTable northAmerica = table("86", "+1");
      assertEveryFormRoutesTo(northAmerica, "86", "13800138000");
      assertEquals("+1", prefixFor(northAmerica, "+13125551234"));
      assertEquals("+1", prefixFor(northAmerica, "0013125551234"));
   }

   @Test
   void anInternationalRouteBesideTheCatchAllTakesOnlyInternationalNumbers() {
      RouteTable catchAll = table("", "001");
      assertEveryFormRoutesTo(catchAll, "", "13800138000");
      assertEquals("001", prefixFor(catchAll, "+13125551234"));
      assertEquals("001", prefixFor(catchAll, "0013125551234"));
      assertEquals("", prefixFor(catchAll, "10086"), "a national service number is no international one");
   }

   @Test
   void aNationalAndAnInternationalPrefixWithTheSameDigitsAreTwoRoutes() {
      RouteTable both = table("1", "+1");
      assertEveryFormRoutesTo(both, "1", "13800138000");
      assertEquals("+1", prefixFor(both, "+13125551234"));
      assertNull(prefixFor(table("+1"), "13800138000"));
   }
}
