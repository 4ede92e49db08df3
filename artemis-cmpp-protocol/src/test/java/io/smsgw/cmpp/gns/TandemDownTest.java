package io.smsgw.cmpp.gns;

import static io.smsgw.cmpp.gns.GnsTandemTest.BEIJING;
import static io.smsgw.cmpp.gns.GnsTandemTest.GUANGXI;
import static io.smsgw.cmpp.gns.GnsTandemTest.SINA;
import static io.smsgw.cmpp.gns.GnsTandemTest.TIANJIN;
import static io.smsgw.cmpp.gns.GnsTandemTest.await;
import static io.smsgw.cmpp.gns.GnsTandemTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.gns.client.GnsClient;
import io.smsgw.cmpp.gns.client.GnsQueryException;
import io.smsgw.cmpp.gns.client.RouteCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tandem gateway goes away and comes back: cached routes keep serving, misses wait for it. */
class TandemDownTest {

   @Test
   void cachedRoutesKeepServingWhileTheTandemIsDownAndMissesWaitForItsReturn(@TempDir Path dir) throws Exception {
      int port = TandemBroker.freePort();
      TandemBroker tandem = TandemBroker.start(dir.resolve("first"), port, GnsTandemTest.tandemConf());
      try (RouteCache tianjin = new RouteCache(new GnsClient(GnsTandemTest.clientConfig(port, "tj"), TIANJIN))) {
         tianjin.start();
         await(tianjin.whenAvailable());
         assertEquals(Optional.empty(), tianjin.lookupMt("13300000000"));

         tandem.close();
         Wait.until("the gateway notices", Duration.ofSeconds(10),
                    () -> !tianjin.whenAvailable().toCompletableFuture().isDone());
         assertFalse(tianjin.isAvailable());
         assertEquals(GUANGXI, tianjin.lookupMt("13800138000").orElseThrow().gatewayId(), "cached MT routes keep serving");
         assertEquals(BEIJING, tianjin.lookupMo(SINA).orElseThrow().gatewayId(), "cached MO routes keep serving");
         assertEquals(BEIJING, await(tianjin.resolveMo(SINA, "")).orElseThrow().gatewayId(), "a hit needs no tandem");

         CompletionStage<Void> back = tianjin.whenAvailable();
         GnsQueryException mtMiss = failure(tianjin.resolveMt("13300000000"));
         assertEquals(GnsQueryException.Reason.UNAVAILABLE, mtMiss.reason());
         assertTrue(mtMiss.isTransient(), "the message keeps waiting on the pending queue");
         assertEquals(GnsQueryException.Reason.UNAVAILABLE, failure(tianjin.resolveMo("1069999", "")).reason());
         assertFalse(back.toCompletableFuture().isDone());

         // the tandem returns, meanwhile knowing the segment that missed
         String conf = GnsTandemTest.tandemConf().replace("mt-routes = [",
            "mt-routes = [\n    { start = \"1330000\", end = \"1339999\", gateway = \"001001\" }");
         tandem = TandemBroker.start(dir.resolve("second"), port, conf);
         await(back);
         assertTrue(tianjin.isAvailable());
         assertEquals(BEIJING, await(tianjin.resolveMt("13300000000")).orElseThrow().gatewayId());
         assertEquals(GUANGXI, tianjin.lookupMt("13800138000").orElseThrow().gatewayId());
      } finally {
         tandem.close();
      }
   }
}
