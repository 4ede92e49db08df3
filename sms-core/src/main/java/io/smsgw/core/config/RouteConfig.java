package io.smsgw.core.config;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code routes} section of {@code sms-gateway.conf}.
 *
 * @param mt MT routes: destination number prefix → SMSC links (longest prefix wins)
 * @param mo MO routes: service number (SP_Code) prefix → the account that serves it (longest prefix wins)
 */
public record RouteConfig(List<MtRoute> mt, List<MoRoute> mo) {

   public static final RouteConfig NONE = new RouteConfig(List.of(), List.of());

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
    * The prefix as the routing matches it: a leading + or 00 (international) dropped, so +86139, 0086139 and 86139
    * are one prefix.
    */
   public static String matchedPrefix(String prefix) {
      if (prefix.startsWith("+")) {
         return prefix.substring(1);
      }
      return prefix.startsWith("00") ? prefix.substring(2) : prefix;
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
