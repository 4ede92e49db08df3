package io.smsgw.routing;

import java.util.List;

import io.smsgw.core.config.RouteConfig;

/**
 * The routes of one configuration, ready for lookups: MT by destination number, MO by service number, both
 * longest prefix first. Immutable: a reload builds a new table and swaps it in.
 *
 * <p>MT prefixes are kept in their one form ({@link RouteConfig#normalisePrefix}): national as written ("138", "1"),
 * international with a '+' ("+86138" for "86138", "0086138" and "+86138"; "+1" for "001"). A national prefix
 * matches numbers written nationally, an international one numbers written internationally (with +, 00 or 86), and
 * "" every number. MO prefixes (service numbers) take the same one form and the same national / international
 * sides, matched as written (a service number is no mobile number). A Chinese mobile number routes the same however
 * it is written (13800138000, 8613800138000, +8613800138000, 008613800138000), as the network's routes do: its national form is matched against the national
 * prefixes and its international form (+86...) against the international ones; the match covering more of the
 * national number wins, and on a tie the longer prefix ("86" over ""). So "+1" or "001" never takes a Chinese
 * mobile number, which starts with 1 only in its national form.
 */
final class RouteTable {

   private static final String COUNTRY_CODE = RouteConfig.COUNTRY_CODE;
   /** How an international number is looked up: the '+' of the prefixes written internationally, then its digits. */
   private static final String INTERNATIONAL = "+";
   private static final String HOME = INTERNATIONAL + COUNTRY_CODE;
   private static final int NATIONAL_MOBILE_LENGTH = 11;

   private final RouteConfig config;
   private final PrefixTable<RouteConfig.MtRoute> mt = new PrefixTable<>();
   private final PrefixTable<String> mo = new PrefixTable<>();

   RouteTable(RouteConfig config) {
      this.config = config;
      for (RouteConfig.MtRoute route : config.mt()) {
         mt.put(RouteConfig.normalisePrefix(route.prefix()), route);
      }
      for (RouteConfig.MoRoute route : config.mo()) {
         mo.put(RouteConfig.normalisePrefix(route.prefix()), route.account());
      }
   }

   RouteConfig config() {
      return config;
   }

   /** The MT route for a destination, or null. */
   RouteConfig.MtRoute mt(String destination) {
      if (destination == null) {
         return mt.longestMatch("");
      }
      int from = digitsFrom(destination);
      // Written with + or 00, or with China's country code in front: the number is in international form.
      boolean international = from > 0 || destination.startsWith(COUNTRY_CODE);
      // A number written internationally with another country code is foreign, even when it has the length of a
      // national mobile number (+1 312 555 1234).
      int national = nationalMobile(destination, from);
      if (national < 0) {
         return international ? mt.longestMatch(INTERNATIONAL, destination, from) : mt.longestMatch("", destination, 0);
      }
      RouteConfig.MtRoute nationally = mt.longestMatch("", destination, national);
      RouteConfig.MtRoute internationally = mt.longestMatch(HOME, destination, national);
      if (nationally == null || internationally == null) {
         return nationally == null ? internationally : nationally;
      }
      int nationalLength = normalisedLength(nationally.prefix());
      int internationalLength = normalisedLength(internationally.prefix());
      int moreNationally = nationalLength - (internationalLength - HOME.length());
      return moreNationally > 0 || moreNationally == 0 && nationalLength > internationalLength ? nationally : internationally;
   }

   /**
    * Where the 11-digit national form of a Chinese mobile number starts in {@code number} (its digits beginning at
    * {@code from}, after a + or 00): the number written nationally, or with the country code 86 in any form; -1 for
    * any other number, a foreign one written internationally included.
    */
   private static int nationalMobile(String number, int from) {
      int digits = number.length() - from;
      int start;
      if (digits == NATIONAL_MOBILE_LENGTH + COUNTRY_CODE.length() && number.startsWith(COUNTRY_CODE, from)) {
         start = from + COUNTRY_CODE.length();
      } else if (digits == NATIONAL_MOBILE_LENGTH && from == 0) {
         start = 0;
      } else {
         return -1;
      }
      if (number.charAt(start) != '1') {
         return -1;
      }
      for (int i = start + 1; i < number.length(); i++) {
         if (number.charAt(i) < '0' || number.charAt(i) > '9') {
            return -1;
         }
      }
      return start;
   }

   /**
    * The account serving a service number (SP_Code and extension), or null: a number written with +, 00 or 86 is
    * matched against the international prefixes ("+1" for "+13125550000", "86106" for "+861065899"), any other
    * against the national ones ("10657" for "1065712345", never "+1"); "" takes every number.
    */
   String mo(String serviceNumber) {
      if (serviceNumber == null) {
         return mo.longestMatch("");
      }
      int from = digitsFrom(serviceNumber);
      return from > 0 || serviceNumber.startsWith(COUNTRY_CODE) ? mo.longestMatch(INTERNATIONAL, serviceNumber, from)
         : mo.longestMatch("", serviceNumber, 0);
   }

   List<RouteConfig.MtRoute> mtRoutes() {
      return config.mt();
   }

   /** Where a number's digits start: after a leading + or 00. */
   private static int digitsFrom(String number) {
      return number.startsWith("+") ? 1 : number.startsWith("00") ? 2 : 0;
   }

   /** The length of {@link RouteConfig#normalisePrefix}'s form of {@code prefix}, without building it. */
   private static int normalisedLength(String prefix) {
      int from = digitsFrom(prefix);
      if (from > 0) {
         return prefix.length() - from + INTERNATIONAL.length();
      }
      return prefix.startsWith(COUNTRY_CODE) ? prefix.length() + INTERNATIONAL.length() : prefix.length();
   }
}
