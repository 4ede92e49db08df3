package io.smsgw.smpp.client;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import javax.management.ObjectName;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.smsgw.broker.GatewayMeters;
import io.smsgw.core.config.GatewayConfigLocator;
import io.smsgw.core.config.SmscLinkConfig;
import io.smsgw.core.runtime.AcceptedSegments;
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
 * Broker-lifetime component that runs the SMSC links of {@code sms-gateway.conf}: one event loop group for
 * their connections, the receipt correlation store next to the broker's journal, a housekeeping thread
 * that expires correlation records, and one management bean per link. Does nothing when no links are
 * configured.
 */
public final class SmscLinkService implements ActiveMQComponent {

   private static final Logger logger = LoggerFactory.getLogger(SmscLinkService.class);
   static final String STORE_DIRECTORY = "sms-correlation";
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

   private final ActiveMQServer server;
   private final GatewayRuntime runtime;
   private final UnaryOperator<CorrelationStore> storeView;
   private final List<SmscLink> links = new ArrayList<>();
   private final List<ObjectName> registered = new ArrayList<>();
   /** The links' and the store's meters (none without a metrics plugin), removed when the links stop. */
   private GatewayMeters meters;
   private EventLoopGroup group;
   private CorrelationStore store;
   private ScheduledExecutorService housekeeping;
   private volatile boolean started;

   public SmscLinkService(ActiveMQServer server, GatewayRuntime runtime) {
      this(server, runtime, UnaryOperator.identity());
   }

   /** For tests: the links and the parked-receipt retrier use the store through {@code storeView} (one whose writes fail). */
   SmscLinkService(ActiveMQServer server, GatewayRuntime runtime, UnaryOperator<CorrelationStore> storeView) {
      this.server = server;
      this.runtime = runtime;
      this.storeView = storeView;
   }

   @Override
   public synchronized void start() throws Exception {
      if (!runtime.isConfigured()) {
         if (!new GatewayConfigLocator().isAvailable()) {
            logger.debug("No gateway configuration found: no SMSC links");
            return;
         }
         new GatewayConfigService(server.getConfiguration().getName(), runtime).start();
      }
      List<SmscLinkConfig> configured = runtime.config().links();
      if (configured.isEmpty()) {
         return;
      }
      // Read before anything opens: a value that cannot be read stops the start, as a bad acceptor parameter or
      // sms-gateway.conf value does, rather than being ignored with a WARN few would see.
      List<Long> retries = parkedReceiptRetries();
      long summaryMillis = logSummaryIntervalMillis();
      Path directory = storeDirectory();
      try {
         open(configured, directory, retries, summaryMillis);
      } catch (Exception | Error e) {
         // A bad trust store or a link that cannot start must not leave the links already started, their threads
         // or the store's lock behind: the next start on this data directory would find RocksDB locked.
         release();
         throw e;
      }
      started = true;
      logger.info("{} SMSC link(s) started; correlation store at {}", links.size(), directory);
   }

   private void open(List<SmscLinkConfig> configured, Path directory, List<Long> retries, long summaryMillis) throws Exception {
      // The TLS contexts first: a trust or key store that cannot be read fails the start before anything is opened.
      Map<String, SslContext> tls = new HashMap<>();
      for (SmscLinkConfig config : configured) {
         if (config.tls()) {
            tls.put(config.id(), sslContext(config));
         }
      }
      Map<String, SmscLink> byId = new HashMap<>();
      store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(directory)
         // A receipt that overtakes its submit_sm_resp waits this long for the record; an unknown one is
         // parked after it, so the SMSC's response timer (often 2 s or more) is not exceeded.
         .receiptWaitMillis(RECEIPT_WAIT_MILLIS)
         .expiryReporter(record -> {
            SmscLink link = reporterOf(byId, configured, record);
            return link != null ? link.onExpired(record) : CompletableFuture.failedFuture(new IllegalStateException("links not started"));
         })
         // The MT of a record replaced under a reused SMSC message id gets its final report (UNKNOWN) before the put
         // that replaces it is written, the same way.
         .displacedReporter(record -> {
            SmscLink link = reporterOf(byId, configured, record);
            return link != null ? link.onDisplaced(record) : CompletableFuture.failedFuture(new IllegalStateException("links not started"));
         }).build());
      meters = GatewayMeters.of(server);
      SmscLinkMeters.register(meters, store);
      group = new NioEventLoopGroup(Math.min(2, configured.size()), new DefaultThreadFactory("smsc-links", true));
      CorrelationStore linkStore = storeView.apply(store);
      // Before the broker expires anything (routing's EXPIRED reports ask it which MT an SMSC already accepted). It
      // stays registered after a stop: a closed store fails the question, and routing asks again after the next start.
      CorrelationStore lookups = store;
      AcceptedSegments acceptedSegments = (smsId, destination) -> lookups.findAccepted(smsId, destination).toCompletableFuture()
         .get(ACCEPTED_LOOKUP_SECONDS, TimeUnit.SECONDS).stream()
         .map(r -> new AcceptedSegments.Segment(r.segmentRef(), r.segmentTotal(), r.segmentNumber())).toList();
      runtime.acceptedSegments(acceptedSegments);
      List<SmscLink> created = new ArrayList<>();
      for (SmscLinkConfig config : configured) {
         SmscLink link = new SmscLink(config, server, runtime, linkStore, group.next(), tls.get(config.id()));
         created.add(link);
         byId.put(config.id(), link);
      }
      for (SmscLink link : created) {
         link.start();
         links.add(link); // only started links are stopped again
         register(link);
         SmscLinkMeters.register(meters, link);
      }
      housekeeping = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("smsc-links-housekeeping", true));
      housekeeping.scheduleWithFixedDelay(this::expire, HOUSEKEEPING_MILLIS, HOUSEKEEPING_MILLIS, TimeUnit.MILLISECONDS);
      ParkedReceiptRetrier retrier = new ParkedReceiptRetrier(server, linkStore, Map.copyOf(byId), retries, housekeeping);
      long scanMillis = Math.max(50, Math.min(PARKED_SCAN_MAX_MILLIS, retries.stream().min(Long::compare).orElse(PARKED_SCAN_MAX_MILLIS)));
      housekeeping.scheduleWithFixedDelay(() -> scanParked(retrier), scanMillis, scanMillis, TimeUnit.MILLISECONDS);
      scheduleLogSummaries(created, summaryMillis);
   }

   /**
    * The link that reports for a record: its own. A link no longer configured still owes its MT their final reports: the
    * first link sends them, as durably as its own (decision 50); the reports name the record's link.
    */
   private static SmscLink reporterOf(Map<String, SmscLink> byId, List<SmscLinkConfig> configured,
                                      io.smsgw.correlation.CorrelationRecord record) {
      SmscLink link = byId.get(record.linkId());
      return link != null ? link : byId.get(configured.get(0).id());
   }

   /** Per link, one INFO line per interval counting what is logged per message at DEBUG (SmscLinkLogSummary). */
   private void scheduleLogSummaries(List<SmscLink> created, long millis) {
      List<SmscLinkLogSummary> summaries = created.stream().map(link -> new SmscLinkLogSummary(link, millis)).toList();
      housekeeping.scheduleWithFixedDelay(() -> {
         try {
            summaries.forEach(SmscLinkLogSummary::log);
         } catch (RuntimeException e) {
            logger.warn("Writing the SMSC links' log summary failed", e);
         }
      }, millis, millis, TimeUnit.MILLISECONDS);
   }

   /**
    * TLS towards the SMSC: the JDK's trusted certificates, or those of the link's trust store; the client certificate of
    * its key store, if any; and, unless the link turns it off, a check that the SMSC's certificate names the configured
    * host (Netty's client context does not check it by default: any certificate the trust store vouches for would do).
    * A store that cannot be read, or a key store without a usable key, fails the start naming the link and the file.
    */
   private static SslContext sslContext(SmscLinkConfig config) {
      SslContextBuilder builder = SslContextBuilder.forClient();
      if (!config.trustStore().isEmpty()) {
         java.security.KeyStore store = load(config, "tls-trust-store", config.trustStore(), config.trustStorePassword());
         try {
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            builder.trustManager(trust);
         } catch (java.security.GeneralSecurityException e) {
            throw storeProblem(config, "tls-trust-store", config.trustStore(), e.toString(), e);
         }
      }
      if (!config.keyStore().isEmpty()) {
         clientCertificate(config, builder);
      }
      if (config.verifyHost()) {
         builder.endpointIdentificationAlgorithm("HTTPS");
      }
      try {
         return builder.build();
      } catch (javax.net.ssl.SSLException e) {
         throw new IllegalStateException("SMSC link " + config.id() + ": cannot set up TLS: " + e.getMessage(), e);
      }
   }

   /** The key store's entry {@code tls-key-alias}, or its only key entry, as the certificate the link presents. */
   private static void clientCertificate(SmscLinkConfig config, SslContextBuilder builder) {
      java.security.KeyStore store = load(config, "tls-key-store", config.keyStore(), config.keyStorePassword());
      try {
         String alias = config.keyAlias();
         if (alias.isEmpty()) {
            List<String> keys = new ArrayList<>();
            for (String each : java.util.Collections.list(store.aliases())) {
               if (store.isKeyEntry(each)) {
                  keys.add(each);
               }
            }
            if (keys.size() != 1) {
               throw storeProblem(config, "tls-key-store", config.keyStore(), keys.isEmpty()
                  ? "it holds no private key (a trust store?)"
                  : "it holds " + keys.size() + " private keys " + keys + ": name one with tls-key-alias", null);
            }
            alias = keys.get(0);
         } else if (!store.isKeyEntry(alias)) {
            throw storeProblem(config, "tls-key-store", config.keyStore(), "no private key under tls-key-alias \"" + alias + "\"", null);
         }
         char[] password = config.keyStorePassword().toCharArray();
         java.security.Key key = store.getKey(alias, password);
         java.security.cert.Certificate[] chain = store.getCertificateChain(alias);
         if (!(key instanceof java.security.PrivateKey privateKey) || chain == null || chain.length == 0) {
            throw storeProblem(config, "tls-key-store", config.keyStore(), "entry \"" + alias + "\" is no private key with a certificate", null);
         }
         java.security.cert.X509Certificate[] certificates = new java.security.cert.X509Certificate[chain.length];
         for (int i = 0; i < chain.length; i++) {
            certificates[i] = (java.security.cert.X509Certificate) chain[i];
         }
         builder.keyManager(privateKey, certificates);
      } catch (java.security.GeneralSecurityException | ClassCastException e) {
         // UnrecoverableKeyException: the key has a password of its own (JKS), not the store's
         throw storeProblem(config, "tls-key-store", config.keyStore(), e.toString(), e);
      }
   }

   private static java.security.KeyStore load(SmscLinkConfig config, String key, String file, String password) {
      try {
         java.security.KeyStore store = java.security.KeyStore.getInstance(
            file.toLowerCase(java.util.Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12");
         try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(file))) {
            store.load(in, password.isEmpty() ? null : password.toCharArray());
         }
         return store;
      } catch (java.io.IOException | java.security.GeneralSecurityException e) {
         // "keystore password was incorrect", a file that is no key store...; never the password itself
         throw storeProblem(config, key, file, e.toString(), e);
      }
   }

   private static IllegalStateException storeProblem(SmscLinkConfig config, String key, String file, String what, Exception cause) {
      return new IllegalStateException("SMSC link " + config.id() + ": cannot use its " + key + " \"" + file + "\": " + what, cause);
   }

   private void expire() {
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

   private void register(SmscLink link) {
      try {
         var config = server.getConfiguration();
         ObjectName name = ObjectName.getInstance(config.getJMXDomain() + ":broker=" + ObjectName.quote(config.getName())
            + ",component=smsc-links,name=" + ObjectName.quote(link.config().id()));
         server.getManagementService().registerUntypedControl("smsc-link." + link.config().id(), new SmscLinkControl(link), name);
         registered.add(name);
      } catch (Exception e) {
         logger.warn("Could not register the management bean of SMSC link {}", link.config().id(), e);
      }
   }

   @Override
   public synchronized void stop() throws Exception {
      if (!started) {
         return;
      }
      started = false;
      release();
   }

   /** Stops and closes whatever {@link #start()} opened; also after a start that failed part way. */
   private void release() {
      stopLinks();

      links.clear();
      // Unregistered after the links stopped, so operators can watch them stop.
      for (ObjectName name : registered) {
         try {
            server.getManagementService().unregisterUntypedControl("smsc-link." + ObjectName.unquote(name.getKeyProperty("name")), name);
         } catch (Exception e) {
            logger.debug("Unregistering {}", name, e);
         }
      }
      registered.clear();
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
      }
   }

   /**
    * Stops all links together against one deadline (the longest response-timeout from now): the broker stop waits for
    * the slowest link once, not for each in turn, and stays within a service manager's stop timeout, after which a kill
    * would make messages the SMSC already accepted go out again. Each link lets the submit_sm in flight get their
    * answers meanwhile; nothing new is sent.
    */
   private void stopLinks() {
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
      unbindLinks();
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
   private void unbindLinks() {
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

   List<SmscLink> links() {
      return links;
   }
}
