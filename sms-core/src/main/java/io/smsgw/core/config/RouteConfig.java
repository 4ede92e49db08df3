package io.smsgw.core.config;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code routes} section of {@code sms-gateway.conf}.
 *
 * @param mt MT routes: destination number prefix → SMSC links (longest prefix wins)
 * @param mo MO routes: service number (SP_Code) prefix → the account that serves it (longest prefix wins; prefixes
 *           read as MT prefixes are, {@link #normalisePrefix})
 */
public record RouteConfig(List<MtRoute> mt, List<MoRoute> mo) {

   public static final RouteConfig NONE = new RouteConfig(List.of(), List.of());

   /** China's country code: a prefix or number written with it in front is in international form. */
   public static final String COUNTRY_CODE = "86";

   public RouteConfig {
      mt = List.copyOf(mt);
      mo = List.copyOf(mo);
   }

   /** Destination prefix → links, shared by weight; a link that is down is skipped while another is up. */
   public record MtRoute(String prefix, List<WeightedLink> links) {
      public MtRoute {
         Objects.requireNonNull(prefix, "prefix");
         links = List.copyOf(links);
      }
   }

   public record WeightedLink(String link, int weight) {

      /** A link's share of its route is its weight over the route's total, so every link needs at least 1. */
      public static final int MIN_WEIGHT = 1;

      /** Enough for any share (one in a million); keeps a route's total far from int overflow. */
      public static final int MAX_WEIGHT = 1_000_000;

      /** What is wrong with {@code weight}, or null; the file and the management bean apply the same rule. */
      public static String weightProblem(int weight) {
         return weight >= MIN_WEIGHT && weight <= MAX_WEIGHT ? null
            : "weight must be between " + MIN_WEIGHT + " and " + MAX_WEIGHT + ", got " + weight;
      }
   }

   /**
    * What is wrong with {@code prefix} as a route prefix (digits, an optional leading +), or null; the file and
    * the management bean apply the same rule.
    */
   public static String prefixProblem(String prefix) {
      for (int i = 0; i < prefix.length(); i++) {
         char c = prefix.charAt(i);
         if (!(c >= '0' && c <= '9') && !(i == 0 && c == '+')) {
            return "must be digits (an optional leading +), got \"" + prefix + "\"";
         }
      }
      return null;
   }

   /**
    * The one form of an MT or MO route prefix, so that two ways of writing the same prefix are one route (routing's
    * tables, the management bean, an account's {@code mt-routes}, the file's duplicate check, the source-prefix
    * warnings): a prefix written
    * internationally ({@code +}, {@code 00}) or with China's country code {@code 86} becomes {@code +} and its
    * country code ({@code "0086138"}, {@code "86138"} and {@code "+86138"} are {@code "+86138"}, {@code "001"} is
    * {@code "+1"}); any other prefix is national and stays as written ({@code "1"}, {@code "138"}, {@code ""}).
    * A national prefix matches only numbers written nationally (and China's mobile numbers in any form), an
    * international one only numbers written internationally: {@code "+1"} is North America, never a Chinese
    * mobile number starting with 1 (links-routing-billing.md, "Routing").
    */
   public static String normalisePrefix(String prefix) {
      if (prefix == null) {
         return "";
      }
      if (prefix.startsWith("+")) {
         return prefix;
      }
      if (prefix.startsWith("00")) {
         return "+" + prefix.substring(2);
      }
      return prefix.startsWith(COUNTRY_CODE) ? "+" + prefix : prefix;
   }

   /** Whether two MT route prefixes are the same route ({@link #normalisePrefix}), without building either form. */
   public static boolean samePrefix(String a, String b) {
      if (a == null || b == null) {
         return a == b;
      }
      int fromA = digitsFrom(a);
      int fromB = digitsFrom(b);
      int lengthA = a.length() - fromA;
      return internationalPrefix(a) == internationalPrefix(b) && lengthA == b.length() - fromB
         && a.regionMatches(fromA, b, fromB, lengthA);
   }

   private static boolean internationalPrefix(String prefix) {
      return prefix.startsWith("+") || prefix.startsWith("00") || prefix.startsWith(COUNTRY_CODE);
   }

   /** Where the digits after the international mark start ({@code 86} is no mark but a country code, so kept). */
   private static int digitsFrom(String prefix) {
      return prefix.startsWith("+") ? 1 : prefix.startsWith("00") ? 2 : 0;
   }

   /** What is wrong with a route naming {@code link}, or null: it must be one of the configured SMSC links. */
   public static String linkProblem(String link, Set<String> linkIds) {
      return linkIds.contains(link) ? null : "no link \"" + link + "\" in links";
   }

   /**
    * What is wrong with naming {@code link} again after {@code earlier} links of the same route, or null: one
    * entry per link, its weight being its whole share.
    */
   public static String repeatedLinkProblem(String link, List<WeightedLink> earlier) {
      for (WeightedLink other : earlier) {
         if (other.link().equals(link)) {
            return "link \"" + link + "\" is listed twice in this route; give it one entry with the weights added";
         }
      }
      return null;
   }

   /** Service number prefix → account whose queue receives the MO. */
   public record MoRoute(String prefix, String account) {
   }
}
