package io.smsgw.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

import io.smsgw.core.config.BillingPolicy;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.RouteConfig;
import io.smsgw.core.runtime.GatewayRuntime;

/**
 * The routing decisions of one broker: which SMSC link an MT goes to, which account an MO is for, and
 * whether a final state is billable. Lookups read one volatile table (in-memory tries); a reload or a
 * management change builds a new table and swaps it in, so traffic in flight is never disturbed.
 * The divert transformers find their router by broker name ({@link #forBroker}).
 */
public final class SmsRouter {

   private static final Map<String, SmsRouter> BY_BROKER = new ConcurrentHashMap<>();

   private final String brokerName;
   private final GatewayRuntime runtime;
   private volatile RouteTable table = new RouteTable(RouteConfig.NONE);
   private volatile BillingPolicy billing = BillingPolicy.DEFAULT;
   private volatile String accountQueuePrefix = io.smsgw.core.contract.SmsAddresses.ACCOUNT_PREFIX;
   private volatile AccountQueueKeeper accountQueues;
   /**
    * The key the counters of every smsAccount that is not a configured account go under (with a space, which no
    * account id has).
    */
   static final String OTHER_ACCOUNTS = "(other accounts)";

   private final Map<String, AccountCounters> counters = new ConcurrentHashMap<>();
   private volatile java.util.function.BiConsumer<String, AccountCounters> countersAdded = (a, c) -> { };
   final LongAdder moUnrouted = new LongAdder();
   /** When the next WARN for an MO no route covers may be logged ({@link MoRouteTransformer}: one per 10 s). */
   final java.util.concurrent.atomic.AtomicLong nextUnroutedMoWarning = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
   /**
    * The key the final-report counts of every smsLink that is not a configured link go under (a link a reload removed
    * before it was counted, a name nobody configured); with a space, which no link id has.
    */
   static final String OTHER_LINKS = "(other links)";
   /**
    * Final reports by the link that submitted their MT: one entry per link configured since the start, made when the
    * configuration is applied, so a report only reads the map (keyed by the report's smsLink as stored, no String made).
    */
   private final Map<org.apache.activemq.artemis.api.core.SimpleString, LinkOutcomes> linkOutcomes = new ConcurrentHashMap<>();
   private volatile java.util.function.BiConsumer<String, LinkOutcomes> linkOutcomesAdded = (l, c) -> { };
   final SegmentRollup rollup = new SegmentRollup(100_000, java.util.concurrent.TimeUnit.HOURS.toMillis(72));
   private volatile java.util.function.BiConsumer<org.apache.activemq.artemis.api.core.Message, SegmentRollup.Completed> rollupSink = (m, c) -> { };
   /** The submitter's one report of each MT the gateway split (decision 155); held parts do not survive a restart. */
   final SplitReports splitReports = new SplitReports(100_000, java.util.concurrent.TimeUnit.HOURS.toMillis(72), System.currentTimeMillis());
   /** Part reports of MT the gateway split that waited for their siblings instead of going to the submitter. */
   final LongAdder splitPartsHeld = new LongAdder();
   final LongAdder intermediateReports = new LongAdder();
   /**
    * Reports for an account that no longer has their MT's protocol (a reload took it away, or removed the account), sent
    * to sms.dr.unrouted instead of its queue, at routing or by the move after the reload ({@link StrandedReports}).
    */
   final LongAdder reportsWithoutSession = new LongAdder();
   final LongAdder reportsForwarded = new LongAdder();
   /** Reports on MOs that came home here (an MO not forwarded, a peer's Msg_Fwd_Type 3): neither billed nor sent to an SP. */
   final LongAdder moReports = new LongAdder();
   /** The CDR file writer's counts since the broker started, whichever writer a reload started. */
   final CdrWriter.Counters cdr = new CdrWriter.Counters();
   private final NetworkRouting network;
   /** Told when the local routes change (a reload, a management change): messages waiting for a route may have one now. */
   private volatile Runnable routesChanged = () -> { };

   SmsRouter(String brokerName, GatewayRuntime runtime) {
      this.brokerName = brokerName;
      this.runtime = runtime;
      this.network = new NetworkRouting(runtime);
   }

   static SmsRouter register(String brokerName, GatewayRuntime runtime) {
      SmsRouter router = new SmsRouter(brokerName, runtime);
      BY_BROKER.put(brokerName, router);
      return router;
   }

   static void unregister(String brokerName, SmsRouter router) {
      BY_BROKER.remove(brokerName, router);
   }

   /** The router of the named broker; the transformers call this once, in init. */
   static SmsRouter forBroker(String brokerName) {
      SmsRouter router = BY_BROKER.get(brokerName);
      if (router == null) {
         throw new IllegalStateException("no SMS router registered for broker " + brokerName
                                            + " (is io.smsgw.routing.SmsRoutingPlugin configured?)");
      }
      return router;
   }

   String brokerName() {
      return brokerName;
   }

   GatewayRuntime runtime() {
      return runtime;
   }

   /**
    * Takes a (re)loaded configuration: its routes replace the whole table, routes management added or removed
    * included (the file is the truth; a management change lasts until the next reload). Synchronized with
    * {@link #putMtRoute} and {@link #removeMtRoute}, so they apply in one order: a change made after a reload builds on
    * the file's routes instead of putting back the table the reload replaced.
    */
   synchronized void apply(GatewayConfig config) {
      for (io.smsgw.core.config.SmscLinkConfig link : config.links()) {
         outcomesOf(link.id());
      }
      table = new RouteTable(config.routes());
      billing = config.billing();
      routesChanged.run();
   }

   void onRoutesChanged(Runnable listener) {
      this.routesChanged = listener;
   }

   /** The prefix of the queues the acceptors read accounts' MO and reports from (set once, at start). */
   void accountQueuePrefix(String prefix) {
      accountQueuePrefix = prefix;
   }

   String accountQueuePrefix() {
      return accountQueuePrefix;
   }

   /** The queue an account's MO and reports go to, the one its sessions read. */
   String accountQueue(String account) {
      return accountQueuePrefix + account;
   }

   /** Set by the plugin before anything is routed: what {@link #accountTarget} asks. */
   void accountQueues(AccountQueueKeeper keeper) {
      this.accountQueues = keeper;
   }

   /**
    * Where an MO or report for {@code account} is sent: its queue, or {@code parking} while that queue does not exist
    * ({@link AccountQueueKeeper}), so nothing is dropped for want of a queue.
    */
   String accountTarget(String account, String parking, org.apache.activemq.artemis.api.core.Message message) {
      AccountQueueKeeper keeper = accountQueues;
      return keeper == null ? accountQueue(account) : keeper.target(account, parking, message);
   }

   /** Where a report for {@code account} is sent: as {@link #accountTarget}, and {@code parking} when no session can take it. */
   String reportTarget(String account, String parking, org.apache.activemq.artemis.api.core.Message message,
                       io.smsgw.core.runtime.IngressRouting.Counts counts) {
      AccountQueueKeeper keeper = accountQueues;
      return keeper == null ? accountQueue(account) : keeper.reportTarget(account, parking, message, counts);
   }

   AccountQueueKeeper accountQueueKeeper() {
      return accountQueues;
   }

   /** Routing to other gateways for what no local route covers. */
   NetworkRouting network() {
      return network;
   }

   /**
    * The gateway a final report goes back to: where its message was submitted, the way the MT came. Null when its smsId
    * was issued here (a CMPP Msg_Id names the gateway) or it has no origin. Otherwise the gateway the MT came from
    * ({@code smsOriginGateway}) when that is a peer: each gateway takes a report only from the peer it handed the MT to
    * (decisions.md), so a report retraces an MT that went through several gateways hop by hop. Else the issuing
    * gateway when that is a peer, else the origin.
    */
   String reportHome(String smsId, String originGateway) {
      if (originGateway == null || originGateway.isEmpty()) {
         return null;
      }
      GatewayConfig config = runtime.config();
      java.util.Optional<String> issuer = io.smsgw.core.id.CmppMsgId.issuingGateway(smsId);
      if (issuer.isPresent() && issuer.get().equals(config.code())) {
         return null;
      }
      String home = config.peers().containsKey(originGateway) ? originGateway
         : issuer.filter(config.peers()::containsKey).orElse(originGateway);
      return home.equals(config.code()) ? null : home;
   }

   RouteTable table() {
      return table;
   }

   BillingPolicy billing() {
      return billing;
   }

   /** Where the rolled-up record of a completed long message goes (set by the plugin, which can route). */
   void rollupSink(java.util.function.BiConsumer<org.apache.activemq.artemis.api.core.Message, SegmentRollup.Completed> sink) {
      this.rollupSink = sink;
   }

   void rolledUp(org.apache.activemq.artemis.api.core.Message lastSegmentRecord, SegmentRollup.Completed completed) {
      rollupSink.accept(lastSegmentRecord, completed);
   }

   /** The account's counters if anything was counted for it, else null ({@link #OTHER_ACCOUNTS} reads the bucket). */
   AccountCounters existingCounters(String account) {
      return account == null ? null : counters.get(account);
   }

   /**
    * The counters of a configured account, or the one bucket {@link #OTHER_ACCOUNTS} shared by everything else (no
    * smsAccount, or one the configuration does not have: an application's or a peer's own names), so the map and its
    * meters grow with the configured accounts only, not with whatever smsAccount values arrive. An account a reload
    * removed keeps the counters it had.
    */
   AccountCounters counters(String account) {
      AccountCounters found = account == null ? null : counters.get(account);
      if (found != null) {
         return found;
      }
      String key = account != null && runtime.findAccount(account).isPresent() ? account : OTHER_ACCOUNTS;
      return counters.computeIfAbsent(key, a -> {
         AccountCounters added = new AccountCounters();
         countersAdded.accept(a, added);
         return added;
      });
   }

   /**
    * Calls {@code listener} for every account's counters, those there now and each added later (once per account,
    * maybe twice for one added meanwhile); null stops the calls. For the routing meters (RoutingMeters).
    */
   void onCountersAdded(java.util.function.BiConsumer<String, AccountCounters> listener) {
      countersAdded = listener == null ? (a, c) -> { } : listener;
      if (listener != null) {
         counters.forEach(listener);
      }
   }

   /** The counts of link {@code id}, made (and its meters registered) the first time. */
   private LinkOutcomes outcomesOf(String id) {
      return linkOutcomes.computeIfAbsent(org.apache.activemq.artemis.api.core.SimpleString.of(id), l -> {
         LinkOutcomes added = new LinkOutcomes();
         linkOutcomesAdded.accept(id, added);
         return added;
      });
   }

   /**
    * The counts a final report whose smsLink is {@code link} (the property as stored) goes to: the link's, or
    * {@link #OTHER_LINKS} for a link never configured since the start; null without smsLink (no link made the report: no
    * route, a peer's report). Allocates nothing for a configured link.
    */
   LinkOutcomes linkOutcomes(Object link) {
      if (link == null) {
         return null;
      }
      LinkOutcomes found = link instanceof org.apache.activemq.artemis.api.core.SimpleString s ? linkOutcomes.get(s)
         : linkOutcomes.get(org.apache.activemq.artemis.api.core.SimpleString.of(link.toString()));
      return found != null ? found : outcomesOf(OTHER_LINKS);
   }

   /** The counts of link {@code id} if it was configured since the start or is {@link #OTHER_LINKS} and counted, else null. */
   LinkOutcomes existingLinkOutcomes(String id) {
      return id == null ? null : linkOutcomes.get(org.apache.activemq.artemis.api.core.SimpleString.of(id));
   }

   /** As {@link #onCountersAdded}, for the links' final-report counts. */
   void onLinkOutcomesAdded(java.util.function.BiConsumer<String, LinkOutcomes> listener) {
      linkOutcomesAdded = listener == null ? (l, c) -> { } : listener;
      if (listener != null) {
         linkOutcomes.forEach((id, c) -> listener.accept(id.toString(), c));
      }
   }

   Map<String, AccountCounters> allCounters() {
      return counters;
   }

   /**
    * The link for an MT to {@code destination}, or null when no route covers it (or the account may not use
    * the route that does). Links of the route share
    * the traffic by weight; links that are down are skipped while another link of the route is up (when all
    * are down, the choice is by weight anyway and the message waits in that link's queue).
    */
   String linkFor(String destination, String account) {
      return linkFor(table.mt(destination), account);
   }

   /** The link for an MT on {@code route} (looked up by the caller, in the table it read), or null. */
   String linkFor(RouteConfig.MtRoute route, String account) {
      return linkFor(route, account, null);
   }

   /**
    * As {@link #linkFor(RouteConfig.MtRoute, String)}, without {@code excluded} (the link an operator's failover
    * moved the MT away from) while the route has another link; null excludes nothing.
    */
   String linkFor(RouteConfig.MtRoute route, String account, String excluded) {
      return linkFor(route, account, excluded, null);
   }

   /**
    * As {@link #linkFor(RouteConfig.MtRoute, String, String)} for {@code mt} (null: a whole message): a part of a long
    * message its submitter split goes to the link all its message's parts get while the same links are up
    * ({@link PartAffinity}), a whole message to one picked at random by weight.
    */
   String linkFor(RouteConfig.MtRoute route, String account, String excluded, org.apache.activemq.artemis.api.core.Message mt) {
      if (route == null || route.links().isEmpty() || !mayUse(route, account)) {
         return null;
      }
      List<RouteConfig.WeightedLink> candidates = route.links();
      if (excluded != null && candidates.size() > 1) {
         List<RouteConfig.WeightedLink> others = new ArrayList<>(candidates.size());
         for (RouteConfig.WeightedLink link : candidates) {
            if (!link.link().equals(excluded)) {
               others.add(link);
            }
         }
         candidates = others.isEmpty() ? candidates : others;
      }
      if (candidates.size() == 1) {
         return candidates.get(0).link();
      }
      List<RouteConfig.WeightedLink> up = new ArrayList<>(candidates.size());
      for (RouteConfig.WeightedLink link : candidates) {
         if (runtime.links().isUp(link.link())) {
            up.add(link);
         }
      }
      List<RouteConfig.WeightedLink> offered = up.isEmpty() ? candidates : up;
      long part = mt == null || offered.size() == 1 ? PartAffinity.NOT_A_PART : PartAffinity.key(mt, account);
      return part == PartAffinity.NOT_A_PART ? weighted(offered) : PartAffinity.pick(offered, part);
   }

   private boolean mayUse(RouteConfig.MtRoute route, String account) {
      if (account != null) {
         var restricted = runtime.findAccount(account);
         return restricted.isEmpty() || restricted.get().allowsRoute(route.prefix());
      }
      return true;
   }

   /**
    * Whether an MT to {@code destination} of {@code account} has a link other than {@code link} that is up on the
    * route that covers it now (for a failover away from {@code link}).
    */
   boolean hasOtherLinkUp(String destination, String account, String link) {
      RouteConfig.MtRoute route = table.mt(destination);
      if (route == null || !mayUse(route, account)) {
         return false;
      }
      for (RouteConfig.WeightedLink candidate : route.links()) {
         if (!candidate.link().equals(link) && runtime.links().isUp(candidate.link())) {
            return true;
         }
      }
      return false;
   }

   private static String weighted(List<RouteConfig.WeightedLink> links) {
      long total = 0; // a long: no sum of int weights can overflow it
      for (RouteConfig.WeightedLink link : links) {
         total += link.weight();
      }
      long pick = ThreadLocalRandom.current().nextLong(total);
      for (RouteConfig.WeightedLink link : links) {
         pick -= link.weight();
         if (pick < 0) {
            return link.link();
         }
      }
      return links.get(links.size() - 1).link();
   }

   /**
    * Replaces or adds an MT route (management): it replaces the route of the same prefix however that is written
    * ("86138" and "+86138" are one route). The file is not changed, the next reload of the file replaces it.
    */
   synchronized void putMtRoute(String prefix, List<RouteConfig.WeightedLink> links) {
      List<RouteConfig.MtRoute> routes = new ArrayList<>();
      for (RouteConfig.MtRoute route : table.config().mt()) {
         if (!RouteConfig.samePrefix(route.prefix(), prefix)) {
            routes.add(route);
         }
      }
      routes.add(new RouteConfig.MtRoute(prefix, links));
      table = new RouteTable(new RouteConfig(routes, table.config().mo()));
      routesChanged.run();
   }

   synchronized boolean removeMtRoute(String prefix) {
      List<RouteConfig.MtRoute> routes = new ArrayList<>(table.config().mt());
      boolean removed = routes.removeIf(route -> RouteConfig.samePrefix(route.prefix(), prefix));
      table = new RouteTable(new RouteConfig(routes, table.config().mo()));
      return removed;
   }
}
