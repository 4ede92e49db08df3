package io.smsgw.smpp.client;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import javax.management.ObjectName;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.smsgw.core.file.DurableFiles;
import io.smsgw.broker.GatewayMeters;
import io.smsgw.broker.LinkBootstrap;
import io.smsgw.broker.TlsClientContexts;
import io.smsgw.broker.GatewayConfigServices;
import io.smsgw.core.config.GatewayConfigLocator;
import io.smsgw.core.config.SmscLinkConfig;
import io.smsgw.core.runtime.AcceptedSegments;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.LinkReconfiguration;
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
 * Broker-lifetime component that runs the SMSC links of {@code sms-gateway.conf}: one event loop group for
 * their connections, the receipt correlation store next to the broker's journal, a housekeeping thread
 * that expires correlation records, and one management bean per link. Opens none of these while no link is
 * configured; a reload that adds the first link opens them then. A reload of the {@code links} section applies at once
 * ({@link #reconfigure}): added links start, removed links stop as at a broker stop, changed links stop and start
 * again with their new settings, and so do links whose TLS key or trust store file was replaced at the same path;
 * unchanged links keep running untouched.
 */
public final class SmscLinkService implements ActiveMQComponent {

   private static final Logger logger = LoggerFactory.getLogger(SmscLinkService.class);
   static final String STORE_DIRECTORY = "sms-correlation";
   /**
    * Written into the journal's directory once the store exists. A start that finds it but no store creates no empty
    * one: the store was lost (broker data restored or moved without it, only the journal on a persistent volume).
    */
   static final String STORE_MARKER = "sms-correlation.created";
   /**
    * Beside the store: the links' correlation groups as last configured and the groups each group had before
    * ({@link #previousGroups}), so that a start with a configuration that changes a group still reads the old one.
    */
   static final String GROUPS_FILE = "sms-correlation.groups";
   /** How long a receipt that overtook its submit_sm_resp waits for the record (the store's receiptWaitMillis). */
   public static final long RECEIPT_WAIT_MILLIS = 500;
   private static final long HOUSEKEEPING_MILLIS = 250;
   /**
    * Ages after parking at which a parked receipt is looked up again: covers records that became durable
    * late under overload, and gives up well before the SMSC's receipt would be stale for the SP.
    */
   static final List<Long> PARKED_RECEIPT_RETRIES = List.of(1_000L, 5_000L, 30_000L, 120_000L, 600_000L);
   /** Replaces the retry ages (milliseconds, comma-separated); for tests and for operators tuning a backlog. */
   static final String PARKED_RECEIPT_RETRIES_PROPERTY = "smsgw.links.parked-receipt-retries";
   private static final long PARKED_SCAN_MAX_MILLIS = 1_000;
   /** Longest wait of routing's expiry for the store's answer; it tries again later after that. */
   private static final long ACCEPTED_LOOKUP_SECONDS = 5;
   /** How often each link sums up in the log what it logs per message at DEBUG. */
   static final long LOG_SUMMARY_INTERVAL_MILLIS = 60_000;
   /** Replaces that interval (milliseconds, at least 10); for tests and for operators who want the counts more or less often. */
   static final String LOG_SUMMARY_INTERVAL_PROPERTY = "smsgw.links.log-summary-interval";
   static final long MIN_LOG_SUMMARY_INTERVAL_MILLIS = 10;
   /** Event loops for all links (Netty starts a loop's thread only when a link is given it). */
   private static final int EVENT_LOOPS = 2;

   /**
    * A started link and what was registered for it, removed again when it stops; {@code stores}: the digests of the TLS
    * store files its context was built from (null without TLS), which a reload compares with the files.
    */
   private record Running(SmscLink link, ObjectName bean, GatewayMeters meters, ScheduledFuture<?> summary,
                          TlsClientContexts.Stores stores) {
   }

   private final ActiveMQServer server;
   private final GatewayRuntime runtime;
   private final UnaryOperator<CorrelationStore> storeView;
   /** The links' event loops ({@link #EVENT_LOOPS}; tests: one, so that links share it). */
   private final int eventLoops;
   /** How the links look their SMSC's host name up ({@link LinkBootstrap#SYSTEM}; tests: a slow or failing DNS). */
   private final LinkBootstrap.HostLookup lookup;
   /** The started links by id, in the order of the configuration (guarded by this). */
   private final Map<String, Running> running = new LinkedHashMap<>();
   /**
    * The links the store's expiry reports and the parked-receipt retrier go through, by id: those running, and during a
    * change the one stopping (housekeeping thread reads it).
    */
   private final Map<String, SmscLink> byId = new ConcurrentHashMap<>();
   /** The first running link of the configuration: it reports the expiry of records of links no longer configured. */
   private volatile SmscLink first;
   /** The running links, for tests. */
   private volatile List<SmscLink> snapshot = List.of();
   private final LinkReconfiguration reconfiguration = this::reconfigure;
   /** How many earlier groups a correlation group keeps ({@link #previousGroups}). */
   static final int MAX_PREVIOUS_GROUPS = 4;
   /**
    * By correlation group, the groups its links' records were keyed in before reloads or restarts changed them, newest
    * first, at most {@link #MAX_PREVIOUS_GROUPS} (guarded by this; kept in {@value #GROUPS_FILE}).
    */
   private Map<String, List<String>> previousGroups = Map.of();
   /** The links as last configured, with their groups and accounts (guarded by this; kept in {@value #GROUPS_FILE}). */
   private List<Member> members = List.of();

   /** A configured link as {@link #previousGroups} compares it: its name, its group and its SMSC account. */
   private record Member(String id, String group, String systemId, String host, int port) {
      static Member of(SmscLinkConfig c) {
         return new Member(c.id(), c.correlationGroup(), c.systemId(), c.host(), c.port());
      }

      /** As {@link SmscLinkConfig#sameAccount}. */
      boolean sameAccount(SmscLinkConfig c) {
         return systemId.equals(c.systemId()) && host.equalsIgnoreCase(c.host()) && port == c.port();
      }
   }
   /** The store's meters (none without a metrics plugin), removed when the service stops. */
   private GatewayMeters meters;
   private EventLoopGroup group;
   private CorrelationStore store;
   /** The store as the links and the retrier use it ({@code storeView}). */
   private CorrelationStore linkStore;
   private ScheduledExecutorService housekeeping;
   private long summaryMillis;
   private volatile boolean started;

   public SmscLinkService(ActiveMQServer server, GatewayRuntime runtime) {
      this(server, runtime, UnaryOperator.identity());
   }

   /** For tests: the links and the parked-receipt retrier use the store through {@code storeView} (one whose writes fail). */
   SmscLinkService(ActiveMQServer server, GatewayRuntime runtime, UnaryOperator<CorrelationStore> storeView) {
      this(server, runtime, storeView, EVENT_LOOPS, LinkBootstrap.SYSTEM);
   }

   /** For tests: {@code eventLoops} loops for the links, whose SMSC host names {@code lookup} looks up. */
   SmscLinkService(ActiveMQServer server, GatewayRuntime runtime, UnaryOperator<CorrelationStore> storeView, int eventLoops,
                   LinkBootstrap.HostLookup lookup) {
      this.server = server;
      this.runtime = runtime;
      this.storeView = storeView;
      this.eventLoops = eventLoops;
      this.lookup = lookup;
   }

   @Override
   public synchronized void start() throws Exception {
      if (!runtime.isConfigured()) {
         if (!new GatewayConfigLocator().isAvailable()) {
            logger.debug("No gateway configuration found: no SMSC links");
            return;
         }
         GatewayConfigServices.of(server, runtime).start();
      }
      List<SmscLinkConfig> configured = runtime.config().links();
      loadGroups();
      if (!configured.isEmpty()) {
         try {
            Map<String, List<String>> groupsBefore = previousGroups(configured);
            // The TLS contexts first: a trust or key store that cannot be read fails the start before anything is opened.
            Map<String, TlsClientContexts.Loaded> tls = new HashMap<>();
            for (SmscLinkConfig config : configured) {
               if (config.tls()) {
                  tls.put(config.id(), sslContext(config));
               }
            }
            open();
            List<SmscLink> created = new ArrayList<>();
            for (SmscLinkConfig config : configured) {
               SmscLink link = new SmscLink(config, server, runtime, linkStore, group.next(), context(tls.get(config.id())), lookup);
               link.previousGroups(groupsBefore.getOrDefault(config.correlationGroup(), List.of()));
               created.add(link);
               byId.put(config.id(), link);
            }
            for (SmscLink link : created) {
               launch(link, tls.get(link.config().id()));
            }
            ordered(configured);
            saveGroups(configured, groupsBefore);
         } catch (Exception | Error e) {
            // A bad trust store or a link that cannot start must not leave the links already started, their threads
            // or the store's lock behind: the next start on this data directory would find RocksDB locked.
            release();
            throw e;
         }
         logger.info("{} SMSC link(s) started; correlation store at {}", running.size(), storeDirectory());
      }
      started = true;
      runtime.linkReconfiguration(reconfiguration);
   }

   /**
    * What every link shares, opened with the first link (at start, or at the reload that adds it): the correlation store,
    * its meters, the event loops, the housekeeping thread with the store's expiry, the parked-receipt retries. A system
    * property that cannot be read fails it before anything opens; a failure part way closes what it opened.
    */
   private void open() throws Exception {
      if (housekeeping != null) {
         return; // open already (the last thing it opens)
      }
      try {
         openShared();
      } catch (Exception | Error e) {
         closeShared();
         throw e;
      }
   }

   private void openShared() throws Exception {
      // Read before anything opens: a value that cannot be read stops the start, as a bad acceptor parameter or
      // sms-gateway.conf value does, rather than being ignored with a WARN few would see.
      List<Long> retries = parkedReceiptRetries();
      long summary = logSummaryIntervalMillis();
      LostStoreGuard guard = storeGuard();
      Path directory = guard.store();
      guard.refuseIfLost(logger);
      store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(directory)
         // A receipt that overtakes its submit_sm_resp waits this long for the record; an unknown one is
         // parked after it, so the SMSC's response timer (often 2 s or more) is not exceeded.
         .receiptWaitMillis(RECEIPT_WAIT_MILLIS)
         .expiryReporter(record -> {
            SmscLink link = reporterOf(record);
            return link != null ? link.onExpired(record) : CompletableFuture.failedFuture(new IllegalStateException("links not started"));
         })
         // The MT of a record replaced under a reused SMSC message id gets its final report (UNKNOWN) before the put
         // that replaces it is written, the same way.
         .displacedReporter(record -> {
            SmscLink link = reporterOf(record);
            return link != null ? link.onDisplaced(record) : CompletableFuture.failedFuture(new IllegalStateException("links not started"));
         }).build());
      guard.mark(logger);
      summaryMillis = summary;
      meters = GatewayMeters.of(server);
      SmscLinkMeters.register(meters, store);
      group = new NioEventLoopGroup(eventLoops, new DefaultThreadFactory("smsc-links", true));
      linkStore = storeView.apply(store);
      // Before the broker expires anything (routing's EXPIRED reports ask it which MT an SMSC already accepted). It
      // stays registered after a stop: a closed store fails the question, and routing asks again after the next start.
      CorrelationStore lookups = store;
      AcceptedSegments acceptedSegments = new AcceptedSegments() {
         @Override
         public List<Segment> find(String smsId, String destination) throws Exception {
            return lookups.findAccepted(smsId, destination).toCompletableFuture()
               .get(ACCEPTED_LOOKUP_SECONDS, TimeUnit.SECONDS).stream()
               .map(r -> new Segment(r.segmentRef(), r.segmentTotal(), r.segmentNumber())).toList();
         }

         @Override
         public boolean awaitsReceipt(String smsId, String account) throws Exception {
            // Only the submitting account's: another account's id is no message of this one (query_sm).
            return lookups.findAccepted(smsId).toCompletableFuture().get(ACCEPTED_LOOKUP_SECONDS, TimeUnit.SECONDS)
               .stream().anyMatch(r -> r.account().equals(account));
         }

         @Override
         public List<Awaited> awaited(String smsId) throws Exception {
            return lookups.findAccepted(smsId).toCompletableFuture().get(ACCEPTED_LOOKUP_SECONDS, TimeUnit.SECONDS)
               .stream().map(SmscLinkService::awaited).toList();
         }

         @Override
         public List<Awaited> awaitedBySmscId(String smscMessageId) throws Exception {
            if (smscMessageId.isEmpty() || smscMessageId.length() > CorrelationRecord.MAX_ID_LENGTH) {
               return List.of();
            }
            // A point read per correlation group and key (memory, bloom filter, at most a block): the SMSC's id is unique
            // per SMSC account only, whose links share a group, and a link keys it by its receipt id format; records stored
            // before groups are under their link's name. The operator may quote the id as the submit_sm_resp gave it or
            // as a receipt wrote it, which differ on decimal-in-receipt and hex-in-receipt links.
            List<CompletableFuture<java.util.Optional<CorrelationRecord>>> reads = new ArrayList<>();
            java.util.Set<java.util.List<String>> asked = new java.util.HashSet<>();
            for (SmscLink link : snapshot) {
               List<String> namespaces = new ArrayList<>(List.of(link.config().correlationGroup(), link.config().id()));
               namespaces.addAll(link.previousGroups()); // its account's groups before a reload or restart changed them
               for (String namespace : namespaces) {
                  for (String key : java.util.List.of(ReceiptIds.fromResponse(smscMessageId, link.config().receiptIdFormat()),
                                                      ReceiptIds.fromReceipt(smscMessageId, link.config().receiptIdFormat()))) {
                     if (asked.add(java.util.List.of(namespace, key))) {
                        reads.add(lookups.get(namespace, key).toCompletableFuture());
                     }
                  }
               }
            }
            List<Awaited> found = new ArrayList<>();
            for (CompletableFuture<java.util.Optional<CorrelationRecord>> read : reads) {
               read.get(ACCEPTED_LOOKUP_SECONDS, TimeUnit.SECONDS).map(SmscLinkService::awaited).ifPresent(found::add);
            }
            return found;
         }
      };
      runtime.acceptedSegments(acceptedSegments);
      housekeeping = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("smsc-links-housekeeping", true));
      CorrelationStore expiring = store;
      housekeeping.scheduleWithFixedDelay(() -> expire(expiring), HOUSEKEEPING_MILLIS, HOUSEKEEPING_MILLIS, TimeUnit.MILLISECONDS);
      // The retrier reads byId as it is at each scan: links a reload adds or removes included.
      ParkedReceiptRetrier retrier = new ParkedReceiptRetrier(server, linkStore, byId, retries, housekeeping);
      long scanMillis = Math.max(50, Math.min(PARKED_SCAN_MAX_MILLIS, retries.stream().min(Long::compare).orElse(PARKED_SCAN_MAX_MILLIS)));
      housekeeping.scheduleWithFixedDelay(() -> scanParked(retrier), scanMillis, scanMillis, TimeUnit.MILLISECONDS);
   }

   private static AcceptedSegments.Awaited awaited(CorrelationRecord r) {
      return new AcceptedSegments.Awaited(r.linkId(), r.smscMessageId(), r.smsId(), r.account(), r.destination(), r.submitTimeMillis(),
                                          r.segmentTotal(), r.segmentNumber());
   }

   /** Starts a created link and registers its bean, meters and log summary (any thread but an event loop). */
   private void launch(SmscLink link, TlsClientContexts.Loaded tls) throws Exception {
      link.start();
      String id = link.config().id();
      Running started = new Running(link, register(link), GatewayMeters.of(server), logSummary(link),
                                    tls == null ? null : tls.stores());
      running.put(id, started); // only started links are stopped again
      SmscLinkMeters.register(started.meters(), link);
   }

   /** Puts the running links in the configuration's order; the first of them reports for removed links' records. */
   private void ordered(List<SmscLinkConfig> configured) {
      Map<String, Running> inOrder = new LinkedHashMap<>();
      for (SmscLinkConfig config : configured) {
         Running each = running.get(config.id());
         if (each != null) {
            inOrder.put(config.id(), each);
         }
      }
      running.values().forEach(r -> inOrder.putIfAbsent(r.link().config().id(), r));
      running.clear();
      running.putAll(inOrder);
      snapshot = running.values().stream().map(Running::link).toList();
      first = snapshot.isEmpty() ? null : snapshot.get(0);
   }

   /**
    * A reload's {@code links} (decision 135), on the reloader's thread: links removed or changed stop together as at a
    * broker stop (submit_sm in flight answered or their MT left unacknowledged on the queue, unbind, receipts already
    * received stored), then changed and added links start with their settings; an unchanged link is not touched, its
    * session stays bound. A link whose settings are unchanged but one of whose TLS store files holds other bytes than
    * its context was built from (a certificate renewed in place) counts as changed. A link whose new TLS stores cannot
    * be read is logged at ERROR and left as it was (a changed one keeps running with its previous settings and context,
    * also when the file it already used no longer loads). One that fails to start is logged at ERROR and stays stopped
    * (a changed one was stopped first, so its carrier is down until a reload starts it; its queue keeps what routes send
    * it). The next reload tries either again.
    *
    * @return one line per link left out of line with {@code configured} (empty when all are)
    */
   synchronized List<String> reconfigure(List<SmscLinkConfig> configured) {
      if (!started) {
         return List.of();
      }
      Map<String, SmscLinkConfig> wanted = new LinkedHashMap<>();
      configured.forEach(c -> wanted.put(c.id(), c));
      List<String> problems = new ArrayList<>();
      List<Running> removed = new ArrayList<>();
      List<SmscLinkConfig> changed = new ArrayList<>();
      List<SmscLinkConfig> added = new ArrayList<>();
      // Links whose settings are the same and whose store files are not: why, by link, for the log.
      Map<String, List<String>> renewed = new HashMap<>();
      for (Running each : running.values()) {
         SmscLinkConfig next = wanted.get(each.link().config().id());
         if (next == null) {
            removed.add(each);
         } else if (!next.equals(each.link().config())) {
            changed.add(next);
         } else if (next.tls() && each.stores() != null) {
            try {
               List<String> files = TlsClientContexts.stores(owner(next), next.tlsClient()).changedSince(each.stores());
               if (!files.isEmpty()) {
                  changed.add(next);
                  renewed.put(next.id(), files);
               }
            } catch (RuntimeException e) {
               // The running context holds what it read: the link goes on with it rather than stopping for a store
               // that would not let it start again.
               logger.error("SMSC link {} keeps running with the TLS stores it read at its start: {}", next.id(), e.getMessage(), e);
               problems.add(next.id() + ": kept running as it was, " + e.getMessage());
            }
         }
      }
      for (SmscLinkConfig config : configured) {
         if (!running.containsKey(config.id())) {
            added.add(config);
         }
      }
      if (removed.isEmpty() && changed.isEmpty() && added.isEmpty()) {
         return problems;
      }
      Map<String, List<String>> groupsBefore = previousGroups(configured);
      // The TLS contexts before anything stops: a changed link whose new stores cannot be read keeps running as it was.
      Map<String, TlsClientContexts.Loaded> tls = new HashMap<>();
      for (SmscLinkConfig config : concat(changed, added)) {
         if (config.tls()) {
            try {
               tls.put(config.id(), sslContext(config));
            } catch (RuntimeException e) {
               boolean isChange = changed.contains(config);
               logger.error("SMSC link {} not {} at the reload: {}", config.id(),
                            isChange ? "changed (it keeps running with its previous settings and TLS context)" : "started",
                            e.getMessage(), e);
               problems.add(config.id() + ": " + (isChange ? "kept running as it was, " : "not started, ") + e.getMessage());
            }
         }
      }
      changed.removeIf(c -> c.tls() && !tls.containsKey(c.id()));
      added.removeIf(c -> c.tls() && !tls.containsKey(c.id()));
      List<Running> stopping = new ArrayList<>(removed);
      changed.forEach(c -> stopping.add(running.get(c.id())));
      if (!stopping.isEmpty()) {
         stopLinks(stopping.stream().map(Running::link).toList());
         for (Running each : stopping) {
            String id = each.link().config().id();
            unregister(each);
            running.remove(id);
            if (!wanted.containsKey(id)) {
               byId.remove(id); // a changed link's successor takes its place below
               logger.info("SMSC link {} removed by the reload: stopped and unbound", id);
            }
         }
      }
      if (!changed.isEmpty() || !added.isEmpty()) {
         try {
            open();
         } catch (Exception | Error e) {
            logger.error("SMSC links {} not started at the reload: the correlation store and the links' threads cannot open",
                         concat(changed, added).stream().map(SmscLinkConfig::id).toList(), e);
            changed.forEach(c -> byId.remove(c.id()));
            ordered(configured);
            problems.add("links " + concat(changed, added).stream().map(SmscLinkConfig::id).toList() + " not started: " + e.getMessage());
            return problems;
         }
      }
      for (SmscLinkConfig config : concat(changed, added)) {
         boolean isChange = changed.contains(config);
         SmscLink link = new SmscLink(config, server, runtime, linkStore, group.next(), context(tls.get(config.id())), lookup);
         link.previousGroups(groupsBefore.getOrDefault(config.correlationGroup(), List.of())); // before it binds
         byId.put(config.id(), link);
         try {
            launch(link, tls.get(config.id()));
            List<String> files = renewed.get(config.id());
            if (files != null) {
               logger.info("SMSC link {} restarted by the reload with its renewed {} (the file changed at the same path)",
                           config.id(), String.join(" and ", files));
            } else {
               logger.info("SMSC link {} {} by the reload", config.id(), isChange ? "restarted with its new settings" : "added");
            }
         } catch (Exception e) {
            // What it opened goes again; its queue keeps what routes send it until a reload starts it.
            logger.error("SMSC link {} could not start at the reload", config.id(), e);
            stopLinks(List.of(link));
            byId.remove(config.id());
            problems.add(config.id() + ": not started, " + e.getMessage());
         }
      }
      ordered(configured);
      saveGroups(configured, groupsBefore);
      for (Running each : running.values()) {
         String group = each.link().config().correlationGroup();
         // (a changed link whose new TLS stores could not be read runs on with its old group and keeps what it had)
         each.link().previousGroups(groupsBefore.getOrDefault(group, each.link().previousGroups()));
      }
      return problems;
   }

   /**
    * The groups each correlation group of {@code configured} looks in after itself (reload thread, before anything
    * stops): a link whose group the reload changes (its account lost or gained the link whose name was the group, it
    * was renamed, moved to another host or port, or named a group) brings its old group, and what that group looked in,
    * to its new group, which all links of its account share, and so does a link of the account the reload removes or
    * renames; a group keeps what it had. The SMSC hands the account's receipts to any of its binds, and the records of
    * MT sent before the reload are keyed in the old group, by whatever link of the account sent them: without this,
    * their receipts were parked, set aside and the MT billed EXPIRED. An earlier group may be another account's group
    * now (the link it was named after moved): it is read only when the current group has no record for the id.
    */
   private Map<String, List<String>> previousGroups(List<SmscLinkConfig> configured) {
      // (at a start, members and previousGroups are what the file kept from the configuration the broker ran before)
      java.util.Set<String> ids = new java.util.HashSet<>();
      configured.forEach(c -> ids.add(c.id()));
      Map<String, java.util.LinkedHashSet<String>> collected = new LinkedHashMap<>();
      for (SmscLinkConfig config : configured) {
         String group = config.correlationGroup();
         java.util.LinkedHashSet<String> earlier = collected.computeIfAbsent(group, g -> new java.util.LinkedHashSet<>());
         for (Member before : members) {
            // Itself as it was, or a link of its account the reload removes (or renames): their records are its account's.
            boolean same = before.id().equals(config.id()) || !ids.contains(before.id()) && before.sameAccount(config);
            String old = before.group();
            if (same && !old.equals(group)) {
               earlier.add(old);
               earlier.addAll(previousGroups.getOrDefault(old, List.of()));
            }
         }
      }
      Map<String, List<String>> result = new HashMap<>();
      collected.forEach((group, earlier) -> {
         earlier.addAll(previousGroups.getOrDefault(group, List.of())); // after the groups this reload adds: newest first
         earlier.remove(group);
         List<String> kept = earlier.stream().limit(MAX_PREVIOUS_GROUPS).toList();
         if (!kept.isEmpty()) {
            result.put(group, kept);
         }
      });
      return Map.copyOf(result);
   }

   private Path groupsFile() {
      return storeDirectory().resolveSibling(GROUPS_FILE);
   }

   /**
    * Reads {@value #GROUPS_FILE} (at a start): one line per link ({@code link} name group system-id host port) and one
    * per group with earlier groups ({@code previous} group earlier...), fields URL-encoded. None, or one that cannot be
    * read (logged), leaves no earlier groups: records under a changed group then go to their expiry, as before.
    */
   private void loadGroups() {
      Path file = groupsFile();
      if (!Files.exists(file)) {
         return;
      }
      try {
         List<Member> read = new ArrayList<>();
         Map<String, List<String>> earlier = new HashMap<>();
         for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            for (int i = 0; i < f.length; i++) {
               f[i] = java.net.URLDecoder.decode(f[i], StandardCharsets.UTF_8);
            }
            if (f[0].equals("link") && f.length == 6) {
               read.add(new Member(f[1], f[2], f[3], f[4], Integer.parseInt(f[5])));
            } else if (f[0].equals("previous") && f.length > 2) {
               earlier.put(f[1], List.of(f).subList(2, Math.min(f.length, 2 + MAX_PREVIOUS_GROUPS)));
            }
         }
         members = List.copyOf(read);
         previousGroups = Map.copyOf(earlier);
      } catch (IOException | RuntimeException e) {
         logger.warn("Could not read {}: correlation groups changed since the last start are not looked in", file, e);
      }
   }

   /** Keeps the links' groups and earlier groups, in memory and in {@value #GROUPS_FILE}; a write failure is logged. */
   private void saveGroups(List<SmscLinkConfig> configured, Map<String, List<String>> earlier) {
      members = configured.stream().map(Member::of).toList();
      previousGroups = earlier;
      StringBuilder text = new StringBuilder();
      for (Member m : members) {
         text.append(String.join(" ", "link", encode(m.id()), encode(m.group()), encode(m.systemId()), encode(m.host()),
                                 Integer.toString(m.port()))).append('\n');
      }
      earlier.forEach((group, groups) -> {
         text.append("previous ").append(encode(group));
         groups.forEach(g -> text.append(' ').append(encode(g)));
         text.append('\n');
      });
      Path file = groupsFile();
      try {
         DurableFiles.replace(file, text.toString(), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
         logger.warn("Could not write {}: after a restart that changes a correlation group, receipts of MT sent before"
                     + " are not looked for in the old group", file, e);
      }
   }

   private static String encode(String field) {
      return java.net.URLEncoder.encode(field, StandardCharsets.UTF_8);
   }

   private static List<SmscLinkConfig> concat(List<SmscLinkConfig> a, List<SmscLinkConfig> b) {
      List<SmscLinkConfig> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
   }

   /**
    * The link that reports for a record: its own. A link no longer configured still owes its MT their final reports: the
    * first running link sends them, as durably as its own (decision 50); the reports name the record's link. With no link
    * running (a reload removed them all) the store keeps the records and asks again at its next pass.
    */
   private SmscLink reporterOf(io.smsgw.correlation.CorrelationRecord record) {
      SmscLink link = byId.get(record.linkId());
      if (link != null) {
         return link;
      }
      // first is brought up to date at the end of a reload; while one runs, a link it stopped must not report.
      SmscLink reporter = first;
      if (reporter != null && byId.get(reporter.config().id()) == reporter) {
         return reporter;
      }
      return byId.values().stream().findFirst().orElse(null);
   }

   /** Per link, one INFO line per interval counting what is logged per message at DEBUG (SmscLinkLogSummary). */
   private ScheduledFuture<?> logSummary(SmscLink link) {
      SmscLinkLogSummary summary = new SmscLinkLogSummary(link, summaryMillis);
      return housekeeping.scheduleWithFixedDelay(() -> {
         try {
            summary.log();
         } catch (RuntimeException e) {
            logger.warn("Writing the SMSC links' log summary failed", e);
         }
      }, summaryMillis, summaryMillis, TimeUnit.MILLISECONDS);
   }

   /** TLS towards the SMSC (decision 143: the FWD links and the GNS client build theirs the same way). */
   private static TlsClientContexts.Loaded sslContext(SmscLinkConfig config) {
      return TlsClientContexts.load(owner(config), config.tlsClient());
   }

   private static String owner(SmscLinkConfig config) {
      return "SMSC link " + config.id();
   }

   private static SslContext context(TlsClientContexts.Loaded tls) {
      return tls == null ? null : tls.context();
   }

   private static void expire(CorrelationStore store) {
      try {
         store.expire(System.currentTimeMillis());
      } catch (RuntimeException e) {
         logger.warn("Expiring correlation records failed", e);
      }
   }

   private static void scanParked(ParkedReceiptRetrier retrier) {
      try {
         retrier.scan();
      } catch (RuntimeException e) {
         logger.warn("Retrying parked receipts failed", e);
      }
   }

   static List<Long> parkedReceiptRetries() {
      String configured = System.getProperty(PARKED_RECEIPT_RETRIES_PROPERTY, "").trim();
      if (configured.isEmpty()) {
         return PARKED_RECEIPT_RETRIES;
      }
      List<Long> retries = new ArrayList<>();
      for (String age : configured.split(",", -1)) {
         Long millis = positiveWholeNumber(age.trim());
         if (millis == null) {
            throw new IllegalArgumentException("System property " + PARKED_RECEIPT_RETRIES_PROPERTY + "=" + configured
               + " is not valid: expected ages in milliseconds of at least 1, comma-separated (default "
               + PARKED_RECEIPT_RETRIES.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")) + ")");
         }
         retries.add(millis);
      }
      return List.copyOf(retries);
   }

   static long logSummaryIntervalMillis() {
      String configured = System.getProperty(LOG_SUMMARY_INTERVAL_PROPERTY, "").trim();
      if (configured.isEmpty()) {
         return LOG_SUMMARY_INTERVAL_MILLIS;
      }
      Long millis = positiveWholeNumber(configured);
      if (millis == null || millis < MIN_LOG_SUMMARY_INTERVAL_MILLIS) {
         throw new IllegalArgumentException("System property " + LOG_SUMMARY_INTERVAL_PROPERTY + "=" + configured
            + " is not valid: expected milliseconds, at least " + MIN_LOG_SUMMARY_INTERVAL_MILLIS + " (default " + LOG_SUMMARY_INTERVAL_MILLIS + ")");
      }
      return millis;
   }

   private static Long positiveWholeNumber(String text) {
      try {
         long value = Long.parseLong(text);
         return value >= 1 ? value : null;
      } catch (NumberFormatException e) {
         return null;
      }
   }

   /** Next to the journal, so it moves, backs up and fails over with the broker's data. */
   private Path storeDirectory() {
      File journal = server.getConfiguration().getJournalLocation();
      File parent = journal.getAbsoluteFile().getParentFile();
      return (parent == null ? journal : parent).toPath().resolve(STORE_DIRECTORY);
   }

   /**
    * Refuses to create an empty store in place of one this broker's links used before: its records were the only link
    * from the SMSC's ids to the MT they accepted. {@value #STORE_MARKER} is in the journal's directory, so it stays with
    * the journal when the broker data is split.
    */
   private LostStoreGuard storeGuard() {
      return new LostStoreGuard(storeDirectory(),
         server.getConfiguration().getJournalLocation().getAbsoluteFile().toPath().resolve(STORE_MARKER),
         "The SMSC links' receipt correlation store", "the SMSC links",
         "lose the receipts of every MT the SMSC accepted before (no DELIVRD/UNDELIV or EXPIRED report and no billing"
            + " record for them) and send MT not yet acknowledged again", "docs/links-routing-billing.md");
   }

   /** The link's management bean; null when it could not be registered (logged). */
   private ObjectName register(SmscLink link) {
      try {
         var config = server.getConfiguration();
         ObjectName name = ObjectName.getInstance(config.getJMXDomain() + ":broker=" + ObjectName.quote(config.getName())
            + ",component=smsc-links,name=" + ObjectName.quote(link.config().id()));
         server.getManagementService().registerUntypedControl("smsc-link." + link.config().id(), new SmscLinkControl(link), name);
         return name;
      } catch (Exception e) {
         logger.warn("Could not register the management bean of SMSC link {}", link.config().id(), e);
         return null;
      }
   }

   /** Removes a stopped link's bean, meters and log summary. */
   private void unregister(Running link) {
      if (link.bean() != null) {
         try {
            server.getManagementService().unregisterUntypedControl("smsc-link." + link.link().config().id(), link.bean());
         } catch (Exception e) {
            logger.debug("Unregistering {}", link.bean(), e);
         }
      }
      link.meters().close();
      link.summary().cancel(false);
   }

   @Override
   public synchronized void stop() throws Exception {
      runtime.withdrawLinkReconfiguration(reconfiguration);
      if (!started) {
         return;
      }
      started = false;
      release();
   }

   /** Stops and closes whatever {@link #start()} and reloads opened; also after a start that failed part way. */
   private void release() {
      List<Running> all = new ArrayList<>(running.values());
      stopLinks(all.stream().map(Running::link).toList());
      // Unregistered after the links stopped, so operators can watch them stop.
      all.forEach(this::unregister);
      running.clear();
      byId.clear();
      snapshot = List.of();
      first = null;
      closeShared();
   }

   /** Closes what {@link #open()} opened, whatever part of it. */
   private void closeShared() {
      if (meters != null) {
         meters.close(); // before the store closes: its gauge reads it
         meters = null;
      }
      if (housekeeping != null) {
         housekeeping.shutdownNow();
         housekeeping = null;
      }
      if (group != null) {
         group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
         group = null;
      }
      if (store != null) {
         try {
            store.close();
         } catch (RuntimeException e) {
            logger.warn("Closing the correlation store failed", e);
         }
         store = null;
         linkStore = null;
      }
   }

   /**
    * Stops links together against one deadline (the longest response-timeout from now): the broker stop waits for
    * the slowest link once, not for each in turn, and stays within a service manager's stop timeout, after which a kill
    * would make messages the SMSC already accepted go out again. Each link lets the submit_sm in flight get their
    * answers meanwhile; nothing new is sent. A reload stops the links it removes or changes the same way.
    */
   private static void stopLinks(List<SmscLink> links) {
      if (links.isEmpty()) {
         return;
      }
      long deadline = System.nanoTime();
      for (SmscLink link : links) {
         try {
            link.beginStop();
         } catch (RuntimeException e) {
            logger.warn("Stopping SMSC link {} failed", link.config().id(), e);
         }
         deadline = Math.max(deadline, System.nanoTime() + link.config().responseTimeout().toNanos());
      }
      while (System.nanoTime() < deadline && links.stream().anyMatch(SmscLink::busy)) {
         java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      unbindLinks(links);
      for (SmscLink link : links) {
         try {
            link.finishStop();
         } catch (RuntimeException e) {
            logger.warn("Stopping SMSC link {} failed", link.config().id(), e);
         }
      }
   }

   /**
    * Unbinds every link's connections together (decision 116): each waits for unbind_resp at most its bounded unbind wait,
    * so an SMSC that keeps sessions it was not unbound from does not refuse the next start's bind. Answers to submit_sm
    * that come before unbind_resp settle their messages; their acknowledgements get the rest of the same wait.
    */
   private static void unbindLinks(List<SmscLink> links) {
      long wait = 0;
      List<CompletableFuture<Void>> closed = new ArrayList<>(links.size());
      for (SmscLink link : links) {
         try {
            closed.add(link.unbind());
         } catch (RuntimeException e) {
            logger.warn("Unbinding SMSC link {} failed", link.config().id(), e);
         }
         wait = Math.max(wait, SmscConnection.unbindWaitMillis(link.config()));
      }
      // The connections' own timers close them; the margin only guards against an event loop that no longer runs.
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait + 500);
      try {
         CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)).get(wait + 500, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
         logger.warn("SMSC links not unbound within {} ms; closing them", wait + 500);
      } catch (InterruptedException e) {
         Thread.currentThread().interrupt();
         return;
      }
      while (System.nanoTime() < deadline && links.stream().anyMatch(SmscLink::busy)) {
         java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
   }

   @Override
   public boolean isStarted() {
      return started;
   }

   /** The running links, in the configuration's order. */
   List<SmscLink> links() {
      return snapshot;
   }
}
