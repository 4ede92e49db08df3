package io.smsgw.examples.multigateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.smsgw.examples.QuickStartGateway;

/**
 * Five gateways on loopback in one JVM: the tandem gateway, Beijing and Guangzhou (where the SP Sina is
 * connected, north and south), Tianjin and Guangxi, each regional gateway with its carrier SMSC simulator, and
 * the FWD links between Tianjin and Beijing running through {@link LinkCutter}s. Configuration comes from the
 * templates in the class-path folder {@code multi-gateway/}; the rendered files and the data of gateway
 * {@code x} are in {@code <work>/x/etc} and {@code <work>/x/data}.
 *
 * <p>Used by the runnable example ({@link MultiGatewayExample}, fixed ports) and by the scenario test (free
 * ports).
 */
@SuppressWarnings("try") // close() may throw InterruptedException: stopping the brokers waits
public final class MultiGatewayTopology implements AutoCloseable {

   /** Sina's CMPP account at Beijing and Guangzhou: SP_Id, shared secret and service number (SP_Code). */
   public static final String SINA_SP_ID = "901234";
   public static final String SINA_SECRET = "secret";
   public static final String SINA_SERVICE_NUMBER = "1065712345";

   /** Start order: the tandem first, so every gateway's route cache finds it at once. */
   private static final List<Site> START_ORDER = List.of(Site.TANDEM, Site.BEIJING, Site.GUANGZHOU, Site.TIANJIN, Site.GUANGXI);

   private final Settings settings;
   private final Map<Site, GatewayNode> nodes;
   private final Map<CuttableLink, LinkCutter> cutters;

   /**
    * @param workDir      folder for each gateway's rendered configuration and data
    * @param ports        where everything listens
    * @param receiptDelay time from a carrier SMSC's submit_sm_resp to its receipt (every receipt DELIVRD)
    */
   public record Settings(Path workDir, TopologyPorts ports, Duration receiptDelay) {
   }

   private MultiGatewayTopology(Settings settings, Map<Site, GatewayNode> nodes, Map<CuttableLink, LinkCutter> cutters) {
      this.settings = settings;
      this.nodes = nodes;
      this.cutters = cutters;
   }

   /** Starts the cuttable links, then the gateways in {@link #START_ORDER}; stops what started if one fails. */
   public static MultiGatewayTopology start(Settings settings) throws Exception {
      QuickStartGateway.requirePlugins();
      Map<CuttableLink, LinkCutter> cutters = new LinkedHashMap<>();
      Map<Site, GatewayNode> nodes = new EnumMap<>(Site.class);
      MultiGatewayTopology topology = new MultiGatewayTopology(settings, nodes, cutters);
      try {
         for (CuttableLink link : CuttableLink.ALL) {
            cutters.put(link, LinkCutter.start(link.toString(), settings.ports().link(link), settings.ports().of(link.to()).fwd()));
         }
         for (Site site : START_ORDER) {
            nodes.put(site, GatewayNode.start(site, settings.ports(), settings.workDir(), settings.receiptDelay()));
         }
         return topology;
      } catch (Exception | Error e) {
         topology.close();
         throw e;
      }
   }

   public GatewayNode node(Site site) {
      GatewayNode node = nodes.get(site);
      if (node == null) {
         throw new IllegalStateException(site + " is not running");
      }
      return node;
   }

   public TopologyPorts ports() {
      return settings.ports();
   }

   public Path workDir() {
      return settings.workDir();
   }

   /** The cutters between {@code a} and {@code b}, both directions. */
   private List<LinkCutter> between(Site a, Site b) {
      List<LinkCutter> found = new ArrayList<>();
      cutters.forEach((link, cutter) -> {
         if (link.from() == a && link.to() == b || link.from() == b && link.to() == a) {
            found.add(cutter);
         }
      });
      if (found.isEmpty()) {
         throw new IllegalArgumentException("No cuttable link between " + a.id() + " and " + b.id() + "; there is one: " + CuttableLink.ALL);
      }
      return found;
   }

   /** Cuts the FWD links between {@code a} and {@code b} in both directions: connections dropped, new ones refused. */
   public void cut(Site a, Site b) {
      between(a, b).forEach(LinkCutter::cut);
   }

   /** Lets the FWD links between {@code a} and {@code b} connect again. */
   public void restore(Site a, Site b) {
      between(a, b).forEach(LinkCutter::restore);
   }

   /** Whether every regional gateway's SMSC link to its carrier is bound. */
   public boolean carrierLinksBound() {
      for (Site site : Site.values()) {
         if (site.hasCarrier() && !node(site).carrierLinkBound()) {
            return false;
         }
      }
      return true;
   }

   /** The cutter a link runs through. */
   public LinkCutter cutter(CuttableLink link) {
      return cutters.get(link);
   }

   /** A table of what listens where, for the log. */
   public String describe() {
      StringBuilder out = new StringBuilder();
      out.append(String.format(Locale.ROOT, "%-10s %-7s %-6s %-11s %-6s %-11s %-11s %-13s %s%n",
                               "gateway", "code", "region", "JMS/CORE", "SMPP", "CMPP (SPs)", "gateways", "carrier SMSC", "handsets"));
      for (Site site : Site.values()) {
         TopologyPorts.SitePorts p = ports().of(site);
         out.append(String.format(Locale.ROOT, "%-10s %-7s %-6s %-11d %-6d %-11d %-11s %-13s %s%n",
                                  site.id(), site.code(), site.hasCarrier() ? site.region() : "-", p.core(), p.smpp(),
                                  p.cmpp(), site == Site.TANDEM ? p.fwd() + " (GNS)" : p.fwd() + " (FWD)",
                                  site.hasCarrier() ? Integer.toString(p.smsc()) : "-",
                                  site.hasCarrier() ? site.numberSegment() + "xxxx" : "-"));
      }
      for (CuttableLink link : CuttableLink.ALL) {
         out.append("cuttable FWD link ").append(link).append(": port ").append(ports().link(link)).append(System.lineSeparator());
      }
      out.append("Sina: CMPP SP ").append(SINA_SP_ID).append(" / ").append(SINA_SECRET).append(", service number ")
         .append(SINA_SERVICE_NUMBER).append(", at beijing and guangzhou").append(System.lineSeparator());
      out.append("Configuration and data: ").append(workDir().toAbsolutePath().normalize()).append("/<gateway>/{etc,data}");
      return out.toString();
   }

   /** Stops the gateways in reverse start order, then the cuttable links. */
   @Override
   public void close() throws Exception {
      Exception failure = null;
      List<Site> reverse = new ArrayList<>(START_ORDER);
      Collections.reverse(reverse);
      for (Site site : reverse) {
         GatewayNode node = nodes.remove(site);
         if (node != null) {
            try {
               node.close();
            } catch (Exception e) {
               if (failure == null) {
                  failure = e;
               } else {
                  failure.addSuppressed(e);
               }
            }
         }
      }
      cutters.values().forEach(LinkCutter::close);
      cutters.clear();
      if (failure != null) {
         throw failure;
      }
   }
}
