package io.smsgw.cmpp.gns.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.GetMoRoute;
import io.smsgw.cmpp.codec.GetMtRoute;
import io.smsgw.cmpp.codec.MoRoute;
import io.smsgw.cmpp.codec.MtRoute;
import io.smsgw.cmpp.codec.PushMoRouteUpdateResp;
import io.smsgw.cmpp.codec.PushMtRouteUpdateResp;
import io.smsgw.cmpp.codec.RouteUpdateType;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.cmpp.gns.MoRouteEntry;
import io.smsgw.cmpp.gns.MtRouteEntry;
import io.smsgw.core.config.GnsClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway side against a scripted tandem on a plain socket, for what a correct tandem never sends: pushes
 * older than the cache, non-advancing downloads, silence, malformed answers.
 */
class GnsClientWireTest {

   private static final String TIANJIN = "022001";
   private static final String SECRET = "tj";
   private static final String T0 = "20250601120000";
   private static final MtRouteEntry GUANGXI_SEGMENTS =
      new MtRouteEntry(7, "077101", "10.0.77.1", 7930, "1380000", "1389999", "0771", 0, T0);
   private static final MoRouteEntry SINA_NORTH =
      new MoRouteEntry(3, "001001", "10.0.1.1", 7930, "901234", "10661234", 0, "", 0, 0, T0);

   private ServerSocket server;
   private RouteCache cache;

   @BeforeEach
   void listen() throws IOException {
      server = new ServerSocket(0);
      server.setSoTimeout(10_000);
   }

   @AfterEach
   void stop() throws IOException {
      if (cache != null) {
         cache.close();
      }
      server.close();
   }

   private RouteCache startCache(Duration queryTimeout) {
      GnsClientConfig config = new GnsClientConfig("127.0.0.1", server.getLocalPort(), SECRET, Duration.ZERO, queryTimeout,
                                                   Duration.ofMillis(50), Duration.ofMillis(200));
      cache = new RouteCache(new GnsClient(config, TIANJIN));
      cache.start();
      return cache;
   }

   /** Accepts the gateway's connection and answers its CONNECT. */
   private CmppSocket acceptGateway() throws IOException {
      CmppSocket gateway = new CmppSocket(server.accept());
      Connect connect = gateway.read(Connect.class);
      assertEquals(TIANJIN, connect.sourceAddr());
      assertTrue(CmppAuthenticator.verifySource(connect, SECRET), "the gateway authenticates with gns.shared-secret");
      gateway.send(connect.response(CmppResult.CONNECT_OK,
         CmppAuthenticator.authenticatorIsmg(0, connect.authenticatorSource(), SECRET, CmppVersion.V30), 0x30));
      return gateway;
   }

   /** Answers the download that follows every CONNECT with these routes. */
   private static void serveDownload(CmppSocket gateway, List<MtRouteEntry> mt, List<MoRouteEntry> mo) throws IOException {
      for (int i = 0; i <= mt.size(); i++) {
         GetMtRoute get = gateway.read(GetMtRoute.class);
         assertEquals("MT", get.routeType());
         assertEquals(i == 0 ? -1 : mt.get(i - 1).routeId(), get.lastRouteId());
         if (i == mt.size()) {
            gateway.send(get.errorResponse(CmppResult.GNS_NO_ROUTE));
            break;
         }
         gateway.send(mt.get(i).toGetMtRouteResp(get.sequenceId(), mt.size(), i + 1));
         if (i == mt.size() - 1) {
            break; // Route_number == Route_total ends the MT part
         }
      }
      for (int i = 0; i <= mo.size(); i++) {
         GetMoRoute get = gateway.read(GetMoRoute.class);
         assertEquals("MO", get.routeType());
         if (i == mo.size()) {
            gateway.send(get.errorResponse(CmppResult.GNS_NO_ROUTE));
            break;
         }
         gateway.send(mo.get(i).toGetMoRouteResp(get.sequenceId(), mo.size(), i + 1));
         if (i == mo.size() - 1) {
            break;
         }
      }
   }

   /**
    * Closing the client (the broker stops) ends the session as CMPP expects: TERMINATE, and the close at the tandem's
    * TERMINATE_RESP, as a FWD link's stop. Before, the client only closed the socket: the tandem saw a reset.
    */
   @Test
   void closingTerminatesTheSessionAndClosesAtTerminateResp() throws Exception {
      RouteCache closing = startCache(Duration.ofSeconds(5));
      try (CmppSocket gateway = acceptGateway()) {
         serveDownload(gateway, List.of(GUANGXI_SEGMENTS), List.of(SINA_NORTH));
         java.util.concurrent.CompletableFuture<Void> closed = java.util.concurrent.CompletableFuture.runAsync(closing::close);
         Terminate terminate = gateway.read(Terminate.class);
         gateway.send(new ActiveTest(gateway.nextSequence()));
         assertInstanceOf(ActiveTestResp.class, gateway.read(), "the connection stays open for the TERMINATE_RESP");
         gateway.send(terminate.response());
         assertTrue(gateway.closedByPeer(10_000), "closed at TERMINATE_RESP");
         closed.get(10, TimeUnit.SECONDS);
      }
      cache = null;
   }

   private static <T> T await(CompletionStage<T> stage) throws Exception {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
   }

   private static GnsQueryException failure(CompletionStage<?> stage) throws Exception {
      try {
         stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
         return assertInstanceOf(GnsQueryException.class, e.getCause());
      }
      throw new AssertionError("expected a failure");
   }

   private static int push(CmppSocket tandem, int type, MtRouteEntry route) throws IOException {
      tandem.send(route.toPush(tandem.nextSequence(), type));
      return tandem.read(PushMtRouteUpdateResp.class).result();
   }

   @Test
   void pushesOlderThanTheCachedRouteAreRefusedWithResult6() throws Exception {
      startCache(Duration.ofSeconds(5));
      try (CmppSocket tandem = acceptGateway()) {
         serveDownload(tandem, List.of(GUANGXI_SEGMENTS), List.of(SINA_NORTH));
         await(cache.whenAvailable());
         assertEquals("077101", cache.lookupMt("13800138000").orElseThrow().gatewayId());

         MtRouteEntry toBeijing = new MtRouteEntry(7, "001001", "10.0.1.1", 7930, "1380000", "1389999", "010", 0, "20250601115959");
         assertEquals(CmppResult.GNS_TIMESTAMP_OUTDATED, push(tandem, RouteUpdateType.MODIFY, toBeijing));
         assertEquals("077101", cache.lookupMt("13800138000").orElseThrow().gatewayId(), "the older push changed nothing");
         assertEquals(CmppResult.GNS_TIMESTAMP_OUTDATED, push(tandem, RouteUpdateType.DELETE, toBeijing));

         assertEquals(CmppResult.GNS_OK, push(tandem, RouteUpdateType.MODIFY, toBeijing.withTimeStamp(T0)), "same time: applied");
         assertEquals("001001", cache.lookupMt("13800138000").orElseThrow().gatewayId());
         assertEquals(CmppResult.GNS_OK, push(tandem, RouteUpdateType.DELETE, toBeijing.withTimeStamp("20250601120001")));
         assertEquals(Optional.empty(), cache.lookupMt("13800138000"));
         assertEquals(CmppResult.GNS_OK, push(tandem, RouteUpdateType.DELETE, GUANGXI_SEGMENTS), "deleting what is not cached");

         assertEquals(CmppResult.GNS_UPDATE_FAILED, push(tandem, RouteUpdateType.ADD, GUANGXI_SEGMENTS.withTimeStamp("2025")));
         assertEquals(CmppResult.GNS_BAD_UPDATE_TYPE, push(tandem, 9, GUANGXI_SEGMENTS));
         assertEquals(CmppResult.GNS_BAD_START_ID, push(tandem, RouteUpdateType.ADD,
            new MtRouteEntry(8, "077101", "", 0, "13a", "139", "", 0, T0)));
         assertEquals(CmppResult.GNS_BAD_END_ID, push(tandem, RouteUpdateType.ADD,
            new MtRouteEntry(8, "077101", "", 0, "1390000", "139", "", 0, T0)));

         MoRouteEntry sinaSouth = new MoRouteEntry(3, "020001", "10.0.20.1", 7930, "901234", "10661234", 1, "", 0, 0, "20250601110000");
         tandem.send(sinaSouth.toPush(tandem.nextSequence(), RouteUpdateType.MODIFY));
         assertEquals(CmppResult.GNS_TIMESTAMP_OUTDATED, tandem.read(PushMoRouteUpdateResp.class).result());
         assertEquals("001001", cache.lookupMo("10661234").orElseThrow().gatewayId());
         tandem.send(sinaSouth.withTimeStamp("20250601130000").toPush(tandem.nextSequence(), RouteUpdateType.MODIFY));
         assertEquals(CmppResult.GNS_OK, tandem.read(PushMoRouteUpdateResp.class).result());
         assertEquals("020001", cache.lookupMo("10661234").orElseThrow().gatewayId());
         assertEquals(1, cache.moRouteCount());
      }
   }

   @Test
   void aMissAsksTheTandemOnceAndCachesOrRemembersTheAnswer() throws Exception {
      startCache(Duration.ofSeconds(5));
      try (CmppSocket tandem = acceptGateway()) {
         serveDownload(tandem, List.of(), List.of());
         await(cache.whenAvailable());

         CompletionStage<Optional<MtRouteEntry>> first = cache.resolveMt("13800138000");
         CompletionStage<Optional<MtRouteEntry>> second = cache.resolveMt("+8613800138000");
         MtRoute query = tandem.read(MtRoute.class);
         assertEquals(TIANJIN, query.sourceId());
         assertEquals("13800138000", query.terminalId());
         tandem.send(GUANGXI_SEGMENTS.toMtRouteResp(query.sequenceId()));
         assertEquals(Optional.of(GUANGXI_SEGMENTS), await(first));
         assertEquals(Optional.of(GUANGXI_SEGMENTS), await(second), "a concurrent miss for the same number shares the query");
         assertEquals(Optional.of(GUANGXI_SEGMENTS), cache.lookupMt("13899990000"), "the whole segment is cached");

         CompletionStage<Optional<MtRouteEntry>> unrouted = cache.resolveMt("13300000000");
         MtRoute missQuery = tandem.read(MtRoute.class);
         tandem.send(missQuery.errorResponse(CmppResult.GNS_NO_ROUTE));
         assertEquals(Optional.empty(), await(unrouted));
         assertTrue(cache.resolveMt("13300000000").toCompletableFuture().isDone(), "the answer 'no route' is remembered");

         CompletionStage<Optional<MoRouteEntry>> sina = cache.resolveMo("106612340001", "NEWS");
         MoRoute moQuery = tandem.read(MoRoute.class); // the next request: the remembered miss sent nothing
         assertEquals("106612340001", moQuery.spCode());
         assertEquals("NEWS", moQuery.serviceId());
         tandem.send(SINA_NORTH.toMoRouteResp(moQuery.sequenceId()));
         assertEquals("001001", await(sina).orElseThrow().gatewayId());
         assertEquals(Optional.of("001001"), cache.lookupMo("10661234").map(MoRouteEntry::gatewayId));
         assertEquals(Optional.of("001001"), cache.lookupMo("106612340001").map(MoRouteEntry::gatewayId), "remembered");
         assertEquals(Optional.empty(), cache.lookupMo("106612340002"), "another number is asked on its own");

         // a route change forgets remembered misses
         assertEquals(CmppResult.GNS_OK, push(tandem, RouteUpdateType.ADD,
            new MtRouteEntry(9, "001001", "10.0.1.1", 7930, "1860000", "1869999", "", 0, T0)));
         CompletionStage<Optional<MtRouteEntry>> again = cache.resolveMt("13300000000");
         MtRoute busyQuery = tandem.read(MtRoute.class);
         tandem.send(busyQuery.errorResponse(CmppResult.GNS_BUSY));
         GnsQueryException refused = failure(again);
         assertEquals(GnsQueryException.Reason.REFUSED, refused.reason());
         assertEquals(CmppResult.GNS_BUSY, refused.result());
      }
   }

   @Test
   void aDownloadThatDoesNotAdvanceEndsAndIsRetried() throws Exception {
      startCache(Duration.ofSeconds(5));
      try (CmppSocket tandem = acceptGateway()) {
         GetMtRoute get = tandem.read(GetMtRoute.class);
         tandem.send(GUANGXI_SEGMENTS.toGetMtRouteResp(get.sequenceId(), 10, 1));
         GetMtRoute next = tandem.read(GetMtRoute.class);
         assertEquals(7, next.lastRouteId());
         tandem.send(GUANGXI_SEGMENTS.toGetMtRouteResp(next.sequenceId(), 10, 2)); // Route_Id 7 again
         GetMtRoute retry = tandem.read(GetMtRoute.class);
         assertEquals(GetMtRoute.FIRST, retry.lastRouteId(), "the broken download ended and a new one started");
         assertFalse(cache.isAvailable());
         assertEquals(0, cache.mtRouteCount(), "nothing of a failed download is used");
         tandem.send(retry.errorResponse(CmppResult.GNS_NO_ROUTE));
         tandem.send(tandem.read(GetMoRoute.class).errorResponse(CmppResult.GNS_NO_ROUTE));
         await(cache.whenAvailable());
      }
   }

   @Test
   void silenceTimesOutAndMalformedAnswersFailTheirRequest() throws Exception {
      startCache(Duration.ofSeconds(1));
      try (CmppSocket tandem = acceptGateway()) {
         serveDownload(tandem, List.of(), List.of());
         await(cache.whenAvailable());

         CompletionStage<Optional<MtRouteEntry>> unanswered = cache.resolveMt("13800138000");
         tandem.read(MtRoute.class);
         assertEquals(GnsQueryException.Reason.TIMEOUT, failure(unanswered).reason());

         CompletionStage<Optional<MoRouteEntry>> broken = cache.resolveMo("10661234", "");
         MoRoute query = tandem.read(MoRoute.class);
         int seq = query.sequenceId();
         // MO_ROUTE_RESP header with an 8-octet body: far too short
         tandem.sendBytes(new byte[] {0, 0, 0, 20, (byte) 0x80, 0, 0, 0x11, (byte) (seq >>> 24), (byte) (seq >>> 16),
            (byte) (seq >>> 8), (byte) seq, 0, 0, 0, 0, 0, 0, 0, 0});
         assertEquals(GnsQueryException.Reason.PROTOCOL_ERROR, failure(broken).reason());

         CompletionStage<Optional<MtRouteEntry>> mismatched = cache.resolveMt("13900000000");
         MtRoute mtQuery = tandem.read(MtRoute.class);
         tandem.send(SINA_NORTH.toMoRouteResp(mtQuery.sequenceId()));
         assertEquals(GnsQueryException.Reason.PROTOCOL_ERROR, failure(mismatched).reason(), "an answer of the wrong type");

         assertEquals(GnsQueryException.Reason.INVALID_REQUEST,
            failure(cache.client().mtRoute("1".repeat(22))).reason(), "Terminal_Id is 21 octets");
         assertEquals(GnsClient.State.CONNECTED, cache.client().state(), "none of this costs the connection");
      }
   }

   @Test
   void theTandemsActiveTestIsAnsweredAndItsTerminateMakesTheGatewayReconnect() throws Exception {
      startCache(Duration.ofSeconds(5));
      try (CmppSocket tandem = acceptGateway()) {
         serveDownload(tandem, List.of(GUANGXI_SEGMENTS), List.of());
         await(cache.whenAvailable());
         int probe = tandem.nextSequence();
         tandem.send(new ActiveTest(probe));
         assertEquals(probe, tandem.read(ActiveTestResp.class).sequenceId());
         tandem.send(new Terminate(tandem.nextSequence()));
         tandem.read(TerminateResp.class);
         assertTrue(tandem.closedByPeer(10_000));
      }
      try (CmppSocket tandem = acceptGateway()) {
         serveDownload(tandem, List.of(), List.of(SINA_NORTH));
         await(cache.whenAvailable());
         assertEquals(Optional.empty(), cache.lookupMt("13800138000"), "the new download replaced the old copy");
         assertEquals("001001", cache.lookupMo("10661234").orElseThrow().gatewayId());
         assertEquals(2, cache.loads());
      }
   }

   @Test
   void aPushArrivingDuringTheDownloadSurvivesTheSwap() throws Exception {
      startCache(Duration.ofSeconds(5));
      try (CmppSocket tandem = acceptGateway()) {
         GetMtRoute get = tandem.read(GetMtRoute.class);
         // the route changes while the download is under way; the page then still shows the old state
         MtRouteEntry moved = new MtRouteEntry(7, "001001", "10.0.1.1", 7930, "1380000", "1389999", "010", 0, "20250601120005");
         assertEquals(CmppResult.GNS_OK, push(tandem, RouteUpdateType.MODIFY, moved));
         tandem.send(GUANGXI_SEGMENTS.toGetMtRouteResp(get.sequenceId(), 1, 1));
         tandem.send(tandem.read(GetMoRoute.class).errorResponse(CmppResult.GNS_NO_ROUTE));
         await(cache.whenAvailable());
         assertEquals("001001", cache.lookupMt("13800138000").orElseThrow().gatewayId(), "the newer pushed state wins");
         assertSame(GnsClient.State.CONNECTED, cache.client().state());
      }
   }
}
