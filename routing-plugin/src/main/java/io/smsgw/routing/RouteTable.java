package io.smsgw.routing;

import java.util.List;

import io.smsgw.core.config.RouteConfig;

/**
 * The routes of one configuration, ready for lookups: MT by destination number, MO by service number, both
 * longest prefix first. Immutable: a reload builds a new table and swaps it in.
 */
final class RouteTable {

   private final RouteConfig config;
   private final PrefixTable<RouteConfig.MtRoute> mt = new PrefixTable<>();
   private final PrefixTable<String> mo = new PrefixTable<>();

   RouteTable(RouteConfig config) {
      this.config = config;
      for (RouteConfig.MtRoute route : config.mt()) {
         mt.put(normalise(route.prefix()), route);
      }
      for (RouteConfig.MoRoute route : config.mo()) {
         mo.put(normalise(route.prefix()), route.account());
      }
   }

   RouteConfig config() {
      return config;
   }

   /** The MT route for a destination, or null. A leading '+' and a 00 international prefix are ignored. */
   RouteConfig.MtRoute mt(String destination) {
      return mt.longestMatch(normalise(destination));
   }

   /** The account serving a service number (SP_Code and extension), or null. */
   String mo(String serviceNumber) {
      return mo.longestMatch(normalise(serviceNumber));
   }

   List<RouteConfig.MtRoute> mtRoutes() {
      return config.mt();
   }

   private static String normalise(String number) {
      if (number == null) {
         return "";
      }
      if (number.startsWith("+")) {
         return number.substring(1);
      }
      return number.startsWith("00") ? number.substring(2) : number;
   }
}
