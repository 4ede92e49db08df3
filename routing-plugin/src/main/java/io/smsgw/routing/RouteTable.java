package io.smsgw.routing;

import java.util.List;

import io.smsgw.core.config.RouteConfig;

/**
 * The routes of one configuration, ready for lookups: MT by destination number, MO by service number, both
 * longest prefix first. Immutable: a reload builds a new table and swaps it in.
 *
 * <p>A mobile number routes the same however it is written (13800138000, 8613800138000, +8613800138000,
 * 008613800138000), as the network's routes do: its national form is matched against the prefixes written
 * nationally ("138") and its international form against those written with the country code ("86138"); the
 * match covering more of the national number wins, and on a tie the longer prefix ("86" over "").
 */
final class RouteTable {

   private static final String COUNTRY_CODE = "86";
   private static final int NATIONAL_MOBILE_LENGTH = 11;

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
      String number = normalise(destination);
      // A number written internationally (+ or 00) with another country code is foreign, even when it has the
      // length of a national mobile number (+1 312 555 1234): it matches as written.
      boolean foreign = writtenInternationally(destination) && !number.startsWith(COUNTRY_CODE);
      String national = foreign ? null : nationalMobile(number);
      if (national == null) {
         return mt.longestMatch(number);
      }
      RouteConfig.MtRoute nationally = mt.longestMatch(national);
      RouteConfig.MtRoute internationally = mt.longestMatch(COUNTRY_CODE, national);
      if (nationally == null || internationally == null) {
         return nationally == null ? internationally : nationally;
      }
      int nationalLength = normalise(nationally.prefix()).length();
      int internationalLength = normalise(internationally.prefix()).length();
      int moreNationally = nationalLength - (internationalLength - COUNTRY_CODE.length());
      return moreNationally > 0 || moreNationally == 0 && nationalLength > internationalLength ? nationally : internationally;
   }

   /**
    * The 11-digit national form of a Chinese mobile number written with or without the country code 86 (after
    * {@link #normalise}), or null for any other number.
    */
   static String nationalMobile(String number) {
      String national = number.length() == NATIONAL_MOBILE_LENGTH + COUNTRY_CODE.length() && number.startsWith(COUNTRY_CODE)
         ? number.substring(COUNTRY_CODE.length()) : number;
      if (national.length() != NATIONAL_MOBILE_LENGTH || national.charAt(0) != '1') {
         return null;
      }
      for (int i = 1; i < national.length(); i++) {
         if (national.charAt(i) < '0' || national.charAt(i) > '9') {
            return null;
         }
      }
      return national;
   }

   /** The account serving a service number (SP_Code and extension), or null. */
   String mo(String serviceNumber) {
      return mo.longestMatch(normalise(serviceNumber));
   }

   List<RouteConfig.MtRoute> mtRoutes() {
      return config.mt();
   }

   private static boolean writtenInternationally(String number) {
      return number != null && (number.startsWith("+") || number.startsWith("00"));
   }

   private static String normalise(String number) {
      // The configuration refuses two routes this makes one (RouteConfig.matchedPrefix).
      return number == null ? "" : RouteConfig.matchedPrefix(number);
   }
}
