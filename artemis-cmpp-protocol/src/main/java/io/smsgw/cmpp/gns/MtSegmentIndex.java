package io.smsgw.cmpp.gns;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * MT routes indexed by number segment. Segments of one length never overlap, so a lookup is one floor search
 * per segment length in use; a number matched by segments of several lengths takes the longest (the most
 * specific). Lookups may run on any thread while another thread writes (a route being replaced may be missed
 * for that instant, never half-seen); writes must come from one thread at a time.
 */
public final class MtSegmentIndex {

   /** Start_Id / End_Id are 9 octets. */
   public static final int MAX_SEGMENT_LENGTH = 9;
   private static final int NATIONAL_MOBILE_LENGTH = 11;

   private final List<ConcurrentSkipListMap<String, MtRouteEntry>> byLength = new ArrayList<>(MAX_SEGMENT_LENGTH + 1);
   private final Map<Long, MtRouteEntry> byId = new ConcurrentHashMap<>();

   public MtSegmentIndex() {
      for (int i = 0; i <= MAX_SEGMENT_LENGTH; i++) {
         byLength.add(new ConcurrentSkipListMap<>());
      }
   }

   /**
    * The number as the segments are written: without a leading "+" and without the country code 86 (or 0086)
    * in front of an 11-digit mobile number; null when it is not all digits.
    */
   public static String nationalNumber(String number) {
      int from = number.startsWith("+") ? 1 : 0;
      int length = number.length() - from;
      if (length == NATIONAL_MOBILE_LENGTH + 2 && number.startsWith("86", from)) {
         from += 2;
      } else if (length == NATIONAL_MOBILE_LENGTH + 4 && number.startsWith("0086", from)) {
         from += 4;
      }
      if (from == number.length()) {
         return null;
      }
      for (int i = from; i < number.length(); i++) {
         char c = number.charAt(i);
         if (c < '0' || c > '9') {
            return null;
         }
      }
      return from == 0 ? number : number.substring(from);
   }

   /** Whether {@code text} can be a segment bound: 1-9 digits. */
   public static boolean isSegment(String text) {
      if (text.isEmpty() || text.length() > MAX_SEGMENT_LENGTH) {
         return false;
      }
      for (int i = 0; i < text.length(); i++) {
         if (text.charAt(i) < '0' || text.charAt(i) > '9') {
            return false;
         }
      }
      return true;
   }

   /** The route of the longest segment that contains {@code number}. */
   public Optional<MtRouteEntry> find(String number) {
      String national = nationalNumber(number);
      if (national == null) {
         return Optional.empty();
      }
      for (int length = Math.min(MAX_SEGMENT_LENGTH, national.length()); length >= 1; length--) {
         ConcurrentSkipListMap<String, MtRouteEntry> segments = byLength.get(length);
         if (segments.isEmpty()) {
            continue;
         }
         String segment = national.substring(0, length);
         Map.Entry<String, MtRouteEntry> floor = segments.floorEntry(segment);
         if (floor != null && segment.compareTo(floor.getValue().endId()) <= 0) {
            return Optional.of(floor.getValue());
         }
      }
      return Optional.empty();
   }

   public Optional<MtRouteEntry> byId(long routeId) {
      return Optional.ofNullable(byId.get(routeId));
   }

   /** Routes whose segments share at least one with [start, end] (equal lengths, valid segments). */
   public List<MtRouteEntry> overlapping(String start, String end) {
      List<MtRouteEntry> out = new ArrayList<>();
      ConcurrentSkipListMap<String, MtRouteEntry> segments = byLength.get(start.length());
      Map.Entry<String, MtRouteEntry> below = segments.lowerEntry(start);
      if (below != null && below.getValue().endId().compareTo(start) >= 0) {
         out.add(below.getValue());
      }
      out.addAll(segments.subMap(start, true, end, true).values());
      return out;
   }

   /**
    * Adds or replaces (same route id) a route with valid segments. Routes it overlaps are removed and returned:
    * the tandem never hands out overlapping routes, so they can only be outdated.
    */
   public List<MtRouteEntry> put(MtRouteEntry route) {
      if (!route.hasValidSegments()) {
         throw new IllegalArgumentException("route " + route.routeId() + " has bad segments " + route.startId() + "-" + route.endId());
      }
      remove(route.routeId());
      List<MtRouteEntry> displaced = overlapping(route.startId(), route.endId());
      displaced.forEach(old -> remove(old.routeId()));
      byId.put(route.routeId(), route);
      byLength.get(route.startId().length()).put(route.startId(), route);
      return displaced;
   }

   /** Removes the route with that id; returns it, or null if there was none. */
   public MtRouteEntry remove(long routeId) {
      MtRouteEntry old = byId.remove(routeId);
      if (old != null) {
         byLength.get(old.startId().length()).remove(old.startId(), old);
      }
      return old;
   }

   public int size() {
      return byId.size();
   }

   /** A snapshot of every route, in no particular order. */
   public Collection<MtRouteEntry> all() {
      return List.copyOf(byId.values());
   }
}
