package io.smsgw.cmpp.fwd;

import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.management.ObjectName;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.smsgw.broker.GatewayMeters;
import io.smsgw.broker.TlsClientContexts;
import io.smsgw.broker.GatewayConfigServices;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.GatewayConfigLocator;
import io.smsgw.core.config.PeerConfig;
import io.smsgw.core.runtime.AcceptedSegments;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.PeerReconfiguration;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStore;
import io.smsgw.correlation.CorrelationStoreConfig;
import io.smsgw.correlation.LostStoreGuard;
import io.smsgw.correlation.RocksDbCorrelationStore;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker-lifetime component that runs one outgoing {@link FwdLink} per entry of the {@code peers} section, on a
 * small event loop group of their own, each with a management bean ({@code component=sms-fwd,name=<peer>}).
 * Opens nothing while no peer is configured. A reload of {@code peers} applies at once ({@link #reconfigure}): a peer
 * added gets its link (the reload that adds the first one opens the store and the threads), a removed one's link stops
 * gracefully, a peer whose link settings changed, or whose TLS store files were replaced at the same paths, has its link
 * stopped and started again, the others are left alone. A broker stop stops the links gracefully (see {@link FwdLink}),
 * all at once. It also keeps the {@link FwdForwards}, which peer each forwarded MT went to, in a correlation store next
 * to the journal ({@value #STORE_DIRECTORY}), for the incoming FWD sessions to check reports against.
 */
public final class FwdLinkService implements ActiveMQComponent {

   private static final Logger logger = LoggerFactory.getLogger(FwdLinkService.class);
   static final String STORE_DIRECTORY = "sms-fwd-forwards";
   /**
    * Written into the journal's directory once the forward records exist. A start that finds it but no store creates no
    * empty one: the store was lost (broker data restored or moved without it, only the journal on a persistent volume).
    */
   static final String STORE_MARKER = "sms-fwd-forwards.created";
   /** How long a report that overtook the record of its MT's FWD_RESP (or one about to be refused) waits for it. */
   static final long REPORT_WAIT_MILLIS = 2_000;
   private static final long HOUSEKEEPING_MILLIS = 250;
   /**
    * Replaces the forward records' grace (milliseconds; default one hour: how long a final report's marker lives, and
    * what is added to a forward's deadline). For tests, which cannot wait hours for a record to expire.
    */
   static final String RECORD_GRACE_PROPERTY = "smsgw.fwd.record-grace";
   /** Longest wait of routing's dead-letter or expiry consumer for the forward records' answer; it tries again later. */
   private static final long FORWARD_LOOKUP_SECONDS = 5;
   /** Event loops for all links (Netty starts a loop's thread only when a link is given it). */
   private static final int EVENT_LOOPS = 2;

   /**
    * A started link, what was registered for it (removed again when it stops), and the digests of the TLS store files
    * its context was built from (null without TLS), which a reload compares with the files.
    */
   private record Running(FwdLink link, ObjectName bean, GatewayMeters meters, TlsClientContexts.Stores stores) {
   }

   private final ActiveMQServer server;
   private final GatewayRuntime runtime;
   /** The started links by peer code (guarded by this). */
   private final Map<String, Running> running = new LinkedHashMap<>();
   /**
    * The running links by peer code, for the forward records' expiry reporter (on the records' writer thread, which must
    * not wait for this service's lock): replaced whenever {@link #running} changes.
    */
   private volatile Map<String, FwdLink> reporters = Map.of();
   private final PeerReconfiguration reconfiguration = this::reconfigure;
   private EventLoopGroup group;
   private CorrelationStore store;
   private FwdForwards forwards;
   private ScheduledExecutorService housekeeping;
   private volatile boolean started;
   /**
    * The gateway code and max-hops of the start: every link this service runs uses them until the broker restarts,
    * a link a reload starts too (decision 150), so the links never speak for two codes at once.
    */
   private String startCode;
   private int startMaxHops;

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
         GatewayConfigServices.of(server, runtime).start();
      }
      GatewayConfig config = runtime.config();
      startCode = config.code();
      startMaxHops = config.maxHops();
      if (!config.peers().isEmpty()) {
         // The TLS contexts first, off the event loops: a trust or key store that cannot be read fails the start before
         // anything is opened, naming the peer and the file, instead of failing each connection attempt.
         Map<String, TlsClientContexts.Loaded> tls = new HashMap<>();
         for (PeerConfig peer : config.peers().values()) {
            if (peer.tls().enabled()) {
               tls.put(peer.code(), TlsClientContexts.load(owner(peer), peer.tls()));
            }
         }
         try {
            open();
            for (PeerConfig peer : config.peers().values()) {
               launch(peer, tls.get(peer.code()));
            }
         } catch (Exception | Error e) {
            // A link that cannot start must not leave the ones started before it consuming and connected, nor the threads.
            release();
            throw e;
         }
         logger.info("{} FWD link(s) to peer gateways started", running.size());
      }
      started = true;
      runtime.peerReconfiguration(reconfiguration);
   }

   /** The forward records' store, their housekeeping and the event loops, opened with the first link; once open they stay. */
   private void open() throws Exception {
      if (group != null) {
         return; // open already (the last thing it opens)
      }
      try {
         LostStoreGuard guard = storeGuard();
         guard.refuseIfLost(logger);
         store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(guard.store())
            .receiptWaitMillis(REPORT_WAIT_MILLIS)
            .expiryGraceMillis(recordGraceMillis())
            // a forward past its deadline with no final report from the peer: its final report is made here
            .expiryReporter(this::reportExpired)
            // Small records, one per MT in flight between the FWD_RESP and its final report: a smaller cache than the SMSC
            // links' store, which shares the host.
            .blockCacheBytes(16L << 20).writeBufferBytes(8L << 20)
            .build());
         guard.mark(logger);
         forwards = new FwdForwards(store, this::reportWaitMillis);
         housekeeping = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("cmpp-fwd-housekeeping", true));
         CorrelationStore expiring = store;
         housekeeping.scheduleWithFixedDelay(() -> expire(expiring), HOUSEKEEPING_MILLIS, HOUSEKEEPING_MILLIS, TimeUnit.MILLISECONDS);
         FwdPeers.of(runtime).setForwards(forwards);
         registerForwardedSegments(store);
         group = new NioEventLoopGroup(EVENT_LOOPS, new DefaultThreadFactory("cmpp-fwd-links", true));
      } catch (Exception | Error e) {
         closeShared();
         throw e;
      }
   }

   /**
    * Tells routing which parts of an MT a peer answered Result 0 to, so an MT dead-lettered (or expired) on an
    * {@code sms.gw.*} queue after a peer stored some of its parts is reported only for the others (decision 172). Asked on
    * routing's consumer thread, never an event loop, with a bounded wait. It stays registered after a stop, as the SMSC
    * links' lookup does: the closed store fails the question, and routing asks again later.
    */
   private void registerForwardedSegments(CorrelationStore records) {
      runtime.forwardedSegments((smsId, destination) -> records.findAccepted(smsId, destination).toCompletableFuture()
         .get(FORWARD_LOOKUP_SECONDS, TimeUnit.SECONDS).stream()
         // a final report's marker too: the peer held that part, and its report came
         .map(r -> new AcceptedSegments.Segment(r.segmentRef(), r.segmentTotal(), r.segmentNumber())).toList());
   }

   /** A peer's report-wait as the configuration in force says; the default for a peer no longer configured. */
   private long reportWaitMillis(String peer) {
      PeerConfig config = runtime.config().peers().get(peer);
      return (config == null ? PeerConfig.DEFAULT_REPORT_WAIT : config.reportWait()).toMillis();
   }

   /**
    * The forward records' expiry reporter, on their writer thread: a marker goes silently; a forward (no final report
    * came from its peer by its deadline) gets its final report from its peer's link, or from any running link when that
    * peer's is not running (removed from {@code peers}). With no link running the record stays and is reported later.
    */
   private CompletionStage<?> reportExpired(CorrelationRecord record) {
      if (FwdForwards.isMarker(record)) {
         return CompletableFuture.completedFuture(null);
      }
      Map<String, FwdLink> links = reporters;
      FwdLink link = links.get(record.linkId());
      if (link == null) {
         link = links.values().stream().findFirst().orElse(null);
      }
      return link != null ? link.reportExpired(record)
         : CompletableFuture.failedFuture(new IllegalStateException("no FWD link running"));
   }

   private synchronized void refreshReporters() {
      Map<String, FwdLink> links = new HashMap<>();
      running.forEach((code, each) -> links.put(code, each.link()));
      reporters = Map.copyOf(links);
   }

   /** {@value #RECORD_GRACE_PROPERTY}, or one hour; a value that is no number of milliseconds stops the start. */
   static long recordGraceMillis() {
      String configured = System.getProperty(RECORD_GRACE_PROPERTY, "").trim();
      if (configured.isEmpty()) {
         return 60 * 60_000L;
      }
      try {
         long value = Long.parseLong(configured);
         if (value >= 0) {
            return value;
         }
      } catch (NumberFormatException e) {
         // below
      }
      throw new IllegalArgumentException("System property " + RECORD_GRACE_PROPERTY + " must be milliseconds (0 or more), is '"
                                         + configured + "'");
   }

   /** Creates and starts a peer's link and registers its bean and meters (any thread but an event loop). */
   private void launch(PeerConfig peer, TlsClientContexts.Loaded tls) throws Exception {
      FwdLink link = new FwdLink(peer, startCode, startMaxHops, server, group.next(),
                                 // CONNECT Timestamps and report times in the CMPP acceptors' zone (cmppTimeZone), as the peers read them
                                 Clock.system(io.smsgw.cmpp.server.CmppZone.of(server)), forwards,
                                 tls == null ? null : tls.context());
      link.start();
      GatewayMeters meters = GatewayMeters.of(server);
      running.put(peer.code(), new Running(link, register(link), meters, tls == null ? null : tls.stores())); // only started links are stopped again
      refreshReporters();
      FwdLinkMeters.register(meters, link);
   }

   /**
    * A reload's {@code peers}, on the reloader's thread (decision 135's way for the SMSC links): links of removed and
    * changed peers stop together, gracefully (the FWDs in flight get their FWD_RESP until the response timeout, then
    * CMPP_TERMINATE; what is unanswered goes back to {@code sms.gw.<code>}), then the links of changed and added peers
    * start. A peer counts as changed when its link settings ({@link PeerConfig#linkSettings()}: host, port, secret,
    * window, timers, TLS settings) differ, or when a TLS store file it uses holds other bytes than its context was built
    * from. A link whose new TLS stores cannot be read is logged at ERROR and left as it was (a changed one keeps running
    * with its previous settings and context); one that fails to start is logged at ERROR and stays stopped. The next
    * reload tries either again. {@code gateway.code} and {@code max-hops} are those of the service's start for every
    * link, those a reload starts included (restart; a changed code is warned about).
    *
    * @return one line per peer whose link is left out of line with {@code config} (empty when all are)
    */
   synchronized List<String> reconfigure(GatewayConfig config) {
      if (!started) {
         return List.of();
      }
      Map<String, PeerConfig> wanted = config.peers();
      List<String> problems = new ArrayList<>();
      List<Running> removed = new ArrayList<>();
      List<PeerConfig> changed = new ArrayList<>();
      List<PeerConfig> added = new ArrayList<>();
      Map<String, List<String>> renewed = new HashMap<>();
      for (Running each : running.values()) {
         PeerConfig next = wanted.get(each.link().config().code());
         if (next == null) {
            removed.add(each);
         } else if (!next.linkSettings().equals(each.link().config().linkSettings())) {
            changed.add(next);
         } else if (next.tls().enabled() && each.stores() != null) {
            try {
               List<String> files = TlsClientContexts.stores(owner(next), next.tls()).changedSince(each.stores());
               if (!files.isEmpty()) {
                  changed.add(next);
                  renewed.put(next.code(), files);
               }
            } catch (RuntimeException e) {
               logger.error("FWD link to gateway {} keeps running with the TLS stores it read at its start: {}", next.code(),
                            e.getMessage(), e);
               problems.add(next.code() + ": kept running as it was, " + e.getMessage());
            }
         }
      }
      for (PeerConfig peer : wanted.values()) {
         if (!running.containsKey(peer.code())) {
            added.add(peer);
         }
      }
      if (removed.isEmpty() && changed.isEmpty() && added.isEmpty()) {
         return problems;
      }
      // The TLS contexts before anything stops: a changed peer whose new stores cannot be read keeps its link as it was.
      Map<String, TlsClientContexts.Loaded> tls = new HashMap<>();
      for (PeerConfig peer : concat(changed, added)) {
         if (peer.tls().enabled()) {
            try {
               tls.put(peer.code(), TlsClientContexts.load(owner(peer), peer.tls()));
            } catch (RuntimeException e) {
               boolean isChange = changed.contains(peer);
               logger.error("FWD link to gateway {} not {} at the reload: {}", peer.code(),
                            isChange ? "changed (it keeps running with its previous settings and TLS context)" : "started",
                            e.getMessage(), e);
               problems.add(peer.code() + ": " + (isChange ? "kept running as it was, " : "not started, ") + e.getMessage());
            }
         }
      }
      changed.removeIf(p -> p.tls().enabled() && !tls.containsKey(p.code()));
      added.removeIf(p -> p.tls().enabled() && !tls.containsKey(p.code()));
      List<Running> stopping = new ArrayList<>(removed);
      changed.forEach(p -> stopping.add(running.get(p.code())));
      if (!stopping.isEmpty()) {
         stopLinks(stopping.stream().map(Running::link).toList());
         for (Running each : stopping) {
            String code = each.link().config().code();
            unregister(each);
            running.remove(code);
            refreshReporters();
            if (!wanted.containsKey(code)) {
               logger.info("FWD link to gateway {} removed by the reload: stopped; what waits on {} stays there", code,
                           each.link().queueName());
            }
         }
      }
      if (!changed.isEmpty() || !added.isEmpty()) {
         try {
            open();
         } catch (Exception | Error e) {
            List<String> codes = concat(changed, added).stream().map(PeerConfig::code).toList();
            logger.error("FWD links to gateways {} not started at the reload: the forward records and the links' threads cannot open",
                         codes, e);
            problems.add("FWD links to gateways " + codes + " not started: " + e.getMessage());
            return problems;
         }
      }
      if (!(changed.isEmpty() && added.isEmpty()) && !config.code().equals(startCode)) {
         // Links of one broker speak for one gateway; the reloader names gateway.code among what waits for a restart.
         logger.warn("FWD links to gateways {} start as gateway {}, the code of the broker's start: gateway.code {} "
                     + "applies to the FWD links only after a restart",
                     concat(changed, added).stream().map(PeerConfig::code).toList(), startCode, config.code());
      }
      for (PeerConfig peer : concat(changed, added)) {
         boolean isChange = changed.contains(peer);
         try {
            launch(peer, tls.get(peer.code()));
            List<String> files = renewed.get(peer.code());
            if (files != null) {
               logger.info("FWD link to gateway {} restarted by the reload with its renewed {} (the file changed at the same path)",
                           peer.code(), String.join(" and ", files));
            } else {
               logger.info("FWD link to gateway {} {} by the reload", peer.code(), isChange ? "restarted with its new settings" : "added");
            }
         } catch (Exception e) {
            // Its queue keeps what routing sends the peer until a reload starts the link.
            logger.error("FWD link to gateway {} could not start at the reload", peer.code(), e);
            problems.add(peer.code() + ": not started, " + e.getMessage());
         }
      }
      return problems;
   }

   private static List<PeerConfig> concat(List<PeerConfig> a, List<PeerConfig> b) {
      List<PeerConfig> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
   }

   private static String owner(PeerConfig peer) {
      return "FWD link to gateway " + peer.code();
   }

   @Override
   public synchronized void stop() throws Exception {
      runtime.withdrawPeerReconfiguration(reconfiguration);
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

   /**
    * Refuses to create empty forward records in place of the ones this broker's links kept before: without them every
    * report a peer sends on an MT forwarded before is refused. {@value #STORE_MARKER} is in the journal's directory, so
    * it stays with the journal when the broker data is split.
    */
   private LostStoreGuard storeGuard() {
      return new LostStoreGuard(storeDirectory(),
         server.getConfiguration().getJournalLocation().getAbsoluteFile().toPath().resolve(STORE_MARKER),
         "The FWD links' store of forward records", "the FWD links",
         "lose the record of every MT forwarded to a peer gateway before (the peers' status reports on them refused with"
            + " Result 9 and dead-lettered there: no status report to the SP and no billing record here for them)",
         "docs/multi-gateway.md");
   }

   /**
    * Reports forwards past their deadline plus grace (no final report came from the peer: {@link #reportExpired}) and
    * drops markers past theirs.
    */
   private static void expire(CorrelationStore store) {
      try {
         store.expire(System.currentTimeMillis());
      } catch (RuntimeException e) {
         logger.warn("Expiring the FWD forward records failed", e);
      }
   }

   /** Stops the started links and closes what {@link #open()} opened; also after a start that failed part way. */
   private void release() {
      List<Running> all = new ArrayList<>(running.values());
      stopLinks(all.stream().map(Running::link).toList());
      // Unregistered after the links stopped, so operators can watch them stop.
      all.forEach(this::unregister);
      running.clear();
      refreshReporters();
      closeShared();
   }

   /** All links stop together, so a broker stop or a reload waits for the slowest peer once, not for each in turn. */
   private static void stopLinks(List<FwdLink> links) {
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
   }

   /** Removes a stopped link's bean and meters. */
   private void unregister(Running each) {
      each.meters().close();
      if (each.bean() != null) {
         try {
            server.getManagementService().unregisterUntypedControl(resourceName(each.link().config().code()), each.bean());
         } catch (Exception e) {
            logger.debug("Unregistering {}", each.bean(), e);
         }
      }
   }

   /** Closes what {@link #open()} opened, whatever part of it. */
   private void closeShared() {
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
         forwards = null;
      }
   }

   /** Resource name of a link's management bean: {@code ManagementService.getUntypedControl("sms-fwd.<peer>")}. */
   public static String resourceName(String peerCode) {
      return "sms-fwd." + peerCode;
   }

   /** The link's management bean; null when it could not be registered (logged). */
   private ObjectName register(FwdLink link) {
      try {
         var config = server.getConfiguration();
         ObjectName name = ObjectName.getInstance(config.getJMXDomain() + ":broker=" + ObjectName.quote(config.getName())
            + ",component=sms-fwd,name=" + ObjectName.quote(link.config().code()));
         server.getManagementService().registerUntypedControl(resourceName(link.config().code()), new FwdLinkControl(link, FwdPeers.of(runtime)), name);
         return name;
      } catch (Exception e) {
         logger.warn("Could not register the management bean of the FWD link to {}", link.config().code(), e);
         return null;
      }
   }

   @Override
   public boolean isStarted() {
      return started;
   }

   /** The running links. */
   synchronized List<FwdLink> links() {
      return running.values().stream().map(Running::link).toList();
   }
}
