package io.smsgw.examples.multigateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where everything of the multi-gateway example listens: per gateway its application (CORE), SMPP, CMPP and
 * FWD acceptors and its carrier SMSC simulator, plus the cuttable links between Tianjin and Beijing. The
 * example uses fixed ports ({@link #example()}), tests free ones ({@link #free()}).
 *
 * @param sites one entry per {@link Site}
 * @param links the port each {@link CuttableLink} listens on (the peer its dialling gateway reaches through it)
 */
public record TopologyPorts(Map<Site, SitePorts> sites, Map<CuttableLink, Integer> links) {

   /** Port value for "none" (the tandem gateway has no carrier SMSC). */
   public static final int NONE = 0;

   /**
    * The ports of one gateway.
    *
    * @param core application acceptor (Artemis JMS / CORE)
    * @param smpp SMPP acceptor
    * @param cmpp CMPP acceptor for SPs (it refuses other gateways)
    * @param fwd  CMPP acceptor for the other gateways ({@code cmppAcceptPeers=true}): CMPP_FWD from peers, and on the
    *             tandem gateway the GNS sessions
    * @param smsc the carrier SMSC simulator, {@link #NONE} for the tandem gateway
    */
   public record SitePorts(int core, int smpp, int cmpp, int fwd, int smsc) {
   }

   public TopologyPorts {
      sites = Map.copyOf(sites);
      links = Map.copyOf(links);
      for (Site site : Site.values()) {
         if (!sites.containsKey(site)) {
            throw new IllegalArgumentException("no ports for " + site);
         }
      }
      for (CuttableLink link : CuttableLink.ALL) {
         if (!links.containsKey(link)) {
            throw new IllegalArgumentException("no port for the link " + link);
         }
      }
   }

   /**
    * The example's fixed ports, gateway n (tandem 0, Beijing 1, Guangzhou 2, Tianjin 3, Guangxi 4): CORE 61700+n,
    * SMPP 2800+n, CMPP 7800+n, FWD 7930+n, carrier SMSC 2900+n; the cuttable link to gateway n: 7940+n.
    */
   public static TopologyPorts example() {
      Map<Site, SitePorts> sites = new EnumMap<>(Site.class);
      for (Site site : Site.values()) {
         int n = site.ordinal();
         sites.put(site, new SitePorts(61700 + n, 2800 + n, 7800 + n, 7930 + n, site.hasCarrier() ? 2900 + n : NONE));
      }
      Map<CuttableLink, Integer> links = new LinkedHashMap<>();
      for (CuttableLink link : CuttableLink.ALL) {
         links.put(link, 7940 + link.to().ordinal());
      }
      return new TopologyPorts(sites, links);
   }

   /** Ports nobody listened on a moment ago, all different. */
   public static TopologyPorts free() {
      List<ServerSocket> held = new ArrayList<>();
      try {
         Map<Site, SitePorts> sites = new EnumMap<>(Site.class);
         for (Site site : Site.values()) {
            sites.put(site, new SitePorts(freePort(held), freePort(held), freePort(held), freePort(held),
                                          site.hasCarrier() ? freePort(held) : NONE));
         }
         Map<CuttableLink, Integer> links = new LinkedHashMap<>();
         for (CuttableLink link : CuttableLink.ALL) {
            links.put(link, freePort(held));
         }
         return new TopologyPorts(sites, links);
      } finally {
         for (ServerSocket socket : held) {
            try {
               socket.close();
            } catch (IOException ignored) {
               // only held to keep the port from being handed out twice
            }
         }
      }
   }

   public SitePorts of(Site site) {
      return sites.get(site);
   }

   public int link(CuttableLink link) {
      return links.get(link);
   }

   /**
    * The template tokens and their values: {@code @<site>.<acceptor>@} for every gateway (e.g.
    * {@code @beijing.fwd@}), {@code @<from>-<to>.link@} for the cuttable links, and the short forms
    * {@code @name@}, {@code @core@}, {@code @smpp@}, {@code @cmpp@}, {@code @fwd@} for {@code self}.
    */
   Map<String, String> tokens(Site self) {
      Map<String, String> tokens = new LinkedHashMap<>();
      for (Site site : Site.values()) {
         SitePorts ports = of(site);
         tokens.put(site.id() + ".core", Integer.toString(ports.core()));
         tokens.put(site.id() + ".smpp", Integer.toString(ports.smpp()));
         tokens.put(site.id() + ".cmpp", Integer.toString(ports.cmpp()));
         tokens.put(site.id() + ".fwd", Integer.toString(ports.fwd()));
         if (site.hasCarrier()) {
            tokens.put(site.id() + ".smsc", Integer.toString(ports.smsc()));
         }
      }
      for (CuttableLink link : CuttableLink.ALL) {
         tokens.put(link.from().id() + "-" + link.to().id() + ".link", Integer.toString(link(link)));
      }
      SitePorts own = of(self);
      tokens.put("name", self.id());
      tokens.put("core", Integer.toString(own.core()));
      tokens.put("smpp", Integer.toString(own.smpp()));
      tokens.put("cmpp", Integer.toString(own.cmpp()));
      tokens.put("fwd", Integer.toString(own.fwd()));
      return tokens;
   }

   private static int freePort(List<ServerSocket> held) {
      try {
         ServerSocket socket = new ServerSocket(0);
         held.add(socket);
         return socket.getLocalPort();
      } catch (IOException e) {
         throw new UncheckedIOException(e);
      }
   }
}
