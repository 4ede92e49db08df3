package io.smsgw.cmpp.fwd;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.GatewayConfigLocator;
import io.smsgw.core.config.PeerConfig;
import io.smsgw.core.runtime.GatewayConfigService;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker-lifetime component that runs one outgoing {@link FwdLink} per entry of the {@code peers} section, on a
 * small event loop group of their own. Does nothing when no peers are configured. Peers added by a reload start
 * with the next broker start.
 */
public final class FwdLinkService implements ActiveMQComponent {

   private static final Logger logger = LoggerFactory.getLogger(FwdLinkService.class);

   private final ActiveMQServer server;
   private final GatewayRuntime runtime;
   private final List<FwdLink> links = new ArrayList<>();
   private EventLoopGroup group;
   private volatile boolean started;

   public FwdLinkService(ActiveMQServer server, GatewayRuntime runtime) {
      this.server = server;
      this.runtime = runtime;
   }

   @Override
   public synchronized void start() throws Exception {
      if (started) {
         return;
      }
      if (!runtime.isConfigured()) {
         if (!new GatewayConfigLocator().isAvailable()) {
            logger.debug("No gateway configuration found: no FWD links");
            return;
         }
         new GatewayConfigService(server.getConfiguration().getName(), runtime).start();
      }
      GatewayConfig config = runtime.config();
      if (config.peers().isEmpty()) {
         return;
      }
      group = new NioEventLoopGroup(Math.min(2, config.peers().size()), new DefaultThreadFactory("cmpp-fwd-links", true));
      for (PeerConfig peer : config.peers().values()) {
         FwdLink link = new FwdLink(peer, config.code(), config.maxHops(), server, group.next(), Clock.systemDefaultZone());
         links.add(link);
         link.start();
      }
      started = true;
      logger.info("{} FWD link(s) to peer gateways started", links.size());
   }

   @Override
   public synchronized void stop() throws Exception {
      if (!started) {
         return;
      }
      started = false;
      for (FwdLink link : links) {
         link.stop();
      }
      links.clear();
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
   }

   @Override
   public boolean isStarted() {
      return started;
   }

   List<FwdLink> links() {
      return links;
   }
}
