package io.smsgw.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.smsgw.broker.AcceptorMeters;
import io.smsgw.core.config.Account;
import io.smsgw.core.config.RouteConfig;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

/** Reads and changes the router for management; holds no state of its own. */
public final class SmsRoutingControl implements SmsRoutingControlMBean {

   private final ActiveMQServer server;
   private final SmsRouter router;
   private final ConfigReloader reloader;
   private final PendingRoutes pending;
   private final ApplicationMtCheck mtCheck;
   private final RemovedLinkQueues removedLinks;
   private final MessageLocator locator;
   private final LinkFailover failover;
   private final UnroutedMo unroutedMo;

   SmsRoutingControl(ActiveMQServer server, SmsRouter router, ConfigReloader reloader, PendingRoutes pending, ApplicationMtCheck mtCheck,
                     RemovedLinkQueues removedLinks) {
      this.server = server;
      this.removedLinks = removedLinks;
      this.failover = new LinkFailover(server, router, removedLinks);
      this.router = router;
      this.reloader = reloader;
      this.pending = pending;
      this.mtCheck = mtCheck;
      this.locator = new MessageLocator(server, router.runtime());
      this.unroutedMo = new UnroutedMo(server);
   }

   @Override
   public Map<String, Long> linkOutcomes(String link) {
      LinkOutcomes outcomes = router.existingLinkOutcomes(link);
      if (outcomes == null && !SmsRouter.OTHER_LINKS.equals(link)) {
         throw new IllegalArgumentException("No link \"" + link + "\" configured since the broker started; reports naming "
                                               + "another link count under \"" + SmsRouter.OTHER_LINKS + "\"");
      }
      Map<String, Long> out = new LinkedHashMap<>();
      for (io.smsgw.core.receipt.DeliveryState state : LinkOutcomes.STATES) {
         out.put(state.stat(), outcomes == null ? 0 : outcomes.of(state).sum());
      }
      return out;
   }

   @Override
   public String locate(String id) throws Exception {
      return locator.locate(id);
   }

   @Override
   public long getApplicationMtRefused() {
      return mtCheck.refused.sum();
   }

   @Override
   public long getMessagesWaitingForRoute() {
      return pending.waiting();
   }

   @Override
   public long getWaitedForRoute() {
      return router.network().parked.sum();
   }

   @Override
   public long getRoutedToGateways() {
      return router.network().toGateways.sum();
   }

   @Override
   public String[] getMtRoutes() {
      List<String> out = new ArrayList<>();
      for (RouteConfig.MtRoute route : router.table().mtRoutes()) {
         StringBuilder b = new StringBuilder(route.prefix()).append(" -> ");
         for (int i = 0; i < route.links().size(); i++) {
            RouteConfig.WeightedLink link = route.links().get(i);
            b.append(i == 0 ? "" : ", ").append(link.link()).append(':').append(link.weight());
         }
         out.add(b.toString());
      }
      return out.toArray(new String[0]);
   }

   @Override
   public String[] getMoRoutes() {
      return router.table().config().mo().stream().map(r -> r.prefix() + " -> " + r.account()).toArray(String[]::new);
   }

   @Override
   public String[] getAccounts() {
      return router.runtime().config().accounts().all().stream().map(Account::id).toArray(String[]::new);
   }

   /** Names of getAccountCounters' values, in its order. */
   static final List<String> COUNTER_NAMES = List.of("submitted", "unrouted", "delivered", "failed", "billed", "moRouted",
                                                     "reportsNotRequested", "billable");
   /** Names of getAccountUsage's values, in its order. */
   static final List<String> USAGE_NAMES = List.of("openSessions", "maxSessions", "quotaUsedToday", "dailyQuota");
   /** Names of getAccountDeliveries' values, in its order (AcceptorMeters' indexes). */
   static final List<String> DELIVERY_NAMES = List.of("moSent", "reportsSent", "redelivered", "ok", "throttled", "rejected", "invalid",
                                                      "other", "timedOut", "waiting", "inFlight", "deadLetteredRefused",
                                                      "deadLetteredAttempts");
   /** Names of getCdrCounters' values, in its order. */
   static final List<String> CDR_NAMES = List.of("recordsWritten", "filesClosed", "writeErrors");

   @Override
   public Map<String, Long> accountCounters(String account) {
      return named(COUNTER_NAMES, getAccountCounters(account));
   }

   @Override
   public Map<String, Long> accountUsage(String account) {
      return named(USAGE_NAMES, getAccountUsage(account));
   }

   @Override
   public Map<String, Long> accountDeliveries(String account) {
      return named(DELIVERY_NAMES, getAccountDeliveries(account));
   }

   @Override
   public Map<String, Long> cdrCounters() {
      return named(CDR_NAMES, getCdrCounters());
   }

   /** In the array's order, so the console and Jolokia show them as the documentation lists them. */
   private static Map<String, Long> named(List<String> names, long[] values) {
      Map<String, Long> out = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
         out.put(names.get(i), values[i]);
      }
      return out;
   }

   @Override
   @Deprecated
   public long[] getAccountCounters(String account) {
      requireKnown(account, true);
      // Read without creating: a query must not add an entry (and seven meters) for an account.
      AccountCounters c = router.existingCounters(account);
      if (c == null) {
         return new long[COUNTER_NAMES.size()];
      }
      return new long[] {c.submitted.sum(), c.unrouted.sum(), c.delivered.sum(), c.failed.sum(), c.billed.sum(), c.moRouted.sum(),
         c.reportsNotRequested.sum(), c.billable.sum()};
   }

   @Override
   @Deprecated
   public long[] getAccountUsage(String account) {
      requireKnown(account, false);
      var runtime = router.runtime();
      Account configured = runtime.findAccount(account).orElse(null);
      return new long[] {runtime.openSessions(account), configured == null ? 0 : configured.maxSessions(),
         runtime.quotas().usedToday(account), configured == null ? 0 : configured.dailyQuota()};
   }

   @Override
   @Deprecated
   public long[] getAccountDeliveries(String account) {
      requireKnown(account, false);
      // The acceptors count (broker-common).
      return AcceptorMeters.deliveries(server, account, router.accountQueue(account));
   }

   /**
    * A configured account, or one a reload removed that still has counters; for the routing counters also the bucket
    * "(other accounts)". Anything else was mistyped: a row of zeros would look like a quiet account.
    */
   private void requireKnown(String account, boolean otherAccounts) {
      if (account != null && (router.runtime().findAccount(account).isPresent()
            || (SmsRouter.OTHER_ACCOUNTS.equals(account) ? otherAccounts : router.existingCounters(account) != null))) {
         return;
      }
      throw new IllegalArgumentException("No account \"" + account + "\" in sms-gateway.conf: the attribute Accounts lists the configured ones"
                                            + (otherAccounts ? "; MT of any other smsAccount (or none) count under \"" + SmsRouter.OTHER_ACCOUNTS + "\"" : ""));
   }

   @Override
   public long getReportsWithoutSession() {
      return router.reportsWithoutSession.sum();
   }

   @Override
   public Map<String, Long> waitingReports(String account) {
      requireKnown(account, false);
      if (router.runtime().findAccount(account).isEmpty()) {
         throw new IllegalArgumentException("No account \"" + account + "\" in sms-gateway.conf: the attribute Accounts lists the configured ones");
      }
      return WaitingReports.of(server.locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of(router.accountQueue(account))));
   }

   @Override
   public long getMoUnrouted() {
      return router.moUnrouted.sum();
   }

   @Override
   public long getIntermediateReports() {
      return router.intermediateReports.sum();
   }

   @Override
   public long getMoReports() {
      return router.moReports.sum();
   }

   @Override
   @Deprecated
   public long[] getCdrCounters() {
      return new long[] {router.cdr.records.sum(), router.cdr.files.sum(), router.cdr.errors.sum()};
   }

   /** Checked by the file's rules: a route that passed here could not make every MT to its prefix fail or vanish. */
   @Override
   public void addMtRoute(String prefix, String links) {
      refuse(prefix == null ? "required" : RouteConfig.prefixProblem(prefix), "prefix");
      Set<String> linkIds = new HashSet<>();
      router.runtime().config().links().forEach(l -> linkIds.add(l.id()));
      List<RouteConfig.WeightedLink> targets = new ArrayList<>();
      for (String entry : links == null ? new String[0] : links.split(",")) {
         String[] parts = entry.trim().split(":");
         if (parts[0].isEmpty()) {
            continue;
         }
         refuse(RouteConfig.linkProblem(parts[0], linkIds), entry.trim());
         refuse(RouteConfig.repeatedLinkProblem(parts[0], targets), entry.trim());
         int weight = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 1;
         refuse(RouteConfig.WeightedLink.weightProblem(weight), entry.trim());
         targets.add(new RouteConfig.WeightedLink(parts[0], weight));
      }
      if (targets.isEmpty()) {
         throw new IllegalArgumentException("no link given");
      }
      router.putMtRoute(prefix, targets);
   }

   private static void refuse(String problem, String what) {
      if (problem != null) {
         throw new IllegalArgumentException(what + ": " + problem);
      }
   }

   @Override
   public boolean removeMtRoute(String prefix) {
      return router.removeMtRoute(prefix);
   }

   @Override
   public String reload() {
      return reloader.reloadNow();
   }

   @Override
   public String[] getQueuesWithoutLink() {
      return RemovedLinkQueues.describe(removedLinks.withoutLink(router.runtime().config()));
   }

   @Override
   public String rerouteQueue(String queue) throws Exception {
      return removedLinks.reroute(queue).toString();
   }

   @Override
   public String failoverLink(String link) throws Exception {
      return failover.failover(link).toString();
   }

   @Override
   public String rerouteUnroutedMo() throws Exception {
      return unroutedMo.reroute();
   }
}
