package io.smsgw.cmpp.gns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.MtRoute;
import io.smsgw.cmpp.codec.MtRouteResp;
import io.smsgw.cmpp.codec.MtRouteUpdate;
import io.smsgw.cmpp.codec.MtRouteUpdateResp;
import io.smsgw.cmpp.codec.RouteUpdateType;
import io.smsgw.cmpp.codec.Terminate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker stop of the tandem ends a gateway's GNS session as an SP's (decision 141 and its follow-up): TERMINATE, and
 * the close at the gateway's TERMINATE_RESP; a route query sent meanwhile is answered from the table, an update gets
 * Result 9 (system busy). Before, the session wrote TERMINATE and closed at once: the query and the update were never
 * answered (the gateway waited its query timeout) and TERMINATE_RESP was not awaited.
 */
class GnsSessionStopTest {

   @TempDir
   Path dir;

   @Test
   void aGatewayIsTerminatedItsQueriesAnsweredItsUpdatesRefusedBusyAndTerminateRespAwaited() throws Exception {
      TandemBroker tandem = TandemBroker.start(dir, TandemBroker.freePort(), GnsTandemTest.tandemConf());
      CompletableFuture<Long> stop;
      try (CmppSocket gateway = CmppSocket.connect(tandem.port())) {
         assertEquals(CmppResult.CONNECT_OK, gateway.login(GnsTandemTest.TIANJIN, "tj").status());
         stop = tandem.closeInBackground();
         tandem.waitUntilSessionsEnding();
         // A round trip: the requests below are read after the session's end, which the stop queued at its start.
         Terminate terminate = null;
         gateway.send(new ActiveTest(gateway.nextSequence()));
         for (CmppPdu pdu; !((pdu = gateway.read()) instanceof ActiveTestResp); ) {
            terminate = pdu instanceof Terminate t ? t : terminate;
         }
         int query = gateway.nextSequence();
         gateway.send(new MtRoute(query, GnsTandemTest.TIANJIN, "13800138000"));
         int update = gateway.nextSequence();
         gateway.send(new MtRouteUpdate(update, RouteUpdateType.ADD, 0, GnsTandemTest.TIANJIN, "", 0, "1862000", "1862999", "022", 0));
         MtRouteResp route = null;
         MtRouteUpdateResp refused = null;
         while (route == null || refused == null || terminate == null) {
            CmppPdu pdu = gateway.read();
            if (pdu instanceof MtRouteResp resp) {
               route = resp;
            } else if (pdu instanceof MtRouteUpdateResp resp) {
               refused = resp;
            } else if (pdu instanceof Terminate t) {
               terminate = t;
            }
         }
         assertEquals(query, route.sequenceId());
         assertEquals(CmppResult.GNS_OK, route.result(), "a route query is still answered from the table");
         assertEquals(GnsTandemTest.GUANGXI, route.destinationId());
         assertEquals(update, refused.sequenceId());
         assertEquals(CmppResult.GNS_BUSY, refused.result(), "an update is refused as system busy while the tandem stops");

         gateway.send(new ActiveTest(gateway.nextSequence()));
         assertInstanceOf(ActiveTestResp.class, gateway.read(ActiveTestResp.class), "open until TERMINATE_RESP");
         gateway.send(terminate.response());
         assertTrue(gateway.closedByPeer(10_000), "closed at TERMINATE_RESP");
      }
      stop.get(60, TimeUnit.SECONDS);
   }
}
