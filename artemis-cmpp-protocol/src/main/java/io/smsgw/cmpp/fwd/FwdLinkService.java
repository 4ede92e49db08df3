package io.smsgw.cmpp.fwd;

import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.management.ObjectName;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.smsgw.broker.GatewayMeters;
import io.smsgw.broker.TlsClientContexts;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.GatewayConfigLocator;
import io.smsgw.core.config.PeerConfig;
import io.smsgw.core.runtime.GatewayConfigService;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.correlation.CorrelationStore;
import io.smsgw.correlation.CorrelationStoreConfig;
import io.smsgw.correlation.RocksDbCorrelationStore;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker-lifetime component that runs one outgoing {@link FwdLink} per entry of the {@code peers} section, on a
 * small event loop group of their own, each with a management bean ({@code component=sms-fwd,name=<peer>}).
 * Does nothing when no peers are configured. Peers added by a reload start with the next broker start. A broker
 * stop stops the links gracefully (see {@link FwdLink}), all at once. It also keeps the {@link FwdForwards}, which peer
 * each forwarded MT went to, in a correlation store next to the journal ({@value #STORE_DIRECTORY}), for the incoming
 * FWD sessions to check reports against.
 */
public final class FwdLinkService implements ActiveMQComponent {

   private static final Logger logger = LoggerFactory.getLogger(FwdLinkService.class);
   static final String STORE_DIRECTORY = "sms-fwd-forwards";
   /** How long a report that overtook the record of its MT's FWD_RESP (or one about to be refused) waits for it. */
   static final long REPORT_WAIT_MILLIS = 2_000;
   private static final long HOUSEKEEPING_MILLIS = 250;

   private final ActiveMQServer server;
   private final GatewayRuntime runtime;
   private final List<FwdLink> links = new ArrayList<>();
   private final List<ObjectName> registered = new ArrayList<>();
   /** The links' meters (none without a metrics plugin), removed when the links stop. */
   private GatewayMeters meters;
   private EventLoopGroup group;
   private CorrelationStore store;
   private ScheduledExecutorService housekeeping;
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
      // The TLS contexts first, off the event loops: a trust or key store that cannot be read fails the start before
      // anything is opened, naming the peer and the file, instead of failing each connection attempt.
      java.util.Map<String, io.netty.handler.ssl.SslContext> tls = new java.util.HashMap<>();
      for (PeerConfig peer : config.peers().values()) {
         if (peer.tls().enabled()) {
            tls.put(peer.code(), TlsClientContexts.build("FWD link to gateway " + peer.code(), peer.tls()));
         }
      }
      meters = GatewayMeters.of(server);
      try {
         store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(storeDirectory())
            .receiptWaitMillis(REPORT_WAIT_MILLIS)
            // Small records, one per MT in flight between the FWD_RESP and its final report: a smaller cache than the SMSC
            // links' store, which shares the host.
            .blockCacheBytes(16L << 20).writeBufferBytes(8L << 20)
            .build());
         FwdForwards forwards = new FwdForwards(store);
         housekeeping = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("cmpp-fwd-housekeeping", true));
         housekeeping.scheduleWithFixedDelay(this::expire, HOUSEKEEPING_MILLIS, HOUSEKEEPING_MILLIS, TimeUnit.MILLISECONDS);
         FwdPeers.of(runtime).setForwards(forwards);
         group = new NioEventLoopGroup(Math.min(2, config.peers().size()), new DefaultThreadFactory("cmpp-fwd-links", true));
         // CONNECT Timestamps and report times in the CMPP acceptors' zone (cmppTimeZone), as the peers read them.
         Clock clock = Clock.system(io.smsgw.cmpp.server.CmppZone.of(server));
         for (PeerConfig peer : config.peers().values()) {
            FwdLink link = new FwdLink(peer, config.code(), config.maxHops(), server, group.next(), clock, forwards,
                                       tls.get(peer.code()));
            link.start();
            links.add(link); // only started links are stopped again
            register(link);
            FwdLinkMeters.register(meters, link);
         }
      } catch (Exception | Error e) {
         // A link that cannot start must not leave the ones started before it consuming and connected, nor the threads.
         release();
         throw e;
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
      release();
   }

   /** Next to the journal, as the SMSC links' store, so it moves, backs up and fails over with the broker's data. */
   private Path storeDirectory() {
      File journal = server.getConfiguration().getJournalLocation();
      File parent = journal.getAbsoluteFile().getParentFile();
      return (parent == null ? journal : parent).toPath().resolve(STORE_DIRECTORY);
   }

   /** Drops forwards past their MT's validity plus grace (no report came), and markers past the grace. */
   private void expire() {
      try {
         store.expire(System.currentTimeMillis());
      } catch (RuntimeException e) {
         logger.warn("Expiring the FWD forward records failed", e);
      }
   }

   /** Stops the started links and the event loops; also after a start that failed part way. */
   private void release() {
      // All links stop together, so a broker stop waits for the slowest peer once, not for each in turn.
      List<CompletableFuture<Void>> stopping = new ArrayList<>();
      long deadline = System.nanoTime();
      for (FwdLink link : links) {
         stopping.add(link.beginStop());
         deadline = Math.max(deadline, System.nanoTime() + link.stopDeadlineNanos());
      }
      for (int i = 0; i < links.size(); i++) {
         FwdLink.awaitStopped(stopping.get(i), deadline);
         links.get(i).closeSession();
      }
      links.clear();
      if (meters != null) {
         meters.close();
         meters = null;
      }
      // Unregistered last, so operators can watch the links stop.
      for (ObjectName name : registered) {
         try {
            server.getManagementService().unregisterUntypedControl(resourceName(ObjectName.unquote(name.getKeyProperty("name"))), name);
         } catch (Exception e) {
            logger.debug("Unregistering {}", name, e);
         }
      }
      registered.clear();

      if (group != null) {
         group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
         group = null;
      }
      if (housekeeping != null) {
         housekeeping.shutdownNow();
         housekeeping = null;
      }
      if (store != null) {
         FwdPeers.of(runtime).setForwards(null);
         try {
            store.close();
         } catch (RuntimeException e) {
            logger.warn("Closing the FWD forward records failed", e);
         }
         store = null;
      }
   }

   /** Resource name of a link's management bean: {@code ManagementService.getUntypedControl("sms-fwd.<peer>")}. */
   public static String resourceName(String peerCode) {
      return "sms-fwd." + peerCode;
   }

   private void register(FwdLink link) {
      try {
         var config = server.getConfiguration();
         ObjectName name = ObjectName.getInstance(config.getJMXDomain() + ":broker=" + ObjectName.quote(config.getName())
            + ",component=sms-fwd,name=" + ObjectName.quote(link.config().code()));
         server.getManagementService().registerUntypedControl(resourceName(link.config().code()), new FwdLinkControl(link), name);
         registered.add(name);
      } catch (Exception e) {
         logger.warn("Could not register the management bean of the FWD link to {}", link.config().code(), e);
      }
   }

   @Override
   public boolean isStarted() {
      return started;
   }

   List<FwdLink> links() {
      return links;
   }
}
