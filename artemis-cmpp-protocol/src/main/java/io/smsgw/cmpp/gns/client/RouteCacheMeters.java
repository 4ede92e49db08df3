package io.smsgw.cmpp.gns.client;

import io.smsgw.broker.GatewayMeters;

/** The route cache's meters, read from what its management bean ({@link RouteCacheControl}) shows; docs/metrics.md. */
final class RouteCacheMeters {

   private RouteCacheMeters() {
   }

   static void register(GatewayMeters meters, RouteCache cache) {
      meters.gauge("route.cache.routes", "Routes cached from the tandem", cache, RouteCache::mtRouteCount, "kind", "mt")
         .gauge("route.cache.routes", "Routes cached from the tandem", cache, RouteCache::moRouteCount, "kind", "mo")
         .gauge("route.cache.available", "1 while the tandem is connected and the routes are loaded", cache,
                c -> c.isAvailable() ? 1 : 0)
         .counter("route.cache.loads", "Full loads of the routes from the tandem", cache, RouteCache::loads);
   }
}
