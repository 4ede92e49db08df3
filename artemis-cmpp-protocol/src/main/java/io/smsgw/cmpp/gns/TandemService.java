package io.smsgw.cmpp.gns;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.MoRouteUpdate;
import io.smsgw.cmpp.codec.MtRouteUpdate;
import io.smsgw.core.config.CidrBlock;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.TandemConfig;
import io.smsgw.core.runtime.GatewayRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tandem gateway (GNS) role of one broker: authenticates the network's gateways, owns the
 * {@link TandemRouteTable} and pushes every applied route change to the gateways with an open GNS session.
 * The gateway directory (addresses, regions, secrets) is read from the configuration in force, so a reload
 * changes it; the routes are seeded once, at broker start ({@link #start}), from the {@code tandem} section or
 * from the {@link TandemRouteStore} that keeps them across restarts, and then change only through
 * MT/MO_ROUTE_UPDATE: a reload of the configuration keeps them.
 *
 * <p>Updates are applied one at a time on the store's thread: applied in memory, written and forced to disk,
 * then answered and pushed. An update that cannot be written is undone and answered Result 4. Without a store
 * (the tandem section appeared by a reload) updates are applied in memory only, on the caller's thread.
 */
public final class TandemService {

   private static final Logger logger = LoggerFactory.getLogger(TandemService.class);
   private static final Map<GatewayRuntime, TandemService> BY_RUNTIME = new WeakHashMap<>();

   private final GatewayRuntime runtime;
   private final Clock clock;
   private final Set<GnsSessionHandler> sessions = ConcurrentHashMap.newKeySet();
   final LongAdder updatesApplied = new LongAdder();
   final LongAdder updatesRefused = new LongAdder();
   /** Refused because they would change or create another gateway's route (counted in updatesRefused too). */
   final LongAdder updatesOfOthersRefused = new LongAdder();
   final LongAdder pushesSent = new LongAdder();
   private volatile TandemRouteTable table;
   private volatile TandemRouteStore store;
   private volatile ExecutorService storeThread;
   private volatile String storeFailure = "";

   TandemService(GatewayRuntime runtime, Clock clock) {
      this.runtime = Objects.requireNonNull(runtime, "runtime");
      this.clock = Objects.requireNonNull(clock, "clock");
   }

   /** The service of this broker's runtime, created on first use; it does nothing unless a tandem section exists. */
   public static TandemService of(GatewayRuntime runtime) {
      synchronized (BY_RUNTIME) {
         return BY_RUNTIME.computeIfAbsent(runtime, r -> new TandemService(r, Clock.systemDefaultZone()));
      }
   }

   /** The {@code tandem} section in force, or null when this gateway is not a tandem. */
   TandemConfig directory() {
      GatewayConfig config = runtime.config();
      return config == null ? null : config.tandem();
   }

   /** Whether a CONNECT from {@code sourceAddr} is a gateway of the network asking this tandem for routes. */
   public boolean isGateway(String sourceAddr) {
      TandemConfig directory = directory();
      return directory != null && directory.gateways().containsKey(sourceAddr);
   }

   /** The addresses a gateway's CONNECT may come from (its {@code allowed-ips}, else its host); empty for a stranger. */
   public List<CidrBlock> allowedSources(String code) {
      TandemConfig.Gateway gateway = gateway(code);
      return gateway == null ? List.of() : gateway.allowedIps();
   }

   /** The GNS sessions a gateway may have open at once; 0 for a code not in the directory. */
   public int maxSessions(String code) {
      TandemConfig.Gateway gateway = gateway(code);
      return gateway == null ? 0 : gateway.maxSessions();
   }

   /**
    * CONNECT Status for a gateway: 0, or 3 when the authenticator does not match its shared secret. The acceptor
    * refuses a stale Timestamp before and a replayed CONNECT after this (cmppConnectTimeSkew).
    */
   public int checkConnect(Connect connect) {
      TandemConfig.Gateway gateway = gateway(connect.sourceAddr());
      if (gateway == null) {
         return CmppResult.CONNECT_ILLEGAL_SOURCE_ADDR;
      }
      return CmppAuthenticator.verifySource(connect, gateway.sharedSecret())
         ? CmppResult.CONNECT_OK : CmppResult.CONNECT_AUTHENTICATION_ERROR;
   }

   /** AuthenticatorISMG of the successful CONNECT_RESP to a gateway. */
   public byte[] authenticatorIsmg(Connect connect, CmppVersion version) {
      TandemConfig.Gateway gateway = gateway(connect.sourceAddr());
      String secret = gateway == null ? "" : gateway.sharedSecret();
      return CmppAuthenticator.authenticatorIsmg(CmppResult.CONNECT_OK, connect.authenticatorSource(), secret, version);
   }

   /** Registers a connected gateway: its route requests go to the returned handler, and it receives pushes. */
   public GnsSessionHandler open(String gatewayCode, GnsPeer peer) {
      GnsSessionHandler session = new GnsSessionHandler(this, gatewayCode, peer);
      sessions.add(session);
      logger.info("Gateway {} registered for route pushes ({} registered)", gatewayCode, sessions.size());
      return session;
   }

   void close(GnsSessionHandler session) {
      if (sessions.remove(session)) {
         logger.info("Gateway {} unregistered ({} registered)", session.gatewayCode(), sessions.size());
      }
   }

   /** The number of open GNS sessions. */
   public int registeredSessions() {
      return sessions.size();
   }

   TandemConfig.Gateway gateway(String code) {
      TandemConfig directory = directory();
      return directory == null ? null : directory.gateways().get(code);
   }

   /**
    * Loads the table from the store in {@code directory} (or seeds it from the configuration) and starts the
    * store's thread. A store that cannot be opened leaves the tandem serving from memory, with the reason logged.
    */
   public synchronized void start(Path directory) {
      TandemConfig directoryConfig = directory();
      if (directoryConfig == null || store != null) {
         return;
      }
      TandemRouteStore opened = new TandemRouteStore(directory, clock);
      try {
         table = opened.open(directoryConfig);
         store = opened;
         storeThread = Executors.newSingleThreadExecutor(new DefaultThreadFactory("sms-tandem-store", true));
         logger.info("Tandem route table: {} MT and {} MO routes, kept in {}", table.mtRouteCount(), table.moRouteCount(),
                     opened.file());
      } catch (IOException | RuntimeException e) {
         logger.error("Tandem route file in {} cannot be used ({}); route updates will be kept in memory only", directory,
                      e.toString(), e);
         storeFailure = "the route file in " + directory + " cannot be used (" + e + "); updates are kept in memory only";
      }
   }

   /**
    * Lets updates already received finish (answered and written), then closes the store. Not synchronized:
    * the updates it waits for need the service's lock. The service outlives its broker's stop (it belongs to
    * the server object), so it forgets the store and table: a later {@link #start} reopens the file and reads
    * the table again, as a restarted broker or a shared-store backup failing back needs.
    */
   public void stop() {
      ExecutorService thread = storeThread;
      if (thread == null) {
         return;
      }
      thread.shutdown();
      try {
         if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
            logger.warn("Tandem route updates still being written at stop");
         }
         store.close();
      } catch (InterruptedException e) {
         Thread.currentThread().interrupt();
      } catch (IOException e) {
         logger.warn("Closing the tandem route file", e);
      } finally {
         synchronized (this) {
            storeThread = null;
            store = null;
            table = null;
            storeFailure = "";
         }
      }
   }

   /** The file the routes are kept in, or null when they live in memory only. */
   Path routeFile() {
      TandemRouteStore current = store;
      return current == null ? null : current.file();
   }

   /** What loading the route file found wrong, empty when nothing (or no file). */
   String routeFileProblem() {
      TandemRouteStore current = store;
      return current == null ? storeFailure : current.problem();
   }

   /** The codes of the gateways with an open GNS session. */
   List<String> connectedGateways() {
      List<String> codes = new ArrayList<>();
      for (GnsSessionHandler session : sessions) {
         codes.add(session.gatewayCode());
      }
      codes.sort(null);
      return codes;
   }

   /** The route table, seeded from the tandem section on first use when {@link #start} did not load it. */
   public TandemRouteTable table() {
      TandemRouteTable current = table;
      if (current == null) {
         synchronized (this) {
            current = table;
            if (current == null) {
               TandemConfig directory = directory();
               current = directory == null ? new TandemRouteTable(clock) : TandemRouteTable.fromConfig(directory, clock);
               table = current;
               logger.info("Tandem route table: {} MT and {} MO routes from the configuration", current.mtRouteCount(),
                           current.moRouteCount());
            }
         }
      }
      return current;
   }

   /**
    * Applies a gateway's update, keeps it on disk, then pushes the change to every registered gateway that sees
    * the route (the sender included, so its cache learns the route id and time stamp); the future completes with
    * the answer once all that is done. Result 4 once this gateway is no longer a tandem or when the update cannot
    * be written; the others see {@link TandemRouteTable#updateMt} and {@link TandemRouteTable#updateMo} (4 also
    * when the route is, or would become, another gateway's: {@code from} is the code the session authenticated).
    */
   CompletableFuture<TandemRouteTable.UpdateOutcome> updateMt(String from, MtRouteUpdate update) {
      return onStoreThread(() -> applyMt(from, update), update.routeId());
   }

   CompletableFuture<TandemRouteTable.UpdateOutcome> updateMo(String from, MoRouteUpdate update) {
      return onStoreThread(() -> applyMo(from, update), update.routeId());
   }

   private CompletableFuture<TandemRouteTable.UpdateOutcome> onStoreThread(Supplier<TandemRouteTable.UpdateOutcome> apply,
                                                                            long routeId) {
      ExecutorService thread = storeThread;
      if (thread == null) {
         return CompletableFuture.completedFuture(apply.get());
      }
      try {
         return CompletableFuture.supplyAsync(apply, thread).exceptionally(e -> {
            logger.error("Route update failed", e);
            return notAccepted(routeId);
         });
      } catch (RejectedExecutionException e) {
         return CompletableFuture.completedFuture(notAccepted(routeId)); // the broker is stopping
      }
   }

   private TandemRouteTable.UpdateOutcome notAccepted(long routeId) {
      updatesRefused.increment();
      return new TandemRouteTable.UpdateOutcome(CmppResult.GNS_UPDATE_NOT_ACCEPTED, routeId, GnsTimestamp.now(clock));
   }

   private TandemRouteTable.UpdateOutcome applyMt(String from, MtRouteUpdate update) {
      TandemRouteTable current = table();
      return apply("MT_ROUTE_UPDATE", from, update.updateType(), update.routeId(),
                   (directory, applied) -> current.updateMt(from, update, directory, applied),
                   change -> store.appendMt(change, current), current::revertMt, change -> {
            for (GnsSessionHandler session : sessions) {
               session.push(change.route().toPush(session.nextSequence(), change.updateType()));
               pushesSent.increment();
            }
         });
   }

   private TandemRouteTable.UpdateOutcome applyMo(String from, MoRouteUpdate update) {
      TandemRouteTable current = table();
      return apply("MO_ROUTE_UPDATE", from, update.updateType(), update.routeId(),
                   (directory, applied) -> current.updateMo(from, update, directory, applied),
                   change -> store.appendMo(change, current), current::revertMo, change -> {
            for (GnsSessionHandler session : sessions) {
               String region = session.region();
               if (region != null && change.concerns(region)) {
                  session.push(change.route().toPush(session.nextSequence(), change.updateType()));
                  pushesSent.increment();
               }
            }
         });
   }

   /** Writes one applied change to the route file. */
   private interface ChangeWriter<R> {
      void write(TandemRouteTable.Change<R> change) throws IOException;
   }

   /**
    * Applies an update to the table, writes the change (undoing it when that fails), then pushes it.
    * Synchronized: without a store, updates from different connections must still be applied and pushed in order.
    */
   private synchronized <R> TandemRouteTable.UpdateOutcome apply(
         String what, String from, int updateType, long routeId,
         BiFunction<TandemConfig, Consumer<TandemRouteTable.Change<R>>, TandemRouteTable.UpdateOutcome> update,
         ChangeWriter<R> writer, Consumer<TandemRouteTable.Change<R>> undo, Consumer<TandemRouteTable.Change<R>> push) {
      TandemConfig directory = directory();
      if (directory == null) {
         return notAccepted(routeId);
      }
      List<TandemRouteTable.Change<R>> changes = new ArrayList<>(1);
      TandemRouteTable.UpdateOutcome outcome = update.apply(directory, changes::add);
      for (TandemRouteTable.Change<R> change : changes) {
         if (store != null) {
            try {
               writer.write(change);
            } catch (IOException e) {
               logger.error("{} from {} could not be written to {}; undone", what, from, store.file(), e);
               undo.accept(change);
               return notAccepted(routeId);
            }
         }
         push.accept(change);
      }
      count(outcome);
      if (outcome.refusedAsNotOwner()) {
         updatesOfOthersRefused.increment();
         logger.warn("{} type {} from {} refused (Result {}), a gateway changes only its own routes: {} (route {})", what,
                     updateType, from, outcome.result(), outcome.notOwner(), routeId);
      } else {
         logger.info("{} type {} from {}: Result {}, route {}", what, updateType, from, outcome.result(), outcome.routeId());
      }
      return outcome;
   }

   private void count(TandemRouteTable.UpdateOutcome outcome) {
      (outcome.result() == CmppResult.GNS_OK ? updatesApplied : updatesRefused).increment();
   }
}
