package io.smsgw.cmpp.gns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.Cancel;
import io.smsgw.cmpp.codec.CancelResp;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.GetMoRoute;
import io.smsgw.cmpp.codec.GetMoRouteResp;
import io.smsgw.cmpp.codec.GetMtRoute;
import io.smsgw.cmpp.codec.GetMtRouteResp;
import io.smsgw.cmpp.codec.MoRoute;
import io.smsgw.cmpp.codec.MoRouteResp;
import io.smsgw.cmpp.codec.MoRouteUpdate;
import io.smsgw.cmpp.codec.MoRouteUpdateResp;
import io.smsgw.cmpp.codec.MtRoute;
import io.smsgw.cmpp.codec.MtRouteResp;
import io.smsgw.cmpp.codec.MtRouteUpdate;
import io.smsgw.cmpp.codec.MtRouteUpdateResp;
import io.smsgw.cmpp.codec.PushMtRouteUpdate;
import io.smsgw.cmpp.codec.PushMtRouteUpdateResp;
import io.smsgw.cmpp.codec.RouteUpdateType;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
import io.smsgw.cmpp.gns.client.GnsClient;
import io.smsgw.cmpp.gns.client.GnsQueryException;
import io.smsgw.cmpp.gns.client.RouteCache;
import io.smsgw.core.config.GnsClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gateways (GnsClient + RouteCache, and a raw socket) against a real tandem: an embedded broker whose CMPP
 * acceptor serves GNS sessions from the {@code tandem} configuration. The network is the Sina scenario: Sina
 * (SP_Code 10661234) is served by Beijing for the north and by Guangzhou for the south.
 */
class GnsTandemTest {

   static final String BEIJING = "001001";
   static final String TIANJIN = "022001";
   static final String GUANGZHOU = "020001";
   static final String GUANGXI = "077101";
   static final String SHANGHAI = "021001";
   static final String SINA = "10661234";
   /** More routes than one GET answer carries (one), many times over. */
   static final int EXTRA_MT = 250;
   static final int EXTRA_MO = 30;

   static TandemBroker broker;

   static String tandemConf() {
      StringBuilder conf = new StringBuilder("""
         gateway { code = "000001", name = "tandem" }
         tandem {
           gateways {
             "001001" { host = "10.0.1.1", port = 7930, region = north, shared-secret = "bj", allowed-ips = [ "127.0.0.1" ] }
             "022001" { host = "10.0.22.1", region = north, shared-secret = "tj", allowed-ips = [ "127.0.0.1" ] }
             "020001" { host = "10.0.20.1", region = south, shared-secret = "gz", allowed-ips = [ "127.0.0.1" ] }
             "077101" { host = "10.0.77.1", port = 7931, region = south, shared-secret = "gx", allowed-ips = [ "127.0.0.1" ] }
             "021001" { host = "10.0.21.1", region = east, shared-secret = "sh", allowed-ips = [ "127.0.0.1" ] }
           }
           mt-routes = [
             { start = "1380000", end = "1389999", gateway = "077101", area-code = "0771", user-type = 0 }
         """);
      for (int i = 0; i < EXTRA_MT; i++) {
         int start = 1_500_000 + i * 10;
         conf.append("    { start = \"").append(start).append("\", end = \"").append(start + 9).append("\", gateway = \"020001\" }\n");
      }
      conf.append("""
           ]
           mo-routes = [
             { sp-code = "10661234", sp-id = "901234", service-id = "", gateway = "001001", regions = [ north ], access-type = 0 }
             { sp-code = "10661234", sp-id = "901234", gateway = "020001", regions = [ south ], access-type = 1 }
             { sp-code = "1066", sp-id = "901066", gateway = "021001", regions = [ east ] }
         """);
      for (int i = 0; i < EXTRA_MO; i++) {
         conf.append("    { sp-code = \"10659").append(100 + i).append("\", gateway = \"001001\" }\n");
      }
      return conf.append("  ]\n}\n").toString();
   }

   @BeforeAll
   static void start() throws Exception {
      broker = TandemBroker.start(TestBroker.tempDataDir(), TandemBroker.freePort(), tandemConf());
   }

   @AfterAll
   static void stop() throws Exception {
      broker.close();
   }

   static GnsClientConfig clientConfig(int port, String secret) {
      return new GnsClientConfig("127.0.0.1", port, secret, Duration.ZERO, Duration.ofSeconds(5), Duration.ofMillis(50),
                                 Duration.ofMillis(500));
   }

   /** A gateway's route cache, connected and loaded. */
   private static RouteCache gateway(String code, String secret) throws Exception {
      RouteCache cache = new RouteCache(new GnsClient(clientConfig(broker.port(), secret), code));
      cache.start();
      await(cache.whenAvailable());
      return cache;
   }

   static <T> T await(CompletionStage<T> stage) throws Exception {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
   }

   static GnsQueryException failure(CompletionStage<?> stage) throws Exception {
      try {
         stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
         return assertInstanceOf(GnsQueryException.class, e.getCause());
      }
      throw new AssertionError("expected the request to fail");
   }

   /** How many MO routes the tandem gives a gateway of {@code region}. */
   private static long moRoutesOf(String region) {
      TandemRouteTable table = broker.tandem().table();
      return table.nextMo(-1, region).map(TandemRouteTable.Page::total).orElse(0L);
   }

   @Test
   void bulkLoadPagesThroughEveryRouteTheGatewaySees() throws Exception {
      try (RouteCache tianjin = gateway(TIANJIN, "tj"); RouteCache guangxi = gateway(GUANGXI, "gx")) {
         assertEquals(broker.tandem().table().mtRouteCount(), tianjin.mtRouteCount());
         assertTrue(tianjin.mtRouteCount() > EXTRA_MT, "every MT route, one GET_MT_ROUTE each");
         assertEquals(moRoutesOf("north"), tianjin.moRouteCount());
         assertEquals(moRoutesOf("south"), guangxi.moRouteCount());
         assertTrue(tianjin.moRouteCount() > EXTRA_MO);

         for (String number : new String[] {"13800138000", "8613800138000", "+8613800138000"}) {
            MtRouteEntry route = tianjin.lookupMt(number).orElseThrow(() -> new AssertionError(number));
            assertEquals(GUANGXI, route.gatewayId());
            assertEquals("10.0.77.1", route.gatewayIp());
            assertEquals(7931, route.gatewayPort());
            assertEquals("0771", route.areaCode());
         }
         assertEquals(GUANGZHOU, tianjin.lookupMt("15024901234").orElseThrow().gatewayId(), "the last generated segment");
         assertEquals(Optional.empty(), tianjin.lookupMt("13300000000"));

         // the same SP_Code, a different gateway per region
         assertEquals(BEIJING, tianjin.lookupMo(SINA).orElseThrow().gatewayId());
         // extension digits: the table alone cannot tell whether a longer SP_Code of another region decides
         assertEquals(Optional.empty(), tianjin.lookupMo(SINA + "0001"), "not known without asking");
         assertEquals(BEIJING, await(tianjin.resolveMo(SINA + "0001", "")).orElseThrow().gatewayId(), "extension digits");
         assertEquals(BEIJING, tianjin.lookupMo(SINA + "0001").orElseThrow().gatewayId(), "the answer is remembered");
         assertEquals(GUANGZHOU, guangxi.lookupMo(SINA).orElseThrow().gatewayId());
         assertEquals(BEIJING, guangxi.lookupMo("10659100").orElseThrow().gatewayId(), "a route without regions serves all");
      }
   }

   @Test
   void mtRouteAnswersTheGatewayOfTheNumbersSegment() throws Exception {
      try (RouteCache beijing = gateway(BEIJING, "bj")) {
         MtRouteResp resp = await(beijing.client().mtRoute("13800138000"));
         assertEquals(CmppResult.GNS_OK, resp.result());
         assertEquals(GUANGXI, resp.destinationId());
         assertEquals("10.0.77.1", resp.gatewayIp());
         assertEquals(7931, resp.gatewayPort());
         assertEquals("1380000", resp.startId());
         assertEquals("1389999", resp.endId());
         assertEquals("0771", resp.areaCode());
         assertTrue(GnsTimestamp.isValid(resp.timeStamp()), resp.timeStamp());

         assertEquals(CmppResult.GNS_NO_ROUTE, await(beijing.client().mtRoute("13300000000")).result());
         assertEquals(Optional.empty(), await(beijing.resolveMt("13300000000")), "no route is an answer, not a failure");
      }
   }

   @Test
   void moRouteDependsOnTheRegionOfTheAskingGateway() throws Exception {
      try (RouteCache tianjin = gateway(TIANJIN, "tj"); RouteCache guangxi = gateway(GUANGXI, "gx")) {
         MoRouteResp north = await(tianjin.client().moRoute(SINA, ""));
         assertEquals(CmppResult.GNS_OK, north.result());
         assertEquals(BEIJING, north.destinationId());
         assertEquals("10.0.1.1", north.gatewayIp());
         assertEquals(7930, north.gatewayPort());
         assertEquals("901234", north.spId());
         assertEquals(SINA, north.spCode());
         assertEquals(0, north.spAccessType());

         MoRouteResp south = await(guangxi.client().moRoute(SINA + "99", "NEWS"));
         assertEquals(CmppResult.GNS_OK, south.result());
         assertEquals(GUANGZHOU, south.destinationId());
         assertEquals("10.0.20.1", south.gatewayIp());
         assertEquals(1, south.spAccessType());

         assertEquals(CmppResult.GNS_NO_ROUTE, await(tianjin.client().moRoute("1069999", "")).result());
      }
   }

   /**
    * Sina's 10661234 serves the north and the south only; another SP's 1066 serves the east. An MO for Sina from an east
    * gateway has no route: the longest SP_Code decides, the shorter one is another SP's.
    */
   @Test
   void theLongestSpCodeDecidesEvenWhenItDoesNotServeTheAskingRegion() throws Exception {
      try (RouteCache shanghai = gateway(SHANGHAI, "sh"); RouteCache tianjin = gateway(TIANJIN, "tj")) {
         assertEquals(CmppResult.GNS_NO_ROUTE, await(shanghai.client().moRoute(SINA + "5", "")).result(),
                      "not the other SP's 1066");
         assertEquals(CmppResult.GNS_NO_ROUTE, await(shanghai.client().moRoute(SINA, "")).result());
         MoRouteResp other = await(shanghai.client().moRoute("10665550", ""));
         assertEquals(CmppResult.GNS_OK, other.result(), "the other SP's own numbers");
         assertEquals(SHANGHAI, other.destinationId());
         assertEquals(BEIJING, await(tianjin.client().moRoute(SINA + "5", "")).destinationId(), "the north still gets Beijing");

         // the east's route cache holds 1066 but not Sina's code: it answers as the tandem does, not from 1066
         assertEquals(Optional.empty(), await(shanghai.resolveMo(SINA + "5", "")), "the cache: no route either");
         assertEquals(Optional.empty(), shanghai.lookupMo(SINA + "5"));
         assertEquals(SHANGHAI, await(shanghai.resolveMo("10665550", "")).orElseThrow().gatewayId());
         assertEquals(SHANGHAI, shanghai.lookupMo("1066").orElseThrow().gatewayId(), "a whole SP_Code from memory");
         assertEquals(BEIJING, await(tianjin.resolveMo(SINA + "5", "")).orElseThrow().gatewayId());
      }
   }

   @Test
   void mtUpdatesArePushedToEveryRegisteredGateway() throws Exception {
      try (RouteCache beijing = gateway(BEIJING, "bj"); RouteCache tianjin = gateway(TIANJIN, "tj")) {
         MtRouteUpdateResp added = await(beijing.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.ADD, 0, BEIJING, "", 0, "1861000", "1861999", "010", 0)));
         assertEquals(CmppResult.GNS_OK, added.result());
         assertTrue(GnsTimestamp.isValid(added.timeStamp()));
         Wait.until("the push reaches Tianjin", Duration.ofSeconds(10), () -> tianjin.lookupMt("18610001234").isPresent());
         MtRouteEntry pushed = tianjin.lookupMt("18610001234").orElseThrow();
         assertEquals(added.routeId(), pushed.routeId());
         assertEquals(BEIJING, pushed.gatewayId());
         assertEquals("10.0.1.1", pushed.gatewayIp(), "an empty Gateway_IP takes the configured address");
         assertEquals(7930, pushed.gatewayPort());
         assertEquals(added.timeStamp(), pushed.timeStamp());
         Wait.until("the sender's cache learns the route too", Duration.ofSeconds(10), () -> beijing.lookupMt("18610001234").isPresent());

         MtRouteUpdateResp modified = await(beijing.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.MODIFY, added.routeId(), BEIJING, "10.0.1.2", 7932, "1861000", "1861999", "010", 0)));
         assertEquals(CmppResult.GNS_OK, modified.result());
         assertEquals(added.routeId(), modified.routeId());
         Wait.until("the modification reaches Tianjin", Duration.ofSeconds(10),
                    () -> "10.0.1.2".equals(tianjin.lookupMt("18610001234").map(MtRouteEntry::gatewayIp).orElse("")));
         assertEquals(7932, tianjin.lookupMt("18610001234").orElseThrow().gatewayPort());

         assertEquals(CmppResult.GNS_UPDATE_FAILED, await(tianjin.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.ADD, 0, TIANJIN, "", 0, "1861500", "1862500", "", 0))).result(), "overlap");
         assertEquals(CmppResult.GNS_BAD_ROUTE_ID, await(tianjin.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.DELETE, 999_999, "", "", 0, "", "", "", 0))).result());
         assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED, await(tianjin.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.ADD, 0, "099901", "", 0, "1870000", "1870999", "", 0))).result(),
            "a Destination_Id that is not the sender");

         assertEquals(CmppResult.GNS_OK, await(beijing.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.DELETE, added.routeId(), "", "", 0, "", "", "", 0))).result());
         Wait.until("the delete reaches Beijing", Duration.ofSeconds(10), () -> beijing.lookupMt("18610001234").isEmpty());
         assertEquals(CmppResult.GNS_NO_ROUTE, await(beijing.client().mtRoute("18610001234")).result());
      }
   }

   @Test
   void moUpdatesArePushedToTheGatewaysOfTheRoutesRegion() throws Exception {
      try (RouteCache beijing = gateway(BEIJING, "bj"); RouteCache tianjin = gateway(TIANJIN, "tj");
           RouteCache guangxi = gateway(GUANGXI, "gx")) {
         MoRouteUpdateResp added = await(beijing.client().updateMoRoute(
            new MoRouteUpdate(0, RouteUpdateType.ADD, 0, BEIJING, "", 0, "901999", "10669999", 0, "", 0, 0)));
         assertEquals(CmppResult.GNS_OK, added.result());
         Wait.until("the push reaches Tianjin (north)", Duration.ofSeconds(10), () -> tianjin.lookupMo("10669999").isPresent());
         assertEquals(BEIJING, tianjin.lookupMo("10669999").orElseThrow().gatewayId());

         // Pushes reach a gateway in order: once Guangxi has a later MT change, it would have had the MO push too.
         MtRouteUpdateResp marker = await(beijing.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.ADD, 0, BEIJING, "", 0, "1890000", "1890009", "", 0)));
         Wait.until("the MT push reaches Guangxi", Duration.ofSeconds(10), () -> guangxi.lookupMt("18900001234").isPresent());
         assertEquals(Optional.empty(), guangxi.lookupMo("10669999"), "a north route is not pushed to the south");
         assertEquals(CmppResult.GNS_NO_ROUTE, await(guangxi.client().moRoute("10669999", "")).result());

         assertEquals(CmppResult.GNS_UPDATE_FAILED, await(tianjin.client().updateMoRoute(
            new MoRouteUpdate(0, RouteUpdateType.ADD, 0, TIANJIN, "", 0, "901999", "10669999", 1, "", 0, 0))).result(),
            "the north already has a route for this SP_Code");
         MoRouteUpdateResp south = await(guangxi.client().updateMoRoute(
            new MoRouteUpdate(0, RouteUpdateType.ADD, 0, GUANGXI, "", 0, "901999", "10669999", 1, "", 0, 0)));
         assertEquals(CmppResult.GNS_OK, south.result());
         assertNotEquals(added.routeId(), south.routeId());
         Wait.until("the south route reaches Guangxi", Duration.ofSeconds(10), () -> guangxi.lookupMo("10669999").isPresent());
         assertEquals(GUANGXI, guangxi.lookupMo("10669999").orElseThrow().gatewayId());
         assertEquals(BEIJING, tianjin.lookupMo("10669999").orElseThrow().gatewayId(), "the north keeps its route");

         assertEquals(CmppResult.GNS_BAD_SP_CODE, await(guangxi.client().updateMoRoute(
            new MoRouteUpdate(0, RouteUpdateType.ADD, 0, GUANGXI, "", 0, "", "", 0, "", 0, 0))).result());
         assertEquals(CmppResult.GNS_OK, await(beijing.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.DELETE, marker.routeId(), "", "", 0, "", "", "", 0))).result());
      }
   }

   @Test
   void aGatewayChangesOnlyItsOwnRoutes() throws Exception {
      try (RouteCache beijing = gateway(BEIJING, "bj"); RouteCache tianjin = gateway(TIANJIN, "tj")) {
         long refusedBefore = broker.control().getUpdatesOfOtherGatewaysRefused();
         MtRouteUpdateResp own = await(beijing.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.ADD, 0, BEIJING, "", 0, "1862000", "1862999", "010", 0)));
         assertEquals(CmppResult.GNS_OK, own.result(), "Beijing adds a route to itself");
         Wait.until("Beijing's route reaches Tianjin", Duration.ofSeconds(10), () -> tianjin.lookupMt("18620001234").isPresent());

         // Tianjin tries to take Beijing's numbers, to point them elsewhere, to drop them, to speak in Beijing's name
         assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED, await(tianjin.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.MODIFY, own.routeId(), TIANJIN, "", 0, "1862000", "1862999", "022", 0))).result());
         assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED, await(tianjin.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.MODIFY, own.routeId(), BEIJING, "10.6.6.6", 7930, "1862000", "1862999", "010", 0)))
            .result());
         assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED, await(tianjin.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.DELETE, own.routeId(), "", "", 0, "", "", "", 0))).result());
         assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED, await(tianjin.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.ADD, 0, BEIJING, "", 0, "1863000", "1863999", "010", 0))).result());
         long guangxisRoute = await(tianjin.client().mtRoute("13800138000")).routeId();
         assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED, await(tianjin.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.MODIFY, guangxisRoute, TIANJIN, "", 0, "1380000", "1389999", "022", 0))).result(),
            "nor a route of the tandem section");
         long sinaNorth = await(tianjin.client().moRoute(SINA, "")).routeId();
         assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED, await(tianjin.client().updateMoRoute(
            new MoRouteUpdate(0, RouteUpdateType.MODIFY, sinaNorth, TIANJIN, "", 0, "901234", SINA, 0, "", 0, 0))).result(),
            "nor Beijing's MO route for Sina");
         assertEquals(refusedBefore + 6, broker.control().getUpdatesOfOtherGatewaysRefused());

         MtRouteResp stillBeijings = await(tianjin.client().mtRoute("18620001234"));
         assertEquals(BEIJING, stillBeijings.destinationId(), "the tandem still answers with Beijing's route");
         assertEquals("10.0.1.1", stillBeijings.gatewayIp());
         assertEquals(GUANGXI, await(tianjin.client().mtRoute("13800138000")).destinationId());
         assertEquals(BEIJING, await(tianjin.client().moRoute(SINA, "")).destinationId());

         assertEquals(CmppResult.GNS_OK, await(beijing.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.MODIFY, own.routeId(), BEIJING, "10.0.1.2", 7930, "1862000", "1862999", "010", 0)))
            .result(), "Beijing changes its own route");
         assertEquals(CmppResult.GNS_OK, await(beijing.client().updateMtRoute(
            new MtRouteUpdate(0, RouteUpdateType.DELETE, own.routeId(), "", "", 0, "", "", "", 0))).result());
      }
   }

   @Test
   void aWrongSecretIsRefusedAndQueriesFailAsUnavailable() throws Exception {
      try (RouteCache impostor = new RouteCache(new GnsClient(clientConfig(broker.port(), "guess"), TIANJIN))) {
         impostor.start();
         Wait.until("CONNECT refused", Duration.ofSeconds(10), () -> impostor.client().lastConnectStatus() >= 0);
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, impostor.client().lastConnectStatus());
         GnsQueryException e = failure(impostor.resolveMt("13800138000"));
         assertEquals(GnsQueryException.Reason.UNAVAILABLE, e.reason());
         assertTrue(e.isTransient());
         assertTrue(e.getMessage().contains("status 3"), e.getMessage());
         assertEquals(false, impostor.isAvailable());
      }
      try (CmppSocket raw = CmppSocket.connect(broker.port())) {
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, raw.login(TIANJIN, "guess").status());
         assertTrue(raw.closedByPeer(10_000));
      }
      try (CmppSocket raw = CmppSocket.connect(broker.port())) {
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, raw.login("099901", "x").status(),
                      "not a gateway, not an SP: answered as a wrong secret");
      }
   }

   @Test
   void aGatewaysCapturedOrDayOldConnectIsRefused() throws Exception {
      Connect captured = CmppSocket.connectOf(TIANJIN, "tj", CmppTimestamp.forConnect(Clock.systemDefaultZone(), TIANJIN));
      try (CmppSocket tianjin = CmppSocket.connect(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, tianjin.login(captured).status());
         try (CmppSocket replay = CmppSocket.connect(broker.port())) {
            assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, replay.login(captured).status(), "the same CONNECT again");
            assertTrue(replay.closedByPeer(10_000));
         }
         tianjin.send(new Terminate(tianjin.nextSequence()));
         tianjin.read(TerminateResp.class);
      }
      try (CmppSocket stale = CmppSocket.connect(broker.port())) {
         long dayOld = CmppTimestamp.of(LocalDateTime.now().minusDays(1));
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, stale.login(CmppSocket.connectOf(TIANJIN, "tj", dayOld)).status());
      }
      Wait.until("the session is unregistered", Duration.ofSeconds(10), () -> broker.tandem().registeredSessions() == 0);
   }

   @Test
   void everyOtherRequestOnAGnsSessionGetsADefinedAnswer() throws Exception {
      try (CmppSocket tianjin = CmppSocket.connect(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, tianjin.login(TIANJIN, "tj").status());

         tianjin.send(new MtRoute(tianjin.nextSequence(), BEIJING, "13800138000"));
         assertEquals(CmppResult.GNS_BAD_SOURCE_ID, tianjin.read(MtRouteResp.class).result(), "Source_Id is not the connected gateway");
         tianjin.send(new MoRoute(tianjin.nextSequence(), GUANGXI, SINA, "", 0));
         assertEquals(CmppResult.GNS_BAD_SOURCE_ID, tianjin.read(MoRouteResp.class).result());
         tianjin.send(new GetMtRoute(tianjin.nextSequence(), TIANJIN, "MO", -1));
         assertEquals(CmppResult.GNS_BAD_ROUTE_TYPE, tianjin.read(GetMtRouteResp.class).result());
         tianjin.send(new GetMoRoute(tianjin.nextSequence(), TIANJIN, "XX", -1));
         assertEquals(CmppResult.GNS_BAD_ROUTE_TYPE, tianjin.read(GetMoRouteResp.class).result());

         // paging by hand: the first route, then past the last one
         tianjin.send(new GetMtRoute(tianjin.nextSequence(), TIANJIN, "MT", -1));
         GetMtRouteResp first = tianjin.read(GetMtRouteResp.class);
         assertEquals(CmppResult.GNS_OK, first.result());
         assertEquals(0, first.routeId(), "route ids start at 0");
         assertEquals(1, first.routeNumber());
         assertEquals(broker.tandem().table().mtRouteCount(), first.routeTotal());
         tianjin.send(new GetMtRoute(tianjin.nextSequence(), TIANJIN, "MT", Integer.MAX_VALUE));
         assertEquals(CmppResult.GNS_NO_ROUTE, tianjin.read(GetMtRouteResp.class).result());

         tianjin.send(new MtRouteUpdate(tianjin.nextSequence(), 7, 0, TIANJIN, "", 0, "1880000", "1880999", "", 0));
         assertEquals(CmppResult.GNS_BAD_UPDATE_TYPE, tianjin.read(MtRouteUpdateResp.class).result());
         tianjin.send(new PushMtRouteUpdate(tianjin.nextSequence(), 0, 0, TIANJIN, "", 0, "1", "1", "", 0, "20250101000000"));
         assertEquals(CmppResult.COMMAND_ERROR, tianjin.read(PushMtRouteUpdateResp.class).result(), "pushes go the other way");
         tianjin.send(new Cancel(tianjin.nextSequence(), 1L));
         assertEquals(CmppResult.COMMAND_ERROR, tianjin.read(CancelResp.class).successId(), "SP requests are not for a GNS session");

         int probe = tianjin.nextSequence();
         tianjin.send(new ActiveTest(probe));
         assertEquals(probe, tianjin.read(ActiveTestResp.class).sequenceId());
         tianjin.send(new Terminate(tianjin.nextSequence()));
         tianjin.read(TerminateResp.class);
         assertTrue(tianjin.closedByPeer(10_000));
      }
      Wait.until("the session is unregistered", Duration.ofSeconds(10), () -> broker.tandem().registeredSessions() == 0);
   }
}
