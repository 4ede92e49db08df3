package io.smsgw.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Source numbers one account may send from that belong to another account, found when the configuration loads and
 * logged as warnings (the configuration still loads: deployments that started with such accounts must keep
 * starting). Handsets answer the number a message came from, and MO routes give that number's replies to the
 * account serving it, so an account that may send from another SP's service numbers can both pose as that SP and
 * have its handsets' replies land there:
 * <ul>
 *    <li>an account without {@code source-prefixes} may send from any number (over SMPP only, when its CMPP submits
 *        are held to the service numbers of its MO routes: {@link Account#cmppSourceDefault()});</li>
 *    <li>a source prefix that covers another account's MO route ({@code "12345"} covers {@code "123456"}): the
 *        account may send from that account's service numbers;</li>
 *    <li>a source prefix inside another account's MO route, no longer MO route covering it: the replies to the
 *        account's own numbers go to the other account.</li>
 * </ul>
 * Numbers are compared as MO routing compares them, in {@link RouteConfig#normalisePrefix}'s one form.
 */
public final class SourceAddressWarnings {

   private SourceAddressWarnings() {
   }

   /** One sentence per finding, accounts in configuration order; empty when every account keeps to its numbers. */
   public static List<String> of(List<Account> accounts, RouteConfig routes) {
      List<String> warnings = new ArrayList<>();
      List<String> unrestricted = new ArrayList<>();
      List<String> overSmpp = new ArrayList<>();
      for (Account account : accounts) {
         if (account.sourcePrefixes().isEmpty()) {
            if (account.cmppSourceDefault().isEmpty()) {
               unrestricted.add(account.id());
            } else if (account.allowsProtocol(AccessProtocol.SMPP)) {
               overSmpp.add(account.id()); // its CMPP submits are held to its service numbers, its SMPP ones are not
            }
         }
      }
      if (!unrestricted.isEmpty()) {
         warnings.add((unrestricted.size() == 1 ? "account " : "accounts ") + String.join(", ", unrestricted)
            + (unrestricted.size() == 1 ? " has" : " have") + " no source-prefixes, so may send from any number, including"
            + " other accounts' service numbers (replies to those reach the other accounts); list the numbers"
            + " each may use in its source-prefixes");
      }
      if (!overSmpp.isEmpty()) {
         warnings.add((overSmpp.size() == 1 ? "account " : "accounts ") + String.join(", ", overSmpp)
            + (overSmpp.size() == 1 ? " has" : " have") + " no source-prefixes: CMPP submits may use only the account's MO"
            + " routes' service numbers, but SMPP submits may use any number, including other accounts' service numbers;"
            + " list the numbers each may use in its source-prefixes");
      }
      for (Account account : accounts) {
         // Service numbers a CMPP account is held to by default can cover another account's longer MO route too.
         for (String written : account.sourcePrefixes().isEmpty() ? account.cmppSourceDefault() : account.sourcePrefixes()) {
            String prefix = normalise(written);
            for (RouteConfig.MoRoute route : routes.mo()) {
               if (route.account() == null || route.account().equals(account.id())) {
                  continue;
               }
               String served = normalise(route.prefix());
               if (served.startsWith(prefix)) {
                  warnings.add("account " + account.id() + ": source prefix \"" + written + "\" covers MO route \""
                     + route.prefix() + "\" of account " + route.account() + ", so " + account.id() + " may send from "
                     + route.account() + "'s service numbers and handsets' replies to them reach " + route.account());
               } else if (prefix.startsWith(served) && longestMoRoute(routes, prefix) == route) {
                  warnings.add("account " + account.id() + ": source prefix \"" + written + "\" lies in MO route \""
                     + route.prefix() + "\" of account " + route.account() + ", so handsets' replies to "
                     + account.id() + "'s messages from these numbers reach " + route.account()
                     + " (give " + account.id() + " an MO route for \"" + written + "\" if they are its own)");
               }
            }
         }
      }
      return warnings;
   }

   /** The MO route that serves the number {@code prefix} itself (the longest prefix of it), or null. */
   private static RouteConfig.MoRoute longestMoRoute(RouteConfig routes, String prefix) {
      RouteConfig.MoRoute longest = null;
      for (RouteConfig.MoRoute route : routes.mo()) {
         String served = normalise(route.prefix());
         if (prefix.startsWith(served) && (longest == null || served.length() > normalise(longest.prefix()).length())) {
            longest = route;
         }
      }
      return longest;
   }

   private static String normalise(String number) {
      return RouteConfig.normalisePrefix(number);
   }
}
