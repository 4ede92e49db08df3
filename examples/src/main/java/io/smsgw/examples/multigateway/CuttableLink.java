package io.smsgw.examples.multigateway;

import java.util.List;

/**
 * A CMPP_FWD link of the example that runs through a {@link LinkCutter}, so it can be cut and restored: the
 * gateway {@code from} dials the cutter, which passes the bytes on to the FWD acceptor of {@code to}.
 */
public record CuttableLink(Site from, Site to) {

   /** Both directions between Tianjin and Beijing. */
   public static final List<CuttableLink> ALL =
      List.of(new CuttableLink(Site.TIANJIN, Site.BEIJING), new CuttableLink(Site.BEIJING, Site.TIANJIN));

   @Override
   public String toString() {
      return from.id() + " -> " + to.id();
   }
}
