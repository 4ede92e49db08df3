package io.smsgw.routing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.smsgw.core.config.ConfigFilePermissions;
import io.smsgw.core.config.DemoSecrets;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.GatewayConfigException;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.config.GatewayConfigLocator;
import io.smsgw.core.config.TandemConfig;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.LinkReconfiguration;
import io.smsgw.core.runtime.PeerReconfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches {@code sms-gateway.conf} (when it is a file) and applies a changed file without a broker restart:
 * accounts, routes and the billing policy take effect for the next message; messages in flight are not
 * touched. An account's max-submit-rate and daily-quota apply to its open sessions at once; the open sessions of an
 * account the file removes, or whose password, protocols or allowed-ips no longer admit them, are ended (one WARN per
 * account). A broken file is rejected with the loader's message and the previous configuration keeps serving.
 * The SMSC links follow too: the link service starts the links the reload added, stops those it removed and
 * restarts those whose settings changed or whose TLS store files were replaced ({@link LinkReconfiguration}), before
 * what waits for a removed link is routed again ({@link RemovedLinkQueues}), so no running consumer holds it. The FWD
 * links to peer gateways follow {@code peers} the same way ({@link PeerReconfiguration}). Only {@code sms-gateway.conf}
 * is watched: after replacing a store file, an operator reloads through management (or touches the file). (gns,
 * gateway.code, the tandem's routes and acceptor settings need a restart; a reload that changes one of those sections
 * says so in a WARN.)
 */
final class ConfigReloader {

   private static final Logger logger = LoggerFactory.getLogger(ConfigReloader.class);

   private final GatewayRuntime runtime;
   private final SmsRouter router;
   private final Path file;
   private final java.util.function.Consumer<GatewayConfig> beforeRoutes;
   private final java.util.function.BiConsumer<GatewayConfig, GatewayConfig> applied;
   private volatile FileTime lastSeen;
   private ScheduledFuture<?> task;

   ConfigReloader(GatewayRuntime runtime, SmsRouter router) {
      this(runtime, router, config -> { }, (previous, config) -> { });
   }

   /**
    * {@code beforeRoutes} runs on each reload that loaded, before its accounts and routes go live (the added accounts'
    * queues, so that no MO or report routed by the new routes finds its queue missing); {@code applied} after each
    * reload that applied, with the previous and the new configuration (removed links' queues, stranded reports).
    */
   ConfigReloader(GatewayRuntime runtime, SmsRouter router, java.util.function.Consumer<GatewayConfig> beforeRoutes,
                  java.util.function.BiConsumer<GatewayConfig, GatewayConfig> applied) {
      this.runtime = runtime;
      this.router = router;
      this.beforeRoutes = beforeRoutes;
      this.applied = applied;
      GatewayConfigLocator.Location location = new GatewayConfigLocator().locate();
      this.file = location instanceof GatewayConfigLocator.FileLocation f ? f.file() : null;
      this.lastSeen = modified();
   }

   void start(ScheduledExecutorService scheduler, long periodMillis) {
      if (file != null) {
         task = scheduler.scheduleWithFixedDelay(this::checkForChange, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
      }
   }

   void stop() {
      if (task != null) {
         task.cancel(false);
      }
   }

   private FileTime modified() {
      try {
         return file == null ? null : Files.getLastModifiedTime(file);
      } catch (Exception e) {
         return null;
      }
   }

   /**
    * The scheduled check. Nothing may escape it: an exception would cancel the schedule (ScheduledExecutorService runs
    * no later check of a task that threw), and no later change of the file would be applied until the restart.
    */
   private void checkForChange() {
      try {
         FileTime now = modified();
         if (now != null && !now.equals(lastSeen)) {
            lastSeen = now;
            Outcome outcome = reload();
            if (!outcome.refused().isEmpty()) {
               logger.error("{} changed but was not applied; the previous configuration stays in force:\n{}", file, outcome.refused());
            }
            // Links left as they were: the link service logged each at ERROR.
         }
      } catch (RuntimeException e) {
         logger.error("{}: the reload failed part way; the next change of the file is applied as usual (or reload "
                      + "through management)", file, e);
      }
   }

   /**
    * What a reload did: {@code refused} the loader's problems (nothing applied), or else {@code linksLeft} the SMSC and FWD
    * links the file applied around (each left running as it was, or not started), one line each.
    */
   record Outcome(String refused, List<String> linksLeft) {
   }

   /**
    * The sections of the file that changed and take effect only at the next broker start, each with what keeps its
    * previous settings (docs/links-routing-billing.md, "Reload and management").
    */
   static List<String> needRestart(GatewayConfig previous, GatewayConfig next, boolean linksApplied, boolean peersApplied) {
      List<String> changed = new ArrayList<>();
      if (previous == null) {
         return changed;
      }
      // Applied at once by the link service; without one (no SMPP module in this broker) nothing runs them anyway
      // until a start that has it.
      if (!linksApplied && !previous.links().equals(next.links())) {
         changed.add("links (the SMSC links)");
      }
      // The same for the FWD links (peers) and the FWD link service.
      if (!peersApplied && !linkSettings(previous).equals(linkSettings(next))) {
         changed.add("peers (the outgoing FWD links)");
      }
      if (!Objects.equals(previous.gns(), next.gns())) {
         changed.add("gns (the connection to the tandem)");
      }
      if (!previous.code().equals(next.code())) {
         changed.add("gateway.code (the FWD links and the connection to the tandem)");
      }
      if (!Objects.equals(tandemRoutes(previous.tandem()), tandemRoutes(next.tandem()))) {
         changed.add("tandem routes (the routes the tandem serves)");
      }
      return changed;
   }

   /** What the outgoing FWD links use of each peer (allowed-ips and max-sessions apply to incoming CONNECTs at once). */
   private static List<io.smsgw.core.config.PeerConfig.LinkSettings> linkSettings(GatewayConfig config) {
      return config.peers().values().stream().map(io.smsgw.core.config.PeerConfig::linkSettings).toList();
   }

   /** The tandem's routes (its gateway directory applies at once). */
   private static List<?> tandemRoutes(TandemConfig tandem) {
      return tandem == null ? List.of() : List.of(tandem.mtRoutes(), tandem.moRoutes());
   }

   /**
    * Brings the running SMSC links in line with the file (on this thread, which blocks while removed or changed links
    * unbind: never a Netty event loop, and one reload at a time). False when no link service runs in this broker.
    */
   private List<String> applyLinks(GatewayConfig config) {
      LinkReconfiguration links = runtime.linkReconfiguration();
      if (links == null) {
         return null;
      }
      try {
         return links.apply(config.links());
      } catch (RuntimeException e) {
         logger.error("{}: the SMSC links could not all be brought in line with the reloaded file", file, e);
         return List.of("the SMSC links could not all be brought in line: " + e);
      }
   }

   /** Brings the running FWD links in line with {@code peers}, as {@link #applyLinks} the SMSC links; null without a service. */
   private List<String> applyPeers(GatewayConfig config) {
      PeerReconfiguration peers = runtime.peerReconfiguration();
      if (peers == null) {
         return null;
      }
      try {
         return peers.apply(config);
      } catch (RuntimeException e) {
         logger.error("{}: the FWD links could not all be brought in line with the reloaded file", file, e);
         return List.of("the FWD links could not all be brought in line: " + e);
      }
   }

   /**
    * Loads and applies the file; returns the problems: the loader's when nothing was applied, or the SMSC and FWD links
    * left as they were (a TLS store that no longer loads) when the rest was; empty when all of it applied.
    */
   synchronized String reloadNow() {
      Outcome outcome = reload();
      if (!outcome.refused().isEmpty()) {
         return outcome.refused();
      }
      if (outcome.linksLeft().isEmpty()) {
         return "";
      }
      return "applied, but links left as they were (fix and reload again):\n" + String.join("\n", outcome.linksLeft());
   }

   private synchronized Outcome reload() {
      if (file == null) {
         return new Outcome("the configuration is not a file that can be reloaded", List.of());
      }
      try {
         GatewayConfig config = GatewayConfigLoader.load(file);
         GatewayConfig previous = runtime.config();
         // The accounts' queues before the accounts and their routes are live (decision 168): an MO routed to an added
         // account the moment router.apply returns finds its queue.
         beforeRoutes.accept(config);
         List<GatewayRuntime.RevokedAccount> revoked = runtime.configure(config);
         router.apply(config);
         logger.info("{} reloaded: {} accounts, {} MT and {} MO routes", file, config.accounts().size(),
                     config.routes().mt().size(), config.routes().mo().size());
         for (GatewayRuntime.RevokedAccount account : revoked) {
            // An account's shared limits apply to its open sessions at once; a revoked login does not stay open
            // (decisions.md: revoked accounts).
            logger.warn("{}: account '{}' {}: ending its {} open session(s) (SMPP unbind / CMPP TERMINATE, after the "
                        + "answers to what they sent before)", file, account.accountId(), account.reason(), account.sessions());
         }
         List<String> smscLinksLeft = applyLinks(config);
         List<String> fwdLinksLeft = applyPeers(config);
         List<String> restart = needRestart(previous, config, smscLinksLeft != null, fwdLinksLeft != null);
         if (!restart.isEmpty()) {
            // The INFO above reads as if all of the file were live: say what still runs with the old settings.
            logger.warn("{}: changes that wait until the broker restarts, the running services keep their previous "
                        + "settings meanwhile: {}", file, String.join(", ", restart));
         }
         DemoSecrets.warnIfUsed(config, file);
         ConfigFilePermissions.warnIfReadableByOthers(file);
         // After the links: a removed link has stopped and given back what it held, so all of its queue moves.
         applied.accept(previous, config);
         List<String> linksLeft = new ArrayList<>();
         if (smscLinksLeft != null) {
            smscLinksLeft.forEach(line -> linksLeft.add("SMSC link " + line));
         }
         if (fwdLinksLeft != null) {
            fwdLinksLeft.forEach(line -> linksLeft.add("FWD link to gateway " + line));
         }
         return new Outcome("", linksLeft);
      } catch (GatewayConfigException e) {
         return new Outcome(e.getMessage(), List.of());
      }
   }
}
