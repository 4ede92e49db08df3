package io.smsgw.cmpp.gns;

import java.util.concurrent.atomic.LongAdder;

import io.smsgw.broker.GatewayMeters;

/** The tandem's meters, read from what its management bean ({@link TandemControl}) shows; docs/metrics.md lists them. */
final class TandemMeters {

   private TandemMeters() {
   }

   static void register(GatewayMeters meters, TandemService service) {
      meters.gauge("tandem.routes", "Routes in the tandem's table", service, s -> s.table().mtRouteCount(), "kind", "mt")
         .gauge("tandem.routes", "Routes in the tandem's table", service, s -> s.table().moRouteCount(), "kind", "mo")
         .gauge("tandem.gateways.connected", "Gateways connected to the route service", service,
                s -> s.connectedGateways().size());
      count(meters, service.updatesApplied, "applied");
      count(meters, service.updatesRefused, "refused");
      count(meters, service.updatesOfOthersRefused, "others-refused");
      meters.counter("tandem.pushes", "Route updates pushed to gateways", service.pushesSent, LongAdder::sum);
   }

   private static void count(GatewayMeters meters, LongAdder counter, String outcome) {
      meters.counter("tandem.updates", "Route updates from gateways, by outcome", counter, LongAdder::sum, "outcome", outcome);
   }
}
