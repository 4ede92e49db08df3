package io.smsgw.cmpp.gns;

import static io.smsgw.cmpp.gns.GnsTandemTest.BEIJING;
import static io.smsgw.cmpp.gns.GnsTandemTest.GUANGXI;
import static io.smsgw.cmpp.gns.GnsTandemTest.SINA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.gns.client.RouteCacheControlMBean;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.NetworkRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway role as the broker runs it: a gateway whose configuration has a {@code gns} section starts its route
 * cache with the broker, offers it to the routing plugin as {@link NetworkRoutes}, shows it as a management bean,
 * and withdraws it when the broker stops.
 */
class GatewayRoleTest {

   private static <T> T now(java.util.concurrent.CompletionStage<T> stage) throws Exception {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
   }

   @Test
   void theBrokerRunsTheRouteCacheOfItsGnsSection(@TempDir Path dir) throws Exception {
      int tandemPort = TandemBroker.freePort();
      String tianjinConf = """
         gateway { code = "022001" }
         gns { host = "127.0.0.1", port = %d, shared-secret = "tj", refresh = 0s, reconnect-min = 50ms, reconnect-max = 500ms }
         """.formatted(tandemPort);
      try (TandemBroker tandem = TandemBroker.start(dir.resolve("tandem"), tandemPort, GnsTandemTest.tandemConf())) {
         TandemBroker tianjin = TandemBroker.start(dir.resolve("tianjin"), TandemBroker.freePort(), tianjinConf);
         GatewayRuntime runtime = GatewayRuntime.of(tianjin.server());
         try {
            NetworkRoutes routes = runtime.networkRoutes().orElseThrow(() -> new AssertionError("no network routes registered"));
            now(routes.whenAvailable());
            assertEquals(Optional.of(GUANGXI), now(routes.mtGateway("+8613800138000")));
            assertEquals(Optional.of(BEIJING), now(routes.moGateway(SINA + "99")), "the north's route, extension allowed");
            assertEquals(Optional.empty(), now(routes.mtGateway("13300000000")), "the tandem has no route");
            assertTrue(routes.mtGateway("13300000000").toCompletableFuture().isDone(), "and that answer is remembered");

            RouteCacheControlMBean control = (RouteCacheControlMBean) tianjin.server().getManagementService()
               .getUntypedControl("sms-route-cache");
            assertTrue(control.isAvailable());
            assertEquals("CONNECTED", control.getTandemConnectionState());
            assertEquals(1 + GnsTandemTest.EXTRA_MT, control.getMtRouteCount());
            assertEquals(1 + GnsTandemTest.EXTRA_MO, control.getMoRouteCount(), "one Sina route for the north");
            assertEquals(1, control.getRememberedMtMisses());
            long loads = control.getLoads();
            assertTrue(control.reload().startsWith("loaded " + (1 + GnsTandemTest.EXTRA_MT) + " MT"));
            assertEquals(loads + 1, control.getLoads());
            assertEquals(0, control.getRememberedMtMisses(), "a reload forgets the misses");
         } finally {
            tianjin.close();
         }
         assertFalse(runtime.networkRoutes().isPresent(), "withdrawn when the broker stops");
      }
   }

   @Test
   void aGatewayWithoutGnsSectionHasNoNetworkRoutes(@TempDir Path dir) throws Exception {
      try (TandemBroker plain = TandemBroker.start(dir, TandemBroker.freePort(), "gateway { code = \"022001\" }")) {
         Wait.until("started", Duration.ofSeconds(10), () -> plain.server().isActive());
         assertFalse(GatewayRuntime.of(plain.server()).networkRoutes().isPresent());
         assertNull(plain.server().getManagementService().getUntypedControl("sms-route-cache"));
      }
   }
}
