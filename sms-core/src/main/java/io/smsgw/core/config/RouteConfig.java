package io.smsgw.core.config;

import java.util.List;
import java.util.Objects;

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
   }

   /** Service number prefix → account whose queue receives the MO. */
   public record MoRoute(String prefix, String account) {
   }
}
