package io.smsgw.cmpp.gns;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.MoRouteUpdate;
import io.smsgw.cmpp.codec.MtRouteUpdate;
import io.smsgw.cmpp.codec.RouteUpdateType;
import io.smsgw.core.config.TandemConfig;

/**
 * The tandem gateway's authoritative routes, in memory and thread-safe: MT routes by number segment, MO routes
 * by SP_Code and the asking gateway's region. Seeded from the {@code tandem} section; changed by the gateways'
 * MT/MO_ROUTE_UPDATE, each change stamped with the tandem's time. Route ids are assigned here, from 0,
 * separately for MT and MO.
 *
 * <p>A gateway changes only its own routes: an update is applied only when the route it changes and the route it
 * leaves both name the sending gateway as their destination (Result 4 otherwise).
 *
 * <p>Every asking gateway gets exactly one answer per SP_Code: two MO routes of one SP_Code never serve a common
 * region (an empty region set serves every region). An MO route added by an update serves the region of its
 * destination gateway; a modification keeps the route's regions.
 */
public final class TandemRouteTable {

   private final Clock clock;
   private final MtSegmentIndex mt = new MtSegmentIndex();
   private final TreeMap<Long, RegionalMoRoute> moById = new TreeMap<>();
   private final Map<String, List<RegionalMoRoute>> moBySpCode = new HashMap<>();
   /** Sorted ids for paging by Last_route_Id; rebuilt after a change, when next asked for. */
   private long[] mtIds;
   private final Map<String, long[]> moIdsByRegion = new HashMap<>();
   private long nextMtId;
   private long nextMoId;
   private String lastStamp = "";

   /**
    * A change that was applied, to be stored and pushed to the gateways that see the route.
    *
    * @param previous the route before the change (null for an ADD), so a change that cannot be stored is undone
    */
   public record Change<T>(int updateType, T route, Set<String> regions, T previous) {

      /** Whether a gateway of {@code region} sees the route (MT routes and region-less MO routes: everyone). */
      public boolean concerns(String region) {
         return regions.isEmpty() || regions.contains(region);
      }
   }

   /**
    * What an *_ROUTE_UPDATE_RESP says: the Result, the route id and when the request was received; {@code
    * notOwner} is why an update that would change or create another gateway's route was refused, else empty.
    */
   public record UpdateOutcome(int result, long routeId, String timeStamp, String notOwner) {

      public UpdateOutcome(int result, long routeId, String timeStamp) {
         this(result, routeId, timeStamp, "");
      }

      /** Whether the update was refused because the route is, or would become, another gateway's. */
      public boolean refusedAsNotOwner() {
         return !notOwner.isEmpty();
      }
   }

   /** One answer of a route download: route {@code number} (from 1) of {@code total}. */
   public record Page<T>(T route, long total, long number) {
   }

   /** An MO route with the regions it serves (empty: every region). */
   record RegionalMoRoute(MoRouteEntry route, Set<String> regions) {

      boolean serves(String region) {
         return regions.isEmpty() || regions.contains(region);
      }

      boolean sharesRegionWith(Set<String> others) {
         if (regions.isEmpty() || others.isEmpty()) {
            return true;
         }
         for (String region : others) {
            if (regions.contains(region)) {
               return true;
            }
         }
         return false;
      }
   }

   public TandemRouteTable(Clock clock) {
      this.clock = clock;
   }

   /** A table holding the routes of the {@code tandem} section, ids in file order, stamped now. */
   public static TandemRouteTable fromConfig(TandemConfig config, Clock clock) {
      TandemRouteTable table = new TandemRouteTable(clock);
      synchronized (table) {
         String now = table.stamp();
         for (TandemConfig.MtRoute route : config.mtRoutes()) {
            TandemConfig.Gateway gateway = config.gateways().get(route.gateway());
            table.mt.put(new MtRouteEntry(table.nextMtId++, gateway.code(), gateway.host(), gateway.port(), route.start(),
                                          route.end(), route.areaCode(), route.userType(), now));
         }
         for (TandemConfig.MoRoute route : config.moRoutes()) {
            TandemConfig.Gateway gateway = config.gateways().get(route.gateway());
            table.putMo(new RegionalMoRoute(new MoRouteEntry(table.nextMoId++, gateway.code(), gateway.host(), gateway.port(),
                                                             route.spId(), route.spCode(), route.accessType(),
                                                             route.serviceId(), 0, 0, now), route.regions()));
         }
      }
      return table;
   }

   // ---------------------------------------------------------------- queries

   public synchronized Optional<MtRouteEntry> findMt(String number) {
      return mt.find(number);
   }

   /**
    * The route a gateway of {@code region} is given for a service number: the longest SP_Code that has a route decides;
    * when none of its routes serves the region there is no route. A shorter SP_Code is another SP's (1066 of one SP,
    * 10661234 of Sina for two regions only): an MO for Sina from a third region must not reach the other SP.
    */
   public synchronized Optional<MoRouteEntry> findMo(String serviceNumber, String region) {
      for (int length = serviceNumber.length(); length >= 1; length--) {
         List<RegionalMoRoute> candidates = moBySpCode.get(serviceNumber.substring(0, length));
         if (candidates == null || candidates.isEmpty()) {
            continue;
         }
         for (RegionalMoRoute candidate : candidates) {
            if (candidate.serves(region)) {
               return Optional.of(candidate.route());
            }
         }
         return Optional.empty();
      }
      return Optional.empty();
   }

   /** The MT route after {@code lastRouteId} in id order (-1: the first), with its position. */
   public synchronized Optional<Page<MtRouteEntry>> nextMt(long lastRouteId) {
      if (mtIds == null) {
         mtIds = mt.all().stream().mapToLong(MtRouteEntry::routeId).sorted().toArray();
      }
      int index = firstAbove(mtIds, lastRouteId);
      if (index == mtIds.length) {
         return Optional.empty();
      }
      return Optional.of(new Page<>(mt.byId(mtIds[index]).orElseThrow(), mtIds.length, index + 1L));
   }

   /** The next MO route a gateway of {@code region} sees after {@code lastRouteId} (-1: the first). */
   public synchronized Optional<Page<MoRouteEntry>> nextMo(long lastRouteId, String region) {
      long[] ids = moIdsByRegion.computeIfAbsent(region, r -> moById.values().stream().filter(m -> m.serves(r))
         .mapToLong(m -> m.route().routeId()).toArray()); // moById iterates in id order
      int index = firstAbove(ids, lastRouteId);
      if (index == ids.length) {
         return Optional.empty();
      }
      return Optional.of(new Page<>(moById.get(ids[index]).route(), ids.length, index + 1L));
   }

   public synchronized int mtRouteCount() {
      return mt.size();
   }

   public synchronized int moRouteCount() {
      return moById.size();
   }

   private static int firstAbove(long[] sortedIds, long lastRouteId) {
      int index = Arrays.binarySearch(sortedIds, lastRouteId);
      return index >= 0 ? index + 1 : -index - 1;
   }

   // ---------------------------------------------------------------- updates

   /** Now, but never before an earlier change: a clock set back must not make gateways refuse pushes as older. */
   private String stamp() {
      String now = GnsTimestamp.now(clock);
      if (GnsTimestamp.isOlder(now, lastStamp)) {
         now = lastStamp;
      }
      lastStamp = now;
      return now;
   }

   /**
    * Applies an MT_ROUTE_UPDATE from gateway {@code from}. {@code applied} is called with the change while the
    * table is locked, so changes reach it in the order they were made. Results as protocols.md §1.12: 10 bad
    * Update_type, 11 unknown Route_Id, 12 Destination_Id not a gateway of the network, 13 Gateway_IP not an
    * IPv4 address, 15/16 bad segments, 17 bad Area_code, 18 bad User_type, 5 the segments overlap another
    * route; 4 when the route changed or deleted, or the Destination_Id of an ADD or MODIFY, is not {@code from}
    * (a gateway changes only its own routes). An empty Gateway_IP or a zero port takes the destination gateway's
    * configured address.
    */
   public synchronized UpdateOutcome updateMt(String from, MtRouteUpdate update, TandemConfig directory,
                                              Consumer<Change<MtRouteEntry>> applied) {
      String now = stamp();
      int type = update.updateType();
      if (type != RouteUpdateType.ADD && type != RouteUpdateType.DELETE && type != RouteUpdateType.MODIFY) {
         return new UpdateOutcome(CmppResult.GNS_BAD_UPDATE_TYPE, update.routeId(), now);
      }
      MtRouteEntry existing = type == RouteUpdateType.ADD ? null : mt.byId(update.routeId()).orElse(null);
      if (type != RouteUpdateType.ADD && existing == null) {
         return new UpdateOutcome(CmppResult.GNS_BAD_ROUTE_ID, update.routeId(), now);
      }
      String notOwner = notOwner(from, type, existing == null ? null : existing.gatewayId(), update.destinationId());
      if (!notOwner.isEmpty()) {
         return new UpdateOutcome(CmppResult.GNS_UPDATE_NOT_ACCEPTED, update.routeId(), now, notOwner);
      }
      if (type == RouteUpdateType.DELETE) {
         mt.remove(existing.routeId());
         mtIds = null;
         applied.accept(new Change<>(type, existing.withTimeStamp(now), Set.of(), existing));
         return new UpdateOutcome(CmppResult.GNS_OK, existing.routeId(), now);
      }
      TandemConfig.Gateway destination = directory.gateways().get(update.destinationId());
      int result = destination == null ? CmppResult.GNS_BAD_DESTINATION_ID
         : !update.gatewayIp().isEmpty() && !isIpv4(update.gatewayIp()) ? CmppResult.GNS_BAD_GATEWAY_IP
         : !MtSegmentIndex.isSegment(update.startId()) ? CmppResult.GNS_BAD_START_ID
         : !MtSegmentIndex.isSegment(update.endId()) || update.endId().length() != update.startId().length()
            || update.endId().compareTo(update.startId()) < 0 ? CmppResult.GNS_BAD_END_ID
         : update.areaCode().length() > 4 || !isDigits(update.areaCode()) ? CmppResult.GNS_BAD_AREA_CODE
         : update.userType() > 2 ? CmppResult.GNS_BAD_USER_TYPE
         : CmppResult.GNS_OK;
      if (result == CmppResult.GNS_OK) {
         for (MtRouteEntry other : mt.overlapping(update.startId(), update.endId())) {
            if (existing == null || other.routeId() != existing.routeId()) {
               result = CmppResult.GNS_UPDATE_FAILED;
            }
         }
      }
      if (result != CmppResult.GNS_OK) {
         return new UpdateOutcome(result, update.routeId(), now);
      }
      long id = existing == null ? nextMtId++ : existing.routeId();
      MtRouteEntry route = new MtRouteEntry(id, destination.code(),
                                            update.gatewayIp().isEmpty() ? destination.host() : update.gatewayIp(),
                                            update.gatewayPort() == 0 ? destination.port() : update.gatewayPort(),
                                            update.startId(), update.endId(), update.areaCode(), update.userType(), now);
      mt.put(route);
      mtIds = null;
      applied.accept(new Change<>(type, route, Set.of(), existing));
      return new UpdateOutcome(CmppResult.GNS_OK, id, now);
   }

   /**
    * Applies an MO_ROUTE_UPDATE from gateway {@code from}; see {@link #updateMt} for ordering. Results: 10, 11,
    * 12, 13 and 4 (not its route) as for MT; 19 SP_Id not digits, 20 SP_Code not 1-21 digits, 21 SP_AcessType
    * not 0/1, 24 End_code below Start_code, 5 another route of the SP_Code already serves one of the route's
    * regions.
    */
   public synchronized UpdateOutcome updateMo(String from, MoRouteUpdate update, TandemConfig directory,
                                              Consumer<Change<MoRouteEntry>> applied) {
      String now = stamp();
      int type = update.updateType();
      if (type != RouteUpdateType.ADD && type != RouteUpdateType.DELETE && type != RouteUpdateType.MODIFY) {
         return new UpdateOutcome(CmppResult.GNS_BAD_UPDATE_TYPE, update.routeId(), now);
      }
      RegionalMoRoute existing = type == RouteUpdateType.ADD ? null : moById.get(update.routeId());
      if (type != RouteUpdateType.ADD && existing == null) {
         return new UpdateOutcome(CmppResult.GNS_BAD_ROUTE_ID, update.routeId(), now);
      }
      String notOwner = notOwner(from, type, existing == null ? null : existing.route().gatewayId(), update.destinationId());
      if (!notOwner.isEmpty()) {
         return new UpdateOutcome(CmppResult.GNS_UPDATE_NOT_ACCEPTED, update.routeId(), now, notOwner);
      }
      if (type == RouteUpdateType.DELETE) {
         removeMo(existing);
         applied.accept(new Change<>(type, existing.route().withTimeStamp(now), existing.regions(), existing.route()));
         return new UpdateOutcome(CmppResult.GNS_OK, update.routeId(), now);
      }
      TandemConfig.Gateway destination = directory.gateways().get(update.destinationId());
      int result = destination == null ? CmppResult.GNS_BAD_DESTINATION_ID
         : !update.gatewayIp().isEmpty() && !isIpv4(update.gatewayIp()) ? CmppResult.GNS_BAD_GATEWAY_IP
         : update.spId().length() > 6 || !isDigits(update.spId()) ? CmppResult.GNS_BAD_SP_ID
         : update.spCode().isEmpty() || !isDigits(update.spCode()) ? CmppResult.GNS_BAD_SP_CODE
         : update.spAccessType() > 1 ? CmppResult.GNS_BAD_SP_ACCESS_TYPE
         : update.endCode() < update.startCode() ? CmppResult.GNS_BAD_END_CODE
         : CmppResult.GNS_OK;
      if (result != CmppResult.GNS_OK) {
         return new UpdateOutcome(result, update.routeId(), now);
      }
      Set<String> regions = existing == null ? Set.of(destination.region()) : existing.regions();
      for (RegionalMoRoute other : moBySpCode.getOrDefault(update.spCode(), List.of())) {
         if (other != existing && other.sharesRegionWith(regions)) {
            return new UpdateOutcome(CmppResult.GNS_UPDATE_FAILED, update.routeId(), now);
         }
      }
      long id = existing == null ? nextMoId++ : existing.route().routeId();
      MoRouteEntry route = new MoRouteEntry(id, destination.code(),
                                            update.gatewayIp().isEmpty() ? destination.host() : update.gatewayIp(),
                                            update.gatewayPort() == 0 ? destination.port() : update.gatewayPort(),
                                            update.spId(), update.spCode(), update.spAccessType(), update.serviceId(),
                                            update.startCode(), update.endCode(), now);
      if (existing != null) {
         removeMo(existing);
      }
      putMo(new RegionalMoRoute(route, regions));
      applied.accept(new Change<>(type, route, regions, existing == null ? null : existing.route()));
      return new UpdateOutcome(CmppResult.GNS_OK, id, now);
   }

   /**
    * Why {@code from} may not make this change, or "": the route it changes or deletes must name {@code from}, and
    * so must the route an ADD or MODIFY leaves (a DELETE leaves none; its Destination_Id is not read).
    */
   private static String notOwner(String from, int type, String existingGateway, String newGateway) {
      if (existingGateway != null && !existingGateway.equals(from)) {
         return "the route is gateway " + existingGateway + "'s";
      }
      if (type != RouteUpdateType.DELETE && !newGateway.equals(from)) {
         return "Destination_Id " + newGateway + " is another gateway";
      }
      return "";
   }

   // ---------------------------------------------------------------- undo and persistence (TandemRouteStore)

   /** Undoes an MT change that could not be stored: the route as it was before, or none after an ADD. */
   public synchronized void revertMt(Change<MtRouteEntry> change) {
      mt.remove(change.route().routeId());
      if (change.previous() != null) {
         mt.put(change.previous());
      }
      mtIds = null;
   }

   /** Undoes an MO change that could not be stored (the route keeps its regions). */
   public synchronized void revertMo(Change<MoRouteEntry> change) {
      RegionalMoRoute current = moById.get(change.route().routeId());
      if (current != null) {
         removeMo(current);
      }
      if (change.previous() != null) {
         putMo(new RegionalMoRoute(change.previous(), change.regions()));
      }
   }

   /** Every MT route, by id. */
   synchronized List<MtRouteEntry> mtRoutes() {
      return mt.all().stream().sorted(java.util.Comparator.comparingLong(MtRouteEntry::routeId)).toList();
   }

   /** Every MO route with its regions, by id. */
   synchronized List<RegionalMoRoute> moRoutes() {
      return List.copyOf(moById.values());
   }

   synchronized long nextMtId() {
      return nextMtId;
   }

   synchronized long nextMoId() {
      return nextMoId;
   }

   /** Puts a stored MT route back as it was (id and time stamp kept); later ids and stamps stay above it. */
   synchronized void restoreMt(MtRouteEntry route) {
      mt.put(route);
      mtIds = null;
      nextMtId = Math.max(nextMtId, route.routeId() + 1);
      keepStampAbove(route.timeStamp());
   }

   synchronized void forgetMt(long routeId) {
      mt.remove(routeId);
      mtIds = null;
   }

   synchronized void restoreMo(MoRouteEntry route, Set<String> regions) {
      forgetMo(route.routeId());
      putMo(new RegionalMoRoute(route, regions));
      nextMoId = Math.max(nextMoId, route.routeId() + 1);
      keepStampAbove(route.timeStamp());
   }

   synchronized void forgetMo(long routeId) {
      RegionalMoRoute current = moById.get(routeId);
      if (current != null) {
         removeMo(current);
      }
   }

   /** Ids below these were handed out before (routes since deleted): never reuse them. */
   synchronized void reserveIds(long mtId, long moId) {
      nextMtId = Math.max(nextMtId, mtId);
      nextMoId = Math.max(nextMoId, moId);
   }

   private void keepStampAbove(String stamp) {
      if (GnsTimestamp.isOlder(lastStamp, stamp)) {
         lastStamp = stamp;
      }
   }

   private void putMo(RegionalMoRoute route) {
      moById.put(route.route().routeId(), route);
      moBySpCode.computeIfAbsent(route.route().spCode(), code -> new ArrayList<>(2)).add(route);
      moIdsByRegion.clear();
   }

   private void removeMo(RegionalMoRoute route) {
      moById.remove(route.route().routeId());
      List<RegionalMoRoute> same = moBySpCode.get(route.route().spCode());
      same.remove(route);
      if (same.isEmpty()) {
         moBySpCode.remove(route.route().spCode());
      }
      moIdsByRegion.clear();
   }

   private static boolean isDigits(String text) {
      for (int i = 0; i < text.length(); i++) {
         if (text.charAt(i) < '0' || text.charAt(i) > '9') {
            return false;
         }
      }
      return true;
   }

   /** Dotted-quad IPv4 text, as Gateway_IP carries it. */
   static boolean isIpv4(String text) {
      int parts = 0;
      int value = -1;
      int digits = 0;
      for (int i = 0; i <= text.length(); i++) {
         char c = i == text.length() ? '.' : text.charAt(i);
         if (c == '.') {
            if (digits == 0 || value > 255) {
               return false;
            }
            parts++;
            value = -1;
            digits = 0;
         } else if (c >= '0' && c <= '9' && digits < 3) {
            value = (value < 0 ? 0 : value * 10) + (c - '0');
            digits++;
         } else {
            return false;
         }
      }
      return parts == 4;
   }
}
