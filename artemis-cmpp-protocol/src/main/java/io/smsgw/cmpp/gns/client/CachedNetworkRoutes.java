package io.smsgw.cmpp.gns.client;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import io.smsgw.cmpp.gns.MoRouteEntry;
import io.smsgw.cmpp.gns.MtRouteEntry;
import io.smsgw.core.runtime.NetworkRoutes;

/**
 * The route cache behind the protocol-neutral {@link NetworkRoutes} the routing plugin uses: a cached route or a
 * remembered "no route" answers at once, anything else asks the tandem (resolve), which fails while it is down.
 */
public final class CachedNetworkRoutes implements NetworkRoutes {

   private final RouteCache cache;

   public CachedNetworkRoutes(RouteCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
   }

   @Override
   public CompletionStage<Optional<String>> mtGateway(String recipient) {
      return cache.resolveMt(recipient).thenApply(route -> route.map(MtRouteEntry::gatewayId));
   }

   @Override
   public CompletionStage<Optional<String>> moGateway(String serviceNumber) {
      return cache.resolveMo(serviceNumber, "").thenApply(route -> route.map(MoRouteEntry::gatewayId));
   }

   @Override
   public CompletionStage<Void> whenAvailable() {
      return cache.whenAvailable();
   }
}
