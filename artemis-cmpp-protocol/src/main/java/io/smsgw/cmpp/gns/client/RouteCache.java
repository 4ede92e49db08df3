package io.smsgw.cmpp.gns.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import io.netty.util.concurrent.ScheduledFuture;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.GetMtRoute;
import io.smsgw.cmpp.codec.PushMoRouteUpdate;
import io.smsgw.cmpp.codec.PushMtRouteUpdate;
import io.smsgw.cmpp.codec.RouteUpdateType;
import io.smsgw.cmpp.gns.GnsTimestamp;
import io.smsgw.cmpp.gns.MoRouteEntry;
import io.smsgw.cmpp.gns.MtRouteEntry;
import io.smsgw.cmpp.gns.MtSegmentIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's copy of the tandem gateway's routes: MT by number segment, MO by SP_Code (the routes the tandem
 * gives this gateway, i.e. those of its region).
 *
 * <p>MO answers never differ from the tandem's. The tandem gives a service number the route of the longest SP_Code
 * it starts with that has any route, and no route when that code does not serve this gateway's region (decision
 * 125); the copy holds this region's codes only, so a shorter code it knows may be shadowed by a longer one of
 * another region. So the copy answers a service number from memory only when one of its SP_Codes is the whole
 * number (nothing longer can decide); any other number is asked with MO_ROUTE once, and the tandem's answer is
 * remembered for that number, like a "no route" answer, until the next MO change.
 *
 * <ul>
 *   <li>{@link #lookupMt(String)} / {@link #lookupMo(String)} answer from memory, never block, and are meant for
 *       the send path (a routing transformer): an empty answer means "not cached".</li>
 *   <li>{@link #resolveMt(String)} / {@link #resolveMo(String, String)} ask the tandem on a miss, for the
 *       consumer of the pending queue: they complete with the route, with empty when the tandem has none
 *       (remembered until the next route change), or fail with {@link GnsQueryException} (e.g. UNAVAILABLE while
 *       the tandem is down: the message keeps waiting; {@link #whenAvailable()} says when to try again). An error
 *       Result from the tandem (REFUSED) is remembered for {@code gns.reconnect-min} (or until the next route
 *       change), so callers that retry at once do not ask again at network speed. Concurrent misses for the
 *       same number share one query.</li>
 *   <li>Loaded in full with GET_MT_ROUTE / GET_MO_ROUTE after every (re)connect and every {@code gns.refresh};
 *       changes made meanwhile are replayed onto the new copy. The tandem being down changes nothing: cached
 *       routes keep serving.</li>
 *   <li>Pushes are applied unless older than the cached route (Result 6); a delete of a route not cached is
 *       accepted.</li>
 * </ul>
 */
public final class RouteCache implements AutoCloseable {

   private static final Logger logger = LoggerFactory.getLogger(RouteCache.class);

   /** Remembered "no route" answers; beyond this the memory starts over, so it never grows without bound. */
   static final int MAX_REMEMBERED_MISSES = 100_000;
   /** A download longer than this is taken for a misbehaving tandem. */
   private static final long MAX_DOWNLOAD = 10_000_000;

   private final GnsClient client;
   private volatile Tables tables = new Tables();
   private final Map<String, Boolean> mtMisses = new ConcurrentHashMap<>();
   private final Map<String, Boolean> moMisses = new ConcurrentHashMap<>();
   /** The tandem's MO routes per service number asked (not per SP_Code: see the class comment). */
   private final Map<String, MoRouteEntry> moAnswers = new ConcurrentHashMap<>();
   /** Error answers of the tandem, remembered for a while by number / SP_Code. */
   private final Map<String, RefusedLookup> mtRefusals = new ConcurrentHashMap<>();
   private final Map<String, RefusedLookup> moRefusals = new ConcurrentHashMap<>();
   private final Map<String, CompletableFuture<Optional<MtRouteEntry>>> mtQueries = new ConcurrentHashMap<>();
   private final Map<String, CompletableFuture<Optional<MoRouteEntry>>> moQueries = new ConcurrentHashMap<>();
   /** Counts changes, so a "no route" answer that a change overtook is not remembered. */
   private volatile long mtGeneration;
   private volatile long moGeneration;
   private volatile CompletableFuture<Void> available = new CompletableFuture<>();

   // Guarded by this.
   private CompletableFuture<Void> loading;
   private List<ToIntFunction<Tables>> changesDuringLoad;
   private ScheduledFuture<?> refreshTask;
   private long loads;

   /** The routes of one download, read concurrently, written under the cache's lock. */
   private static final class Tables {
      final MtSegmentIndex mt = new MtSegmentIndex();
      final Map<Long, MoRouteEntry> moById = new ConcurrentHashMap<>();
      final Map<String, MoRouteEntry> moBySpCode = new ConcurrentHashMap<>();
   }

   /** A lookup the tandem answered with an error Result, and until when (System.nanoTime) that answer stands. */
   private record RefusedLookup(GnsQueryException error, long untilNanos) {
   }

   public RouteCache(GnsClient client) {
      this.client = Objects.requireNonNull(client, "client");
   }

   /** Connects the client; every successful CONNECT loads the routes, and {@code gns.refresh} reloads them. */
   public void start() {
      client.start(new ClientEvents());
      long refresh = client.config().refresh().toMillis();
      if (refresh > 0) {
         synchronized (this) {
            refreshTask = client.eventLoop().scheduleAtFixedRate(() -> {
               if (client.state() == GnsClient.State.CONNECTED) {
                  reload();
               }
            }, refresh, refresh, TimeUnit.MILLISECONDS);
         }
      }
   }

   @Override
   public void close() {
      synchronized (this) {
         if (refreshTask != null) {
            refreshTask.cancel(false);
         }
      }
      client.close();
   }

   public GnsClient client() {
      return client;
   }

   // ---------------------------------------------------------------- lookups (any thread, never blocking)

   /** The cached MT route of the longest segment containing {@code number}; empty when none is cached. */
   public Optional<MtRouteEntry> lookupMt(String number) {
      return tables.mt.find(number);
   }

   /**
    * The MO route the tandem would give {@code serviceNumber}, when known without asking: the cached route of the
    * SP_Code that is the whole number, else the tandem's remembered answer for this number; empty otherwise (a
    * shorter cached SP_Code is not enough: a longer one of another region may decide at the tandem).
    */
   public Optional<MoRouteEntry> lookupMo(String serviceNumber) {
      MoRouteEntry route = tables.moBySpCode.get(serviceNumber);
      return Optional.ofNullable(route != null ? route : moAnswers.get(serviceNumber));
   }

   public int mtRouteCount() {
      return tables.mt.size();
   }

   public int moRouteCount() {
      return tables.moById.size();
   }

   /** Whether a full load succeeded since the last (re)connect, i.e. the cache is current and the tandem reachable. */
   public boolean isAvailable() {
      return available.isDone() && client.state() == GnsClient.State.CONNECTED;
   }

   /** Completes when the tandem is reachable and the routes are loaded (at once if they are). */
   public CompletionStage<Void> whenAvailable() {
      return available.minimalCompletionStage();
   }

   /** "No route" answers remembered (until the next change): MT numbers. */
   public int rememberedMtMisses() {
      return mtMisses.size();
   }

   /** "No route" answers remembered (until the next change): MO service numbers. */
   public int rememberedMoMisses() {
      return moMisses.size();
   }

   /** Full loads completed so far. */
   public synchronized long loads() {
      return loads;
   }

   // ---------------------------------------------------------------- resolve (ask the tandem on a miss)

   /** The route of {@code number}: cached, or asked with MT_ROUTE; empty when the tandem has none. */
   public CompletionStage<Optional<MtRouteEntry>> resolveMt(String number) {
      Optional<MtRouteEntry> cached = lookupMt(number);
      String key = MtSegmentIndex.nationalNumber(number);
      if (cached.isPresent() || key == null || mtMisses.containsKey(key)) {
         return CompletableFuture.completedStage(cached);
      }
      GnsQueryException refusal = refusal(mtRefusals, key);
      if (refusal != null) {
         return CompletableFuture.failedStage(refusal);
      }
      CompletableFuture<Optional<MtRouteEntry>> mine = new CompletableFuture<>();
      CompletableFuture<Optional<MtRouteEntry>> running = mtQueries.putIfAbsent(key, mine);
      if (running != null) {
         return running.minimalCompletionStage();
      }
      long generation = mtGeneration;
      client.mtRoute(number).whenComplete((resp, failure) -> {
         mtQueries.remove(key, mine);
         if (failure != null) {
            mine.completeExceptionally(unwrap(failure));
         } else if (resp.result() == CmppResult.GNS_OK) {
            MtRouteEntry route = MtRouteEntry.of(resp);
            if (route.hasValidSegments()) {
               change(tables -> applyMt(tables, RouteUpdateType.ADD, route));
            }
            mine.complete(Optional.of(route));
         } else if (resp.result() == CmppResult.GNS_NO_ROUTE) {
            rememberMiss(mtMisses, key, generation == mtGeneration);
            mine.complete(Optional.empty());
         } else {
            mine.completeExceptionally(rememberRefusal(mtRefusals, key, refused("MT_ROUTE for " + number, resp.result()),
                                                       generation == mtGeneration));
         }
      });
      return mine.minimalCompletionStage();
   }

   /**
    * The route of service number {@code spCode} (an SP_Code, extension digits allowed): known ({@link #lookupMo}),
    * or asked with MO_ROUTE and remembered for this number; empty when the tandem has none.
    */
   public CompletionStage<Optional<MoRouteEntry>> resolveMo(String spCode, String serviceId) {
      Optional<MoRouteEntry> cached = lookupMo(spCode);
      if (cached.isPresent() || spCode.isEmpty() || moMisses.containsKey(spCode)) {
         return CompletableFuture.completedStage(cached);
      }
      GnsQueryException refusal = refusal(moRefusals, spCode);
      if (refusal != null) {
         return CompletableFuture.failedStage(refusal);
      }
      CompletableFuture<Optional<MoRouteEntry>> mine = new CompletableFuture<>();
      CompletableFuture<Optional<MoRouteEntry>> running = moQueries.putIfAbsent(spCode, mine);
      if (running != null) {
         return running.minimalCompletionStage();
      }
      long generation = moGeneration;
      client.moRoute(spCode, serviceId).whenComplete((resp, failure) -> {
         moQueries.remove(spCode, mine);
         if (failure != null) {
            mine.completeExceptionally(unwrap(failure));
         } else if (resp.result() == CmppResult.GNS_OK) {
            MoRouteEntry route = MoRouteEntry.of(resp);
            boolean stillCurrent = generation == moGeneration;
            MoRouteEntry known = tables.moById.get(route.routeId());
            if (known == null || !known.timeStamp().equals(route.timeStamp())) {
               // a change forgets every remembered answer: only for a route (or version) not cached yet
               change(tables -> applyMo(tables, RouteUpdateType.ADD, route));
            }
            rememberAnswer(spCode, route, stillCurrent);
            mine.complete(Optional.of(route));
         } else if (resp.result() == CmppResult.GNS_NO_ROUTE) {
            rememberMiss(moMisses, spCode, generation == moGeneration);
            mine.complete(Optional.empty());
         } else {
            mine.completeExceptionally(rememberRefusal(moRefusals, spCode, refused("MO_ROUTE for " + spCode, resp.result()),
                                                       generation == moGeneration));
         }
      });
      return mine.minimalCompletionStage();
   }

   private void rememberAnswer(String serviceNumber, MoRouteEntry route, boolean stillCurrent) {
      if (!stillCurrent) {
         return;
      }
      if (moAnswers.size() >= MAX_REMEMBERED_MISSES) {
         moAnswers.clear();
      }
      moAnswers.put(serviceNumber, route);
   }

   private static void rememberMiss(Map<String, Boolean> misses, String key, boolean stillCurrent) {
      if (!stillCurrent) {
         return;
      }
      if (misses.size() >= MAX_REMEMBERED_MISSES) {
         misses.clear();
      }
      misses.put(key, Boolean.TRUE);
   }

   /** The remembered error answer for {@code key}, or null when there is none or its time is over. */
   private static GnsQueryException refusal(Map<String, RefusedLookup> refusals, String key) {
      RefusedLookup refused = refusals.get(key);
      if (refused == null) {
         return null;
      }
      if (System.nanoTime() - refused.untilNanos() >= 0) {
         refusals.remove(key, refused);
         return null;
      }
      return refused.error();
   }

   private GnsQueryException rememberRefusal(Map<String, RefusedLookup> refusals, String key, GnsQueryException error,
                                             boolean stillCurrent) {
      if (stillCurrent) {
         if (refusals.size() >= MAX_REMEMBERED_MISSES) {
            refusals.clear();
         }
         refusals.put(key, new RefusedLookup(error, System.nanoTime() + client.config().reconnectMin().toNanos()));
      }
      return error;
   }

   // ---------------------------------------------------------------- pushes

   /** Applies a PUSH_MT_ROUTE_UPDATE; returns its Result (0, 6 older than cached, 10, 15, 16, 5 bad Time_stamp). */
   public int applyPush(PushMtRouteUpdate push) {
      if (!GnsTimestamp.isValid(push.timeStamp())) {
         return CmppResult.GNS_UPDATE_FAILED;
      }
      int type = push.updateType();
      if (type != RouteUpdateType.ADD && type != RouteUpdateType.MODIFY && type != RouteUpdateType.DELETE) {
         return CmppResult.GNS_BAD_UPDATE_TYPE;
      }
      MtRouteEntry route = MtRouteEntry.of(push);
      if (type != RouteUpdateType.DELETE && !route.hasValidSegments()) {
         return MtSegmentIndex.isSegment(route.startId()) ? CmppResult.GNS_BAD_END_ID : CmppResult.GNS_BAD_START_ID;
      }
      return change(tables -> applyMt(tables, type, route));
   }

   /** Applies a PUSH_MO_ROUTE_UPDATE; returns its Result (0, 6 older than cached, 10, 20, 5 bad Time_stamp). */
   public int applyPush(PushMoRouteUpdate push) {
      if (!GnsTimestamp.isValid(push.timeStamp())) {
         return CmppResult.GNS_UPDATE_FAILED;
      }
      int type = push.updateType();
      if (type != RouteUpdateType.ADD && type != RouteUpdateType.MODIFY && type != RouteUpdateType.DELETE) {
         return CmppResult.GNS_BAD_UPDATE_TYPE;
      }
      MoRouteEntry route = MoRouteEntry.of(push);
      if (type != RouteUpdateType.DELETE && route.spCode().isEmpty()) {
         return CmppResult.GNS_BAD_SP_CODE;
      }
      return change(tables -> applyMo(tables, type, route));
   }

   /** Applies a change to the current tables and, while a download runs, remembers it for the new copy. */
   private synchronized int change(ToIntFunction<Tables> change) {
      int result = change.applyAsInt(tables);
      if (result == CmppResult.GNS_OK && changesDuringLoad != null) {
         changesDuringLoad.add(change);
      }
      return result;
   }

   private int applyMt(Tables target, int type, MtRouteEntry route) {
      MtRouteEntry cached = target.mt.byId(route.routeId()).orElse(null);
      if (cached != null && GnsTimestamp.isOlder(route.timeStamp(), cached.timeStamp())) {
         return CmppResult.GNS_TIMESTAMP_OUTDATED;
      }
      if (type == RouteUpdateType.DELETE) {
         target.mt.remove(route.routeId());
      } else {
         target.mt.put(route);
      }
      if (target == tables) {
         mtGeneration++;
         mtMisses.clear();
         mtRefusals.clear();
      }
      return CmppResult.GNS_OK;
   }

   private int applyMo(Tables target, int type, MoRouteEntry route) {
      MoRouteEntry cached = target.moById.get(route.routeId());
      if (cached != null && GnsTimestamp.isOlder(route.timeStamp(), cached.timeStamp())) {
         return CmppResult.GNS_TIMESTAMP_OUTDATED;
      }
      if (cached != null) {
         target.moById.remove(cached.routeId());
         target.moBySpCode.remove(cached.spCode(), cached);
      }
      if (type != RouteUpdateType.DELETE) {
         // this gateway sees one route per SP_Code: one with another id can only be outdated
         MoRouteEntry sameCode = target.moBySpCode.get(route.spCode());
         if (sameCode != null) {
            target.moById.remove(sameCode.routeId());
         }
         target.moById.put(route.routeId(), route);
         target.moBySpCode.put(route.spCode(), route);
      }
      if (target == tables) {
         moGeneration++;
         moMisses.clear();
         moAnswers.clear();
         moRefusals.clear();
      }
      return CmppResult.GNS_OK;
   }

   // ---------------------------------------------------------------- full load

   /**
    * Downloads every route (GET_MT_ROUTE then GET_MO_ROUTE, from Last_route_Id -1 until Route_number reaches
    * Route_total or the tandem says "no route") into a new copy that replaces the cache when complete. A load
    * already running is joined. On failure the cache stays as it was.
    */
   public synchronized CompletionStage<Void> reload() {
      if (loading != null) {
         return loading.minimalCompletionStage();
      }
      // callers hear of the load only once the new copy is in place
      CompletableFuture<Void> loaded = new CompletableFuture<>();
      CompletableFuture<Void> downloaded = new CompletableFuture<>();
      loading = loaded;
      changesDuringLoad = new ArrayList<>();
      Tables staging = new Tables();
      downloaded.whenComplete((ignored, failure) -> finishLoad(staging, failure, loaded));
      new Download(staging, downloaded).nextMt(GetMtRoute.FIRST);
      return loaded.minimalCompletionStage();
   }

   private void finishLoad(Tables staging, Throwable failure, CompletableFuture<Void> loaded) {
      CompletableFuture<Void> nowAvailable;
      synchronized (this) {
         List<ToIntFunction<Tables>> replay = changesDuringLoad;
         loading = null;
         changesDuringLoad = null;
         if (failure != null) {
            logger.warn("Loading the routes from the tandem gateway failed: {}; {} MT and {} MO routes stay cached",
                        unwrap(failure).getMessage(), mtRouteCount(), moRouteCount());
            retryLoadLater();
            nowAvailable = null;
         } else {
            for (ToIntFunction<Tables> change : replay) {
               change.applyAsInt(staging);
            }
            tables = staging;
            mtGeneration++;
            moGeneration++;
            mtMisses.clear();
            moMisses.clear();
            moAnswers.clear();
            loads++;
            logger.info("Loaded {} MT and {} MO routes from the tandem gateway", staging.mt.size(), staging.moById.size());
            nowAvailable = available;
         }
      }
      // outside the lock: whoever waits runs its own code now
      if (nowAvailable == null) {
         loaded.completeExceptionally(unwrap(failure));
      } else {
         nowAvailable.complete(null);
         loaded.complete(null);
      }
   }

   private void retryLoadLater() {
      if (client.state() == GnsClient.State.CONNECTED) {
         client.eventLoop().schedule(() -> {
            if (client.state() == GnsClient.State.CONNECTED && !available.isDone()) {
               reload();
            }
         }, client.config().reconnectMin().toMillis(), TimeUnit.MILLISECONDS);
      }
   }

   /** One download, one request at a time; each answer arrives on the client's event loop and asks for the next. */
   private final class Download {

      private final Tables staging;
      private final CompletableFuture<Void> done;
      private long received;

      Download(Tables staging, CompletableFuture<Void> done) {
         this.staging = staging;
         this.done = done;
      }

      void nextMt(int lastRouteId) {
         client.getMtRoute(lastRouteId).whenComplete((resp, failure) -> {
            if (failure != null) {
               done.completeExceptionally(unwrap(failure));
            } else if (resp.result() == CmppResult.GNS_NO_ROUTE) {
               nextMo(GetMtRoute.FIRST); // no routes at all, or none after the last one
            } else if (resp.result() != CmppResult.GNS_OK) {
               done.completeExceptionally(refused("GET_MT_ROUTE", resp.result()));
            } else {
               MtRouteEntry route = MtRouteEntry.of(resp);
               if (route.hasValidSegments()) {
                  applyMt(staging, RouteUpdateType.ADD, route);
               } else {
                  logger.warn("Skipping MT route {} with bad segments {}-{}", route.routeId(), route.startId(), route.endId());
               }
               if (resp.routeNumber() >= resp.routeTotal()) {
                  nextMo(GetMtRoute.FIRST);
               } else if (canContinue(resp.routeId(), lastRouteId)) {
                  nextMt((int) resp.routeId());
               }
            }
         });
      }

      void nextMo(int lastRouteId) {
         client.getMoRoute(lastRouteId).whenComplete((resp, failure) -> {
            if (failure != null) {
               done.completeExceptionally(unwrap(failure));
            } else if (resp.result() == CmppResult.GNS_NO_ROUTE) {
               done.complete(null);
            } else if (resp.result() != CmppResult.GNS_OK) {
               done.completeExceptionally(refused("GET_MO_ROUTE", resp.result()));
            } else {
               applyMo(staging, RouteUpdateType.ADD, MoRouteEntry.of(resp));
               if (resp.routeNumber() >= resp.routeTotal()) {
                  done.complete(null);
               } else if (canContinue(resp.routeId(), lastRouteId)) {
                  nextMo((int) resp.routeId());
               }
            }
         });
      }

      /** Route ids must grow, or paging by Last_route_Id would never end. */
      private boolean canContinue(long routeId, int lastRouteId) {
         if (routeId <= lastRouteId || routeId > Integer.MAX_VALUE || ++received > MAX_DOWNLOAD) {
            done.completeExceptionally(new GnsQueryException(GnsQueryException.Reason.PROTOCOL_ERROR,
               "route download does not advance: Route_Id " + routeId + " after " + lastRouteId));
            return false;
         }
         return true;
      }
   }

   private static GnsQueryException refused(String what, int result) {
      return new GnsQueryException(GnsQueryException.Reason.REFUSED, result, what + " refused with Result " + result, null);
   }

   private static Throwable unwrap(Throwable failure) {
      return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
   }

   /** Connection events and pushes, on the client's event loop. */
   private final class ClientEvents implements GnsClient.Listener {

      @Override
      public void onConnected() {
         reload();
      }

      @Override
      public void onDisconnected() {
         synchronized (RouteCache.this) {
            if (available.isDone()) {
               available = new CompletableFuture<>();
            }
         }
      }

      @Override
      public int onPush(PushMtRouteUpdate push) {
         return applyPush(push);
      }

      @Override
      public int onPush(PushMoRouteUpdate push) {
         return applyPush(push);
      }
   }
}
