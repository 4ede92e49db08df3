package io.smsgw.routing;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import javax.management.ObjectName;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.smsgw.broker.GatewayMeters;
import io.smsgw.broker.GatewayConfigServices;
import io.smsgw.core.config.CdrConfig;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.config.DivertConfiguration;
import org.apache.activemq.artemis.core.config.TransformerConfiguration;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ComponentConfigurationRoutingType;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.impl.AddressInfo;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.core.settings.HierarchicalRepositoryChangeListener;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker plugin that routes and bills for one gateway. Configure it in {@code broker.xml}:
 * <pre>{@code <broker-plugins><broker-plugin class-name="io.smsgw.routing.SmsRoutingPlugin"/></broker-plugins>}</pre>
 *
 * <p>Since Artemis 2.44 a plugin cannot re-address a message in beforeSend, so routing is done by exclusive
 * diverts on the ingress addresses whose transformers choose each message's target: every producer (SMPP,
 * CMPP, JMS, AMQP, core) is routed the same way, in the same journal write as its send. The divert on
 * {@code sms.dr} also writes the billing records. The gateway's own senders apply the same rules before they
 * store ({@link SenderSideRouting}, decision 40), which spares the broker the divert's copies. An MT that expires
 * while still waiting becomes an EXPIRED report ({@link ExpiredMtReports}). With broker security on, an application's
 * MT may name only an account its user may act for ({@link ApplicationMtCheck}).
 */
public final class SmsRoutingPlugin implements ActiveMQServerPlugin {

   private static final Logger logger = LoggerFactory.getLogger(SmsRoutingPlugin.class);
   static final String MT_DIVERT = "sms-route-mt";
   static final String MO_DIVERT = "sms-route-mo";
   static final String DR_DIVERT = "sms-route-dr";
   private static final long RELOAD_CHECK_MILLIS = 2000;
   private static final long CDR_RETIRE_RETRY_SECONDS = 5;
   /** Per acceptor protocol, its parameter for the prefix of account queues (the protocol managers' bean property). */
   private static final Map<String, String> ACCOUNT_QUEUE_PREFIX_PARAMS =
      Map.of("SMPP", "smppAccountQueuePrefix", "CMPP", "cmppAccountQueuePrefix");

   private ActiveMQServer server;
   private SmsRouter router;
   private ConfigReloader reloader;
   private ScheduledExecutorService scheduler;
   private ObjectName objectName;
   private PendingRoutes pending;
   private RemovedLinkQueues removedLinks;
   private GatewayRuntime runtime;
   private ExpiredMtReports expired;
   private AccountQueueKeeper accountQueues;
   /** Anycast messages on an SMS address that found no queue: one WARN per interval, the rest at DEBUG. */
   private final NoQueueWarnings noQueue = new NoQueueWarnings();
   /** Consumers of the MT addresses' dead-letter queues: dead-lettered MT become UNDELIV 111 reports ({@link ExpiredMtReports#deadLettered}). */
   private final List<ExpiredMtReports> deadLettered = new java.util.ArrayList<>();
   private HierarchicalRepositoryChangeListener expiryAddressListener;
   private volatile boolean prepared;
   private volatile ApplicationMtCheck mtCheck;
   /** Routing's meters (none without a metrics plugin), while routing runs. */
   private GatewayMeters meters;
   /** The CDR file writer while {@code billing.cdr} is configured. */
   private volatile CdrWriter cdrWriter;
   /** The CDR writer's subscription, created before the links start and on each reload before it goes live. */
   private CdrSubscription cdrSubscription;
   /** A {@code billing.cdr} section whose rename waits for the pending move of the previous rename, or null. */
   private CdrConfig deferredCdr;
   /** Whether a retry of the pending move is scheduled on the reload scheduler (one at a time). */
   private boolean cdrRetryScheduled;
   /**
    * Set (under this plugin's lock) once the services stopped: a reload still under way then (stopServices does not
    * wait for it) starts nothing, or its CDR writer would run on the stopped broker.
    */
   private volatile boolean servicesStopped;

   @Override
   public void registered(ActiveMQServer server) {
      this.server = server;
      GatewayRuntime runtime = GatewayRuntime.of(server);
      this.runtime = runtime;
      router = SmsRouter.register(server.getConfiguration().getName(), runtime);
      mtCheck = new ApplicationMtCheck(server, router);
      server.registerActivateCallback(new ActivateCallback() {
         @Override
         public void activated() {
            // Called once the journal is loaded, before the broker recovers the stored diverts, starts its protocol
            // services (the SMSC and FWD links) and its expiry scanner: routing has its tables before the first
            // message is routed (docs/decisions.md, "Routing is ready before the links start").
            // A failure stops the broker's start (Artemis logs AMQ224000 with this message and the broker stays
            // STARTING, its acceptors never listening), as a broken sms-gateway.conf or a refused acceptor does: a
            // broker that ran on would take submits that then sit on sms.mt unrouted (decision 126).
            try {
               prepare(runtime);
               prepared = true;
            } catch (Exception e) {
               throw new IllegalStateException("SMS routing cannot start, so the broker does not start (submits would stay on "
                  + SmsAddresses.MT + " unrouted): " + e.getMessage(), e);
            }
         }

         @Override
         public void activationComplete() {
            if (!prepared) {
               return;
            }
            try {
               startServices(runtime);
            } catch (Exception e) {
               logger.error("SMS routing could not start its services", e);
            }
         }

         @Override
         public void deActivate() {
            // Artemis calls unregistered() only when the plugin is removed, not when the broker stops
            stopServices();
         }
      });
   }

   /** The routing rules, in place before anything is routed: tables, account queue prefix, sender-side routing. */
   private void prepare(GatewayRuntime runtime) throws Exception {
      GatewayConfigServices.of(server, runtime).start();
      router.accountQueuePrefix(accountQueuePrefix(server.getConfiguration().getAcceptorConfigurations(),
                                                   server.getRemotingService().getProtocolFactoryMap().keySet()));
      router.apply(runtime.config());
      // every configured account's queue exists before its first MO or report is routed (AccountQueueKeeper)
      accountQueues = new AccountQueueKeeper(server, router);
      router.accountQueues(accountQueues);
      accountQueues.createConfigured(runtime.config());
      router.rollupSink(this::emitRollup);
      ensureAddress(SmsAddresses.MT, RoutingType.ANYCAST);
      ensureAddress(SmsAddresses.MO, RoutingType.ANYCAST);
      ensureAddress(SmsAddresses.DR, RoutingType.ANYCAST);
      ensureAddress(SmsAddresses.BILLING, RoutingType.MULTICAST);
      // The CDR writer's subscription before the links start: an SMSC pushes its backlog of receipts right after the
      // bind, and a billing record routed to sms.billing with no queue bound would be dropped (the writer starts later).
      cdrSubscription = new CdrSubscription(server);
      CdrConfig cdr = runtime.config().billing().cdr();
      if (cdr != null) {
         // a rename whose move was still pending when the broker stopped: the writer stays on its new queue until the
         // move is done (a later rename waits), and the move resumes now, before anything else routes records
         CdrSubscription.Pending rename = cdrSubscription.pending();
         cdrSubscription.ensure(effectiveCdr(cdr).queue());
         if (rename != null && rename.next().equals(cdr.queue())) {
            try {
               logRetired(rename, cdrSubscription.retire(rename), false);
            } catch (Exception e) {
               logger.warn("CDR files: the records of the renamed subscription {} could not be moved to {} at start ({}); "
                           + "tried again once routing runs", rename.old(), rename.next(), e.toString());
            }
         }
      }
      // durable queues where messages wait, so nothing routed there is dropped for want of a queue
      ensureQueue(SmsAddresses.ROUTE_PENDING);
      ensureQueue(MoRouteTransformer.UNROUTED);
      ensureQueue(DrRouteTransformer.UNROUTED);
      // MT expire to sms.expired, in the transaction that removes them, and wait there for their reports (ExpiredMtReports)
      ensureQueue(SmsAddresses.EXPIRED);
      expiryAddressListener = ExpiredMtReports.applyExpiryAddress(server);
      // The gateway's own senders apply the same rules before storing; the diverts route everybody else.
      runtime.ingressRouting(new SenderSideRouting(server.getConfiguration().getName()));
      runtime.forwardPolicy(new ForwardAcceptance(router));
   }

   /** What runs once the broker is up: the diverts of a first start, reload, pending routes, EXPIRED reports. */
   private synchronized void startServices(GatewayRuntime runtime) throws Exception {
      servicesStopped = false;
      cdrRetryScheduled = false; // a retry scheduled before a stop went with that scheduler
      deferredCdr = null;
      // stored by an earlier start, these are back already (recovered before the protocol services started)
      divert(MT_DIVERT, SmsAddresses.MT + ".routed", SmsAddresses.MT, MtRouteTransformer.class);
      divert(MO_DIVERT, SmsAddresses.MO + ".routed", SmsAddresses.MO, MoRouteTransformer.class);
      // One divert, two copies: the report for its account and the billing record.
      divert(DR_DIVERT, SmsAddresses.DR + ".routed," + SmsAddresses.BILLING, SmsAddresses.DR, DrRouteTransformer.class);
      removedLinks = new RemovedLinkQueues(server, runtime);
      RemovedLinkQueues drainAfterReload = removedLinks;
      AccountQueueKeeper queuesAfterReload = accountQueues;
      StrandedReports stranded = new StrandedReports(server, router);
      reloader = new ConfigReloader(runtime, router, config -> {
         if (!servicesStopped) {
            queuesAfterReload.createConfigured(config); // the queues of accounts the reload adds, before their routes
            subscriptionBeforeRoutes(config.billing().cdr()); // and the CDR subscription, before records are routed to it
         }
      }, (previous, config) -> {
         if (applyCdr(config.billing().cdr())) {
            drainAfterReload.drain(config, RemovedLinkQueues.RELOAD);
            stranded.moveAfterReload(previous, config);
         }
      });
      scheduler = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("sms-routing-reload", true));
      reloader.start(scheduler, RELOAD_CHECK_MILLIS);
      pending = new PendingRoutes(server, router,
                                  Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("sms-route-pending", true)));
      pending.start();
      expired = new ExpiredMtReports(server, server.getConfiguration().getName(), scheduler);
      expired.start();
      for (SimpleString dlq : ExpiredMtReports.deadLetterQueues(server)) {
         ExpiredMtReports reports = ExpiredMtReports.deadLettered(server, server.getConfiguration().getName(), scheduler, dlq);
         reports.start();
         deadLettered.add(reports);
      }
      applyCdr(runtime.config().billing().cdr());
      registerControl();
      meters = GatewayMeters.of(server);
      RoutingMeters.start(meters, router);
      logger.info("SMS routing active: {} MT routes, {} MO routes", runtime.config().routes().mt().size(),
                  runtime.config().routes().mo().size());
      // What waits on the queue of a link the configuration no longer has goes back through routing (the links have
      // started: their correlation store answers whether an SMSC already took an MT). Off the activation thread.
      RemovedLinkQueues drain = removedLinks;
      scheduler.execute(() -> drain.drain(runtime.config(), RemovedLinkQueues.START));
   }

   /**
    * The prefix of the queues the SMPP and CMPP acceptors read an account's MO and reports from (their parameters
    * smppAccountQueuePrefix and cmppAccountQueuePrefix, default {@code sms.sp.}), so routing fills the queues the
    * sessions read. One account may bind through any of them and routing has one queue per account, so acceptors
    * that disagree are refused (decision 47).
    */
   static String accountQueuePrefix(Collection<TransportConfiguration> acceptors, Set<String> installedProtocols) {
      Map<String, String> prefixes = new TreeMap<>(); // prefix -> the first acceptor that uses it
      for (TransportConfiguration acceptor : acceptors) {
         if (!NettyAcceptorFactory.class.getName().equals(acceptor.getFactoryClassName())) {
            continue; // in-VM acceptors carry no SMPP or CMPP connections
         }
         Map<String, Object> params = acceptor.getCombinedParams(); // the protocol's own parameters are "extra" ones
         Object protocols = params.get(TransportConstants.PROTOCOLS_PROP_NAME);
         for (String protocol : ACCOUNT_QUEUE_PREFIX_PARAMS.keySet()) {
            if (!installedProtocols.contains(protocol)) {
               continue;
            }
            if (protocols == null || Arrays.stream(protocols.toString().split(",")).anyMatch(p -> p.trim().equalsIgnoreCase(protocol))) {
               Object prefix = params.get(ACCOUNT_QUEUE_PREFIX_PARAMS.get(protocol));
               prefixes.putIfAbsent(prefix == null ? SmsAddresses.ACCOUNT_PREFIX : prefix.toString(), acceptor.getName() + " (" + protocol + ")");
            }
         }
      }
      if (prefixes.size() > 1) {
         throw new IllegalStateException("the acceptors read accounts' queues under different prefixes " + prefixes
                                            + ": routing can fill only one; give smppAccountQueuePrefix and cmppAccountQueuePrefix one value");
      }
      return prefixes.isEmpty() ? SmsAddresses.ACCOUNT_PREFIX : prefixes.keySet().iterator().next();
   }

   private void ensureQueue(String queue) throws Exception {
      SimpleString name = SimpleString.of(queue);
      if (server.locateQueue(name) == null) {
         server.createQueue(QueueConfiguration.of(name).setAddress(name).setRoutingType(RoutingType.ANYCAST)
                               .setDurable(true).setAutoCreated(false));
      }
   }

   private void ensureAddress(String name, RoutingType type) throws Exception {
      SimpleString address = SimpleString.of(name);
      if (server.getAddressInfo(address) == null) {
         server.addAddressInfo(new AddressInfo(address, type));
      }
   }

   /** An exclusive divert whose transformer sets each copy's real address; forwardingAddresses are placeholders. */
   private void divert(String name, String forwardingAddresses, String address, Class<?> transformer) throws Exception {
      if (server.getPostOffice().getBinding(SimpleString.of(name)) != null) {
         return; // deployed by an earlier activation of this broker
      }
      DivertConfiguration divert = new DivertConfiguration().setName(name).setAddress(address)
         .setForwardingAddress(forwardingAddresses).setExclusive(true)
         .setRoutingType(ComponentConfigurationRoutingType.PASS)
         .setTransformerConfiguration(new TransformerConfiguration(transformer.getName())
                                         .setProperties(Map.of(RoutingTransformer.BROKER_PROPERTY, server.getConfiguration().getName())));
      server.deployDivert(divert);
   }

   private void registerControl() {
      try {
         var config = server.getConfiguration();
         objectName = ObjectName.getInstance(config.getJMXDomain() + ":broker=" + ObjectName.quote(config.getName())
                                                + ",component=sms-routing,name=\"routing\"");
         server.getManagementService().registerUntypedControl("sms-routing", new SmsRoutingControl(server, router, reloader, pending, mtCheck, removedLinks), objectName);
      } catch (Exception e) {
         logger.warn("Could not register the SMS routing management bean", e);
      }
   }

   /**
    * Starts, restarts or stops the CDR file writer as {@code billing.cdr} says (at start and after each reload that
    * applied): a changed section closes the current file and starts a writer with the new settings. A renamed queue
    * hands its records to the new one, which is then the only subscription the writer owns ({@link #retireCdrQueue}).
    * One rename at a time: while a move is pending, the writer reads the queue it was renamed to, with the section's
    * other settings, and a further rename applies once the move is done ({@link #effectiveCdr}).
    * False, doing nothing, once the services stopped (a reload that overlapped the broker's stop).
    */
   private synchronized boolean applyCdr(CdrConfig configured) {
      if (servicesStopped) {
         return false;
      }
      CdrConfig next = effectiveCdr(configured);
      if (next != configured) {
         if (!configured.equals(deferredCdr)) {
            CdrSubscription.Pending rename = cdrSubscription.pending();
            logger.info("CDR files: the rename of {} to {} waits until the records of {} (renamed {} before) have moved "
                        + "to {}; until then the writer reads {}", rename.next(), configured.queue(), rename.old(),
                        rename.next(), rename.next(), rename.next());
         }
         deferredCdr = configured;
      } else {
         deferredCdr = null;
      }
      CdrWriter running = cdrWriter;
      if (running == null || !running.config.equals(next)) {
         String renamed = running != null && next != null && !running.config.queue().equals(next.queue()) ? running.config.queue() : null;
         stopCdr();
         if (next != null) {
            // made by the activation or the reload already, but for a renamed one: that one now, once the old writer
            // stopped and before the new one reads (again too if an operator deleted it)
            ensureCdrSubscription(next);
            if (renamed != null) {
               cdrSubscription.renamed(renamed, next.queue()); // noted before the writer starts: a restart resumes the move
            }
            cdrWriter = new CdrWriter(server, next, router.cdr);
            cdrWriter.start();
            logger.info("CDR files: billing records from {} written to {}", next.queue(), next.directory());
         }
      }
      if (cdrSubscription.pending() != null) {
         retireCdrQueue();
      }
      return true;
   }

   /**
    * {@code configured}, or, while the move of a rename is pending and {@code configured} names another queue, its
    * settings on the queue of that rename: the further rename waits, or the records the first rename moves after it
    * (those that came while both queues were bound) would be moved a second time, and written twice.
    */
   private CdrConfig effectiveCdr(CdrConfig configured) {
      CdrSubscription.Pending rename = cdrSubscription.pending();
      if (configured == null || rename == null || configured.queue().equals(rename.next())) {
         return configured;
      }
      return new CdrConfig(configured.directory(), configured.prefix(), rename.next(), configured.rotateInterval(),
                           configured.maxRecords(), configured.maxBytes());
   }

   /**
    * In a reload, before its configuration goes live: the subscription of a section the reload adds (or keeps). A
    * renamed one is created only once the old writer stopped ({@link #applyCdr}): made now, it would take the records
    * the old writer still writes meanwhile, and they would be written twice.
    */
   private synchronized void subscriptionBeforeRoutes(CdrConfig configured) {
      CdrConfig next = effectiveCdr(configured);
      CdrWriter running = cdrWriter;
      if (next != null && (running == null || running.config.queue().equals(next.queue()))) {
         ensureCdrSubscription(next);
      }
   }

   /** Creates the subscription {@code cdr} reads (if any) unless it is there; a failure is logged (the writer tries again). */
   private void ensureCdrSubscription(CdrConfig cdr) {
      if (cdr == null) {
         return;
      }
      try {
         cdrSubscription.ensure(cdr.queue());
      } catch (Exception e) {
         logger.error("CDR files: could not create the subscription {} on {}; billing records may be dropped until it "
                      + "exists", cdr.queue(), SmsAddresses.BILLING, e);
      }
   }

   /**
    * Moves the records of the CDR subscription a reload renamed (the {@linkplain CdrSubscription#pending pending}
    * rename, also one noted before a restart) to the running writer's queue and deletes it, so no queue keeps
    * collecting billing records nobody reads (docs/decisions.md, "The CDR subscription exists before the links
    * start"). When the store of sms.billing cannot take the copies now, tries again on the reload scheduler until it
    * can; a reload that removes the section meanwhile leaves the old queue, as removing the section leaves its own
    * (the rename stays noted: the move resumes when the section comes back). Once the move is done, a rename that
    * waited for it applies.
    */
   private synchronized void retireCdrQueue() {
      CdrWriter writer = cdrWriter;
      CdrSubscription.Pending rename = cdrSubscription.pending();
      if (writer == null || servicesStopped || rename == null || !rename.next().equals(writer.config.queue())) {
         return;
      }
      CdrSubscription.Retired retired;
      try {
         retired = cdrSubscription.retire(rename);
      } catch (Exception e) {
         logger.error("CDR files: the records of the renamed subscription {} could not be moved to {}; it is left as it is "
                      + "and tried again at the next reload or start (or move its messages to {} and delete it through "
                      + "management)", rename.old(), rename.next(), rename.next(), e);
         return;
      }
      if (logRetired(rename, retired, true)) {
         CdrConfig waiting = deferredCdr;
         if (waiting != null) {
            logger.info("CDR files: the rename of {} to {} that waited for this move applies now", rename.next(), waiting.queue());
            applyCdr(waiting);
         }
         return;
      }
      ScheduledExecutorService retry = scheduler;
      if (!cdrRetryScheduled && retry != null && !retry.isShutdown()) {
         cdrRetryScheduled = true;
         retry.schedule(() -> {
            synchronized (this) {
               cdrRetryScheduled = false;
            }
            retireCdrQueue();
         }, CDR_RETIRE_RETRY_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
      }
   }

   /** Logs what a move of a renamed subscription did; true when the old queue is gone. */
   private boolean logRetired(CdrSubscription.Pending rename, CdrSubscription.Retired retired, boolean retried) {
      if (retired.deleted()) {
         logger.info("CDR files: the subscription {} was renamed {}: its {} waiting records moved there ({} already there) "
                     + "and {} deleted", rename.old(), rename.next(), retired.moved(), retired.removed(), rename.old());
         return true;
      }
      logger.warn("CDR files: the subscription {} was renamed {} but still holds {} records ({}); moved when the store can "
                  + "take them, tried again {}", rename.old(), rename.next(), messageCount(rename.old()),
                  retired.full() == null ? "records still arriving" : retired.full() + " is full",
                  retried ? "in " + CDR_RETIRE_RETRY_SECONDS + " s" : "once routing runs");
      return false;
   }

   private long messageCount(String queue) {
      Queue q = server.locateQueue(SimpleString.of(queue));
      return q == null ? 0 : q.getMessageCount();
   }

   private synchronized void stopCdr() {
      CdrWriter running = cdrWriter;
      if (running != null) {
         running.stop();
         cdrWriter = null;
         logger.info("CDR files: writer to {} stopped", running.config.directory());
      }
   }

   /** Stops what runs on threads of its own and withdraws the forwarding policy. */
   private synchronized void stopServices() {
      prepared = false;
      servicesStopped = true;
      stopCdr();
      if (meters != null) {
         RoutingMeters.stop(router);
         meters.close();
         meters = null;
      }
      if (expired != null) {
         expired.stop();
         expired = null;
      }
      deadLettered.forEach(ExpiredMtReports::stop);
      deadLettered.clear();
      if (expiryAddressListener != null) {
         server.getAddressSettingsRepository().unRegisterListener(expiryAddressListener);
         expiryAddressListener = null;
      }
      if (reloader != null) {
         reloader.stop();
      }
      if (scheduler != null) {
         scheduler.shutdownNow();
      }
      if (pending != null) {
         pending.stop();
      }
      if (runtime != null) {
         runtime.ingressRouting(null);
         runtime.forwardPolicy(null);
      }
   }

   @Override
   public void unregistered(ActiveMQServer server) {
      stopServices();
      if (objectName != null) {
         try {
            server.getManagementService().unregisterUntypedControl("sms-routing", objectName);
         } catch (Exception e) {
            logger.debug("Unregistering the routing bean", e);
         }
      }
      SmsRouter.unregister(server.getConfiguration().getName(), router);
   }

   /** A divert's routed copy counts once it is stored ({@link StoredCounts}); any other message passes untouched. */
   @Override
   public void afterMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates, RoutingStatus result) {
      if (result == RoutingStatus.NO_BINDINGS) {
         noQueue.check(message);
      }
      StoredCounts.countWhenStored(message, context, result, server.getStorageManager());
   }

   /**
    * With broker security on, refuses an application's MT for an account its user may not act for, before anything is
    * stored (the sender's send fails). Runs for every send of every session, so it returns at once when security is off.
    */
   @Override
   public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue)
      throws ActiveMQException {
      ApplicationMtCheck check = mtCheck;
      if (check != null) {
         check.check(session, message);
      }
   }

   /**
    * An MT that expired on an address without the expiry address {@code sms.expired} (an application's own address, or
    * one whose own address-setting names another expiry address) gets its EXPIRED report here, best effort: Artemis
    * calls this after the MT's removal was committed, so a report that cannot be stored now is lost. On the addresses
    * where the gateway's MT wait, expired MT go to {@code sms.expired} instead, whose reports are durable
    * ({@link ExpiredMtReports}).
    */
   @Override
   public void messageExpired(MessageReference ref, SimpleString expiryAddress, ServerConsumer consumer) throws ActiveMQException {
      Message message = ref.getMessage();
      if (SmsKind.of(message.getObjectProperty(SmsProperties.KIND)) != SmsKind.MT) {
         return;
      }
      // Artemis passes the queue's address here for expiries in a transaction: the setting the queue used is read
      // again, as the queue reads it (its own cached settings, or those of the message's address when that differs).
      Queue queue = ref.getQueue();
      String address = message.getAddress();
      SimpleString used = address == null || address.equals(String.valueOf(queue.getAddress())) ? queue.getExpiryAddress()
         : server.getAddressSettingsRepository().getMatch(address).getExpiryAddress();
      if (ExpiredMtReports.QUEUE.equals(used) && server.locateQueue(ExpiredMtReports.QUEUE) != null) {
         return; // moved to sms.expired with its removal; reported from there
      }
      try {
         Message report = ExpiredMtReports.report(message, server.getStorageManager().generateID());
         report.reencode();
         server.getPostOffice().route(report, false);
      } catch (Exception e) {
         logger.warn("Could not report the expiry of {}", message.getObjectProperty(SmsProperties.ID), e);
      }
   }

   /**
    * The rolled-up record of a long message: a copy of its last segment's record without segment number,
    * DELIVRD only when every segment was delivered, not billable itself (its segments are), deduplicated.
    */
   private void emitRollup(Message lastSegmentRecord, SegmentRollup.Completed completed) {
      try {
         Message rollup = lastSegmentRecord.copy(server.getStorageManager().generateID());
         rollup.removeProperty(SmsProperties.SEGMENT_NUMBER);
         rollup.putBooleanProperty(BillingTransformer.ROLLUP, true);
         rollup.putBooleanProperty(BillingTransformer.BILLABLE, false);
         rollup.putStringProperty(SmsProperties.STATUS, SimpleString.of(completed.allDelivered() ? "DELIVRD" : "UNDELIV"));
         rollup.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of("rollup:" + completed.key()));
         rollup.setAddress(SmsAddresses.BILLING);
         rollup.setRoutingType(RoutingType.MULTICAST);
         rollup.reencode();
         server.getPostOffice().route(rollup, false);
      } catch (Exception e) {
         logger.warn("Could not write the rolled-up record of {}", completed.key(), e);
      }
   }

   /** For tests: the running CDR writer, or null. */
   CdrWriter cdrWriter() {
      return cdrWriter;
   }

   SmsRouter router() {
      return router;
   }

   List<String> divertNames() {
      return List.of(MT_DIVERT, MO_DIVERT, DR_DIVERT);
   }
}
