package io.smsgw.cmpp.gns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.smsgw.cmpp.codec.CmppResult;
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
import io.smsgw.cmpp.codec.RouteUpdateType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Route updates received over CMPP survive a restart of the tandem: applied, written to the route file before
 * the answer, and served again by MT_ROUTE / MO_ROUTE / GET_MT_ROUTE after the restart. A damaged file is
 * reported and never keeps the broker from starting.
 */
class TandemPersistenceTest {

   private static final String BEIJING = "001001";
   private static final String TIANJIN = "022001";
   private static final String GUANGZHOU = "020001";
   private static final String GUANGXI = "077101";

   private static final String CONF = """
      gateway { code = "000001" }
      tandem {
        gateways {
          "001001" { host = "10.0.1.1", region = north, shared-secret = "bj", allowed-ips = [ "127.0.0.1" ] }
          "022001" { host = "10.0.22.1", region = north, shared-secret = "tj", allowed-ips = [ "127.0.0.1" ] }
          "020001" { host = "10.0.20.1", region = south, shared-secret = "gz", allowed-ips = [ "127.0.0.1" ] }
          "077101" { host = "10.0.77.1", region = south, shared-secret = "gx", allowed-ips = [ "127.0.0.1" ] }
        }
        mt-routes = [
          { start = "1380000", end = "1389999", gateway = "077101", area-code = "0771" }
          { start = "1500000", end = "1500009", gateway = "020001" }
        ]
        mo-routes = [ { sp-code = "10661234", sp-id = "901234", gateway = "001001", regions = [ north ] } ]
      }
      """;

   @TempDir
   Path dir;

   private Path routeFile() {
      return dir.resolve("sms-tandem").resolve(TandemRouteStore.FILE_NAME);
   }

   private TandemBroker start(String conf) throws Exception {
      return TandemBroker.start(dir, TandemBroker.freePort(), conf);
   }

   private static CmppSocket login(TandemBroker tandem, String code, String secret) throws IOException {
      CmppSocket socket = CmppSocket.connect(tandem.port());
      assertEquals(CmppResult.CONNECT_OK, socket.login(code, secret).status());
      return socket;
   }

   private static MtRouteUpdateResp updateMt(CmppSocket gw, int type, long id, String destination, String start, String end,
                                             String area) throws IOException {
      gw.send(new MtRouteUpdate(gw.nextSequence(), type, id, destination, "", 0, start, end, area, 0));
      return gw.read(MtRouteUpdateResp.class);
   }

   private static MtRouteResp mtRoute(CmppSocket gw, String code, String number) throws IOException {
      gw.send(new MtRoute(gw.nextSequence(), code, number));
      return gw.read(MtRouteResp.class);
   }

   private List<Path> setAside(String kind) throws IOException {
      try (Stream<Path> files = Files.list(routeFile().getParent())) {
         return files.filter(f -> f.getFileName().toString().startsWith(TandemRouteStore.FILE_NAME + "." + kind)).toList();
      }
   }

   @Test
   void aTandemStoppedAndStartedAgainInTheSameJvmTakesUpdatesAndRereadsItsFile() throws Exception {
      try (TandemBroker tandem = start(CONF)) {
         tandem.server().stop();
         // Meanwhile the route file changes, as when a shared-store backup served the pair before failing back.
         try (TandemBroker backup = start(CONF); CmppSocket guangxi = login(backup, GUANGXI, "gx")) {
            assertEquals(CmppResult.GNS_OK, updateMt(guangxi, RouteUpdateType.ADD, 0, GUANGXI, "1390000", "1399999", "0771").result());
         }
         tandem.server().start();

         try (CmppSocket tianjin = login(tandem, TIANJIN, "tj")) {
            MtRouteResp fromBackup = mtRoute(tianjin, TIANJIN, "13900001234");
            assertEquals(CmppResult.GNS_OK, fromBackup.result(), "the table is read again from the file");
            assertEquals("077101", fromBackup.destinationId());

            MtRouteUpdateResp added = updateMt(tianjin, RouteUpdateType.ADD, 0, TIANJIN, "1860000", "1869999", "022");
            assertEquals(CmppResult.GNS_OK, added.result(), "updates are taken after the restart");
            assertEquals(3, added.routeId());
            assertEquals(TIANJIN, mtRoute(tianjin, TIANJIN, "18600001234").destinationId());
            assertEquals(routeFile().toString(), tandem.control().getRouteFile());
         }
      }
      try (TandemBroker restarted = start(CONF); CmppSocket tianjin = login(restarted, TIANJIN, "tj")) {
         assertEquals(TIANJIN, mtRoute(tianjin, TIANJIN, "18600001234").destinationId(), "and written to the file");
      }
   }

   @Test
   void updatesOverCmppAreServedAfterARestart() throws Exception {
      MtRouteUpdateResp added;
      try (TandemBroker tandem = start(CONF); CmppSocket guangxi = login(tandem, GUANGXI, "gx");
           CmppSocket guangzhou = login(tandem, GUANGZHOU, "gz"); CmppSocket tianjin = login(tandem, TIANJIN, "tj")) {
         assertEquals(routeFile().toString(), tandem.control().getRouteFile());
         added = updateMt(guangxi, RouteUpdateType.ADD, 0, GUANGXI, "1390000", "1399999", "0771");
         assertEquals(CmppResult.GNS_OK, added.result());
         assertEquals(2, added.routeId(), "ids continue after the configuration's routes");
         assertEquals(CmppResult.GNS_OK, updateMt(guangxi, RouteUpdateType.MODIFY, 0, GUANGXI, "1380000", "1389999", "0772").result());
         assertEquals(CmppResult.GNS_OK, updateMt(guangzhou, RouteUpdateType.DELETE, 1, "", "", "", "").result());
         tianjin.send(new MoRouteUpdate(tianjin.nextSequence(), RouteUpdateType.ADD, 0, TIANJIN, "", 0, "905555", "10669999", 0,
                                        "", 0, 0));
         assertEquals(CmppResult.GNS_OK, tianjin.read(MoRouteUpdateResp.class).result());
         assertEquals(CmppResult.GNS_UPDATE_FAILED,
                      updateMt(guangxi, RouteUpdateType.ADD, 0, GUANGXI, "1395000", "1395999", "").result(), "overlaps route 2");
         TandemControlMBean control = tandem.control();
         assertEquals(4, control.getUpdatesApplied(), "MT add, modify, delete and the MO add");
         assertEquals(1, control.getUpdatesRefused());
         assertTrue(control.getPushesSent() >= 4, "each applied change was pushed to the three at least");
         assertArrayEquals(new String[] {GUANGZHOU, TIANJIN, GUANGXI}, control.getConnectedGateways());
      }

      try (TandemBroker tandem = start(CONF); CmppSocket tianjin = login(tandem, TIANJIN, "tj")) {
         MtRouteResp route = mtRoute(tianjin, TIANJIN, "13900001234");
         assertEquals(CmppResult.GNS_OK, route.result(), "the added route is served after the restart");
         assertEquals(added.routeId(), route.routeId());
         assertEquals("077101", route.destinationId());
         assertEquals("10.0.77.1", route.gatewayIp());
         assertEquals(added.timeStamp(), route.timeStamp(), "with the time stamp of its update");

         MtRouteResp modified = mtRoute(tianjin, TIANJIN, "13800001234");
         assertEquals(GUANGXI, modified.destinationId());
         assertEquals("0772", modified.areaCode());
         assertEquals(CmppResult.GNS_NO_ROUTE, mtRoute(tianjin, TIANJIN, "15000051234").result(), "the deleted route stays deleted");

         tianjin.send(new MoRoute(tianjin.nextSequence(), TIANJIN, "10669999", "", 0));
         MoRouteResp mo = tianjin.read(MoRouteResp.class);
         assertEquals(CmppResult.GNS_OK, mo.result());
         assertEquals(TIANJIN, mo.destinationId());

         tianjin.send(new GetMtRoute(tianjin.nextSequence(), TIANJIN, "MT", -1));
         GetMtRouteResp first = tianjin.read(GetMtRouteResp.class);
         assertEquals(2, first.routeTotal(), "route 0 (modified) and route 2 (added)");
         assertEquals(0, first.routeId());

         MtRouteUpdateResp next = updateMt(tianjin, RouteUpdateType.ADD, 0, TIANJIN, "1860000", "1869999", "022");
         assertEquals(3, next.routeId(), "ids handed out before the restart are not handed out again");
         assertEquals("", tandem.control().getRouteFileProblem());
         assertEquals(3, tandem.control().getMtRouteCount());
         assertEquals(2, tandem.control().getMoRouteCount());
      }
   }

   @Test
   void aTornLastLineIsDroppedAndADamagedLineIsSkippedWithoutStoppingTheBroker() throws Exception {
      try (TandemBroker tandem = start(CONF); CmppSocket guangxi = login(tandem, GUANGXI, "gx")) {
         assertEquals(2, updateMt(guangxi, RouteUpdateType.ADD, 0, GUANGXI, "1390000", "1399999", "").routeId());
         assertEquals(3, updateMt(guangxi, RouteUpdateType.ADD, 0, GUANGXI, "1870000", "1879999", "").routeId());
      }
      // the broker died while writing the second update: its line is cut short
      byte[] bytes = Files.readAllBytes(routeFile());
      Files.write(routeFile(), java.util.Arrays.copyOf(bytes, bytes.length - 6));
      try (TandemBroker tandem = start(CONF); CmppSocket tianjin = login(tandem, TIANJIN, "tj")) {
         assertEquals(CmppResult.GNS_OK, mtRoute(tianjin, TIANJIN, "13900001234").result());
         assertEquals(CmppResult.GNS_NO_ROUTE, mtRoute(tianjin, TIANJIN, "18700001234").result(), "the torn update is dropped");
         assertTrue(tandem.control().getRouteFileProblem().contains("incomplete"), tandem.control().getRouteFileProblem());
      }

      // a bit flipped inside route 2's line (the file is one snapshot again after the start)
      String text = Files.readString(routeFile(), StandardCharsets.UTF_8);
      assertTrue(text.contains("\t1390000\t"), text);
      Files.writeString(routeFile(), text.replace("\t1390000\t", "\t1390001\t"), StandardCharsets.UTF_8);
      try (TandemBroker tandem = start(CONF); CmppSocket tianjin = login(tandem, TIANJIN, "tj")) {
         String problem = tandem.control().getRouteFileProblem();
         assertTrue(problem.contains("check sum mismatch") && problem.contains("line "), problem);
         assertEquals(CmppResult.GNS_NO_ROUTE, mtRoute(tianjin, TIANJIN, "13900001234").result(), "the damaged route is skipped");
         assertEquals(CmppResult.GNS_OK, mtRoute(tianjin, TIANJIN, "13800001234").result(), "the other routes are served");
         tianjin.send(new MoRoute(tianjin.nextSequence(), TIANJIN, "10661234", "", 0));
         assertEquals(CmppResult.GNS_OK, tianjin.read(MoRouteResp.class).result());
         assertEquals(1, setAside("corrupt").size(), "the damaged file is kept for a look");
      }

      Files.writeString(routeFile(), "not a route file\n", StandardCharsets.UTF_8);
      try (TandemBroker tandem = start(CONF); CmppSocket tianjin = login(tandem, TIANJIN, "tj")) {
         assertTrue(tandem.control().getRouteFileProblem().contains("header"), tandem.control().getRouteFileProblem());
         assertEquals(CmppResult.GNS_OK, mtRoute(tianjin, TIANJIN, "15000051234").result(), "the configuration is served");
         assertEquals(2, tandem.control().getMtRouteCount());
      }
   }

   @Test
   void changedRoutesInTheConfigurationAreTheNewStartingPoint() throws Exception {
      try (TandemBroker tandem = start(CONF); CmppSocket guangxi = login(tandem, GUANGXI, "gx")) {
         assertEquals(CmppResult.GNS_OK, updateMt(guangxi, RouteUpdateType.ADD, 0, GUANGXI, "1390000", "1399999", "").result());
         tandem.reload(CONF.replace("1500009", "1500019"));
         assertEquals(CmppResult.GNS_OK, mtRoute(guangxi, GUANGXI, "13900001234").result(), "a reload keeps the applied updates");
         assertEquals(CmppResult.GNS_NO_ROUTE, mtRoute(guangxi, GUANGXI, "15000151234").result(),
                      "edited routes take effect at the next start");
      }
      try (TandemBroker tandem = start(CONF.replace("1500009", "1500019")); CmppSocket tianjin = login(tandem, TIANJIN, "tj")) {
         assertEquals(CmppResult.GNS_NO_ROUTE, mtRoute(tianjin, TIANJIN, "13900001234").result(), "the old updates are set aside");
         assertEquals(CmppResult.GNS_OK, mtRoute(tianjin, TIANJIN, "15000151234").result(), "the edited route is served");
         assertTrue(tandem.control().getRouteFileProblem().contains("changed"), tandem.control().getRouteFileProblem());
         assertEquals(1, setAside("superseded").size());
      }
   }

   @Test
   void anUpdateThatCannotBeWrittenIsUndoneAndAnsweredNotAccepted() throws Exception {
      try (TandemBroker tandem = start(CONF); CmppSocket guangxi = login(tandem, GUANGXI, "gx")) {
         // the file cannot be written any more (a directory took its place)
         Files.delete(routeFile());
         Files.createDirectory(routeFile());
         MtRouteUpdateResp refused = updateMt(guangxi, RouteUpdateType.ADD, 0, GUANGXI, "1390000", "1399999", "");
         assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED, refused.result());
         assertEquals(CmppResult.GNS_NO_ROUTE, mtRoute(guangxi, GUANGXI, "13900001234").result(), "the update was undone");
         assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED,
                      updateMt(guangxi, RouteUpdateType.MODIFY, 0, GUANGXI, "1380000", "1389999", "0772").result(),
                      "a modification is refused as well");
         assertEquals("0771", mtRoute(guangxi, GUANGXI, "13800001234").areaCode(), "and the route is as it was");
         assertEquals(0, tandem.control().getUpdatesApplied());
         assertEquals(2, tandem.control().getUpdatesRefused());
      }
   }
}
