package io.smsgw.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.smsgw.broker.AcceptorMeters;
import io.smsgw.core.config.Account;
import io.smsgw.core.config.RouteConfig;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

/** Reads and changes the router for management; holds no state of its own. */
final class SmsRoutingControl implements SmsRoutingControlMBean {

   private final ActiveMQServer server;
   private final SmsRouter router;
   private final ConfigReloader reloader;
   private final PendingRoutes pending;
   private final ApplicationMtCheck mtCheck;
   private final RemovedLinkQueues removedLinks;

   SmsRoutingControl(ActiveMQServer server, SmsRouter router, ConfigReloader reloader, PendingRoutes pending, ApplicationMtCheck mtCheck,
                     RemovedLinkQueues removedLinks) {
      this.server = server;
      this.removedLinks = removedLinks;
      this.router = router;
      this.reloader = reloader;
      this.pending = pending;
      this.mtCheck = mtCheck;
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

   @Override
   public long[] getAccountCounters(String account) {
      // Read without creating: a query for a mistyped account must not add an entry (and seven meters) for it.
      AccountCounters c = router.existingCounters(account);
      if (c == null) {
         return new long[8];
      }
      return new long[] {c.submitted.sum(), c.unrouted.sum(), c.delivered.sum(), c.failed.sum(), c.billed.sum(), c.moRouted.sum(),
         c.reportsNotRequested.sum(), c.billable.sum()};
   }

   @Override
   public long[] getAccountUsage(String account) {
      var runtime = router.runtime();
      Account configured = runtime.findAccount(account).orElse(null);
      return new long[] {runtime.openSessions(account), configured == null ? 0 : configured.maxSessions(),
         runtime.quotas().usedToday(account), configured == null ? 0 : configured.dailyQuota()};
   }

   @Override
   public long[] getAccountDeliveries(String account) {
      // The acceptors count (broker-common); like getAccountCounters, a mistyped account reads 0 and adds nothing.
      return account == null ? new long[AcceptorMeters.DEAD_LETTERED_ATTEMPTS + 1] : AcceptorMeters.deliveries(server, account, router.accountQueue(account));
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
}
