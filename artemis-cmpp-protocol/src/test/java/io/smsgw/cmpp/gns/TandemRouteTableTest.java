package io.smsgw.cmpp.gns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.MoRouteUpdate;
import io.smsgw.cmpp.codec.MtRouteUpdate;
import io.smsgw.cmpp.codec.RouteUpdateType;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.config.TandemConfig;
import org.junit.jupiter.api.Test;

class TandemRouteTableTest {

   private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T04:00:00Z"), ZoneId.of("Asia/Shanghai"));
   private static final String NOW = "20250601120000";
   private static final TandemConfig NETWORK = GatewayConfigLoader.parse("""
      gateway.code = "000001"
      tandem {
        gateways {
          "001001" { host = "10.0.1.1", region = north, shared-secret = "bj" }
          "022001" { host = "10.0.22.1", port = 7931, region = north, shared-secret = "tj" }
          "020001" { host = "10.0.20.1", region = south, shared-secret = "gz" }
          "077101" { host = "10.0.77.1", region = south, shared-secret = "gx" }
          "021001" { host = "10.0.21.1", region = east, shared-secret = "sh" }
        }
        mt-routes = [
          { start = "1380000", end = "1389999", gateway = "077101", area-code = "0771" }
          { start = "1390000", end = "1390999", gateway = "001001", user-type = 2 }
        ]
        mo-routes = [
          { sp-code = "10661234", sp-id = "901234", gateway = "001001", regions = [ north ] }
          { sp-code = "10661234", sp-id = "901234", gateway = "020001", regions = [ south ], access-type = 1 }
          { sp-code = "1066", gateway = "022001", regions = [ north ] }
          { sp-code = "1065888", gateway = "020001" }
        ]
      }
      """, "tandem.conf").tandem();

   private final TandemRouteTable table = TandemRouteTable.fromConfig(NETWORK, CLOCK);
   private final List<TandemRouteTable.Change<MtRouteEntry>> mtChanges = new ArrayList<>();
   private final List<TandemRouteTable.Change<MoRouteEntry>> moChanges = new ArrayList<>();

   /** An MT_ROUTE_UPDATE sent by gateway {@code from}; its Result. */
   private int mt(String from, int type, long id, String destination, String ip, String start, String end, String area,
                  int userType) {
      return mtOutcome(from, type, id, destination, ip, start, end, area, userType).result();
   }

   private TandemRouteTable.UpdateOutcome mtOutcome(String from, int type, long id, String destination, String ip, String start,
                                                    String end, String area, int userType) {
      return table.updateMt(from, new MtRouteUpdate(1, type, id, destination, ip, 0, start, end, area, userType), NETWORK,
                            mtChanges::add);
   }

   private TandemRouteTable.UpdateOutcome mo(String from, int type, long id, String destination, String spId, String spCode,
                                             int access, long startCode, long endCode) {
      return table.updateMo(from, new MoRouteUpdate(1, type, id, destination, "", 0, spId, spCode, access, "", startCode, endCode),
                            NETWORK, moChanges::add);
   }

   @Test
   void theConfiguredRoutesAreNumberedFromZeroPerDirection() {
      MtRouteEntry first = table.findMt("13800138000").orElseThrow();
      assertEquals(new MtRouteEntry(0, "077101", "10.0.77.1", 7930, "1380000", "1389999", "0771", 0, NOW), first);
      assertEquals(1, table.findMt("13909991234").orElseThrow().routeId());
      assertEquals(2, table.findMt("13909991234").orElseThrow().userType());
      MoRouteEntry sina = table.findMo("10661234", "north").orElseThrow();
      assertEquals(new MoRouteEntry(0, "001001", "10.0.1.1", 7930, "901234", "10661234", 0, "", 0, 0, NOW), sina);
      assertEquals(2, table.mtRouteCount());
      assertEquals(4, table.moRouteCount());
   }

   @Test
   void theMoRouteDependsOnTheAskingGatewaysRegion() {
      assertEquals("001001", table.findMo("10661234", "north").orElseThrow().gatewayId(), "Tianjin gets Beijing");
      assertEquals("020001", table.findMo("10661234", "south").orElseThrow().gatewayId(), "Guangxi gets Guangzhou");
      assertEquals("001001", table.findMo("106612349999", "north").orElseThrow().gatewayId(), "extension digits");
      assertEquals(Optional.empty(), table.findMo("10661234", "east"), "no route serves the east");
      assertEquals("022001", table.findMo("10669999", "north").orElseThrow().gatewayId(), "a shorter SP_Code");
      assertEquals(Optional.empty(), table.findMo("10669999", "south"));
      assertEquals("020001", table.findMo("1065888", "east").orElseThrow().gatewayId(), "no regions: every region");
   }

   @Test
   void pagesFollowRouteIdsAndCountOnlyWhatTheRegionSees() {
      TandemRouteTable.Page<MtRouteEntry> first = table.nextMt(-1).orElseThrow();
      assertEquals(0, first.route().routeId());
      assertEquals(2, first.total());
      assertEquals(1, first.number());
      TandemRouteTable.Page<MtRouteEntry> second = table.nextMt(0).orElseThrow();
      assertEquals(1, second.route().routeId());
      assertEquals(2, second.number());
      assertEquals(Optional.empty(), table.nextMt(1));

      List<Long> north = new ArrayList<>();
      long last = -1;
      for (Optional<TandemRouteTable.Page<MoRouteEntry>> page = table.nextMo(last, "north"); page.isPresent();
           page = table.nextMo(last, "north")) {
         last = page.get().route().routeId();
         north.add(last);
         assertEquals(3, page.get().total());
         assertEquals(north.size(), page.get().number());
      }
      assertEquals(List.of(0L, 2L, 3L), north);
      assertEquals(2, table.nextMo(-1, "south").orElseThrow().total());
      assertEquals(3, table.nextMo(-1, "east").orElseThrow().route().routeId());

      assertEquals(CmppResult.GNS_OK, mt("077101", RouteUpdateType.DELETE, 0, "", "", "", "", "", 0));
      TandemRouteTable.Page<MtRouteEntry> afterDelete = table.nextMt(-1).orElseThrow();
      assertEquals(1, afterDelete.route().routeId());
      assertEquals(1, afterDelete.total());
   }

   @Test
   void mtUpdatesAreCheckedAppliedAndReported() {
      assertEquals(CmppResult.GNS_OK, mt("022001", RouteUpdateType.ADD, 0, "022001", "", "1861000", "1861999", "022", 0));
      MtRouteEntry added = table.findMt("18610001234").orElseThrow();
      assertEquals(2, added.routeId(), "the next MT id");
      assertEquals("10.0.22.1", added.gatewayIp());
      assertEquals(7931, added.gatewayPort(), "the destination's configured address");
      assertEquals(List.of(RouteUpdateType.ADD), mtChanges.stream().map(TandemRouteTable.Change::updateType).toList());
      assertTrue(mtChanges.get(0).concerns("east"), "MT changes concern every gateway");

      assertEquals(CmppResult.GNS_OK, mt("022001", RouteUpdateType.MODIFY, 2, "022001", "10.9.9.9", "1861000", "1861499", "010", 1));
      assertEquals("10.9.9.9", table.findMt("18610001234").orElseThrow().gatewayIp());
      assertEquals(Optional.empty(), table.findMt("18615001234"), "the shrunk range");

      int changes = mtChanges.size();
      assertEquals(CmppResult.GNS_BAD_UPDATE_TYPE, mt("001001", 3, 0, "001001", "", "1870000", "1870999", "", 0));
      assertEquals(CmppResult.GNS_BAD_ROUTE_ID, mt("001001", RouteUpdateType.MODIFY, 99, "001001", "", "1870000", "1870999", "", 0));
      assertEquals(CmppResult.GNS_BAD_ROUTE_ID, mt("001001", RouteUpdateType.DELETE, 99, "", "", "", "", "", 0));
      // a gateway a reload took out of the directory while it stayed connected
      assertEquals(CmppResult.GNS_BAD_DESTINATION_ID, mt("099901", RouteUpdateType.ADD, 0, "099901", "", "1870000", "1870999", "", 0));
      assertEquals(CmppResult.GNS_BAD_GATEWAY_IP, mt("001001", RouteUpdateType.ADD, 0, "001001", "10.0.0.256", "1870000", "1870999", "", 0));
      assertEquals(CmppResult.GNS_BAD_GATEWAY_IP, mt("001001", RouteUpdateType.ADD, 0, "001001", "gw.example", "1870000", "1870999", "", 0));
      assertEquals(CmppResult.GNS_BAD_START_ID, mt("001001", RouteUpdateType.ADD, 0, "001001", "", "", "1870999", "", 0));
      assertEquals(CmppResult.GNS_BAD_START_ID, mt("001001", RouteUpdateType.ADD, 0, "001001", "", "18a0000", "1870999", "", 0));
      assertEquals(CmppResult.GNS_BAD_END_ID, mt("001001", RouteUpdateType.ADD, 0, "001001", "", "1870000", "187099", "", 0));
      assertEquals(CmppResult.GNS_BAD_END_ID, mt("001001", RouteUpdateType.ADD, 0, "001001", "", "1870000", "1860000", "", 0));
      assertEquals(CmppResult.GNS_BAD_AREA_CODE, mt("001001", RouteUpdateType.ADD, 0, "001001", "", "1870000", "1870999", "07a", 0));
      assertEquals(CmppResult.GNS_BAD_USER_TYPE, mt("001001", RouteUpdateType.ADD, 0, "001001", "", "1870000", "1870999", "", 3));
      assertEquals(CmppResult.GNS_UPDATE_FAILED, mt("001001", RouteUpdateType.ADD, 0, "001001", "", "1389000", "1390000", "", 0), "overlap");
      assertEquals(changes, mtChanges.size(), "nothing refused is pushed");
      assertEquals(3, table.mtRouteCount());

      assertEquals(CmppResult.GNS_OK, mt("077101", RouteUpdateType.MODIFY, 0, "077101", "", "1380000", "1385000", "0771", 0),
                   "a route may overlap its own old range");
      assertEquals(CmppResult.GNS_OK, mt("022001", RouteUpdateType.DELETE, 2, "", "", "", "", "", 0));
      TandemRouteTable.Change<MtRouteEntry> deleted = mtChanges.get(mtChanges.size() - 1);
      assertEquals(RouteUpdateType.DELETE, deleted.updateType());
      assertEquals(2, deleted.route().routeId());
      assertEquals(Optional.empty(), table.findMt("18610001234"));
      assertEquals(CmppResult.GNS_OK, mt("001001", RouteUpdateType.ADD, 0, "001001", "", "1861000", "1861999", "", 0));
      assertEquals(3, table.findMt("18610001234").orElseThrow().routeId(), "ids are never reused");
   }

   @Test
   void moUpdatesServeTheDestinationsRegionAndNeverGiveARegionTwoAnswers() {
      TandemRouteTable.UpdateOutcome added = mo("021001", RouteUpdateType.ADD, 0, "021001", "901999", "10669999", 0, 0, 0);
      assertEquals(CmppResult.GNS_OK, added.result());
      assertEquals(4, added.routeId(), "the next MO id");
      assertEquals(NOW, added.timeStamp());
      assertEquals(Set.of("east"), moChanges.get(0).regions(), "a new route serves its destination's region");
      assertTrue(moChanges.get(0).concerns("east"));
      assertFalse(moChanges.get(0).concerns("north"));
      assertEquals("021001", table.findMo("10669999", "east").orElseThrow().gatewayId());
      // the longest SP_Code decides: 10669999 is SP 901999's, which serves the east only, not 1066's SP's
      assertEquals(Optional.empty(), table.findMo("10669999", "north"), "not the north's 1066 route");
      assertEquals("022001", table.findMo("10668888", "north").orElseThrow().gatewayId(), "north keeps its 1066 route");

      assertEquals(CmppResult.GNS_UPDATE_FAILED, mo("001001", RouteUpdateType.ADD, 0, "001001", "", "10661234", 0, 0, 0).result(),
                   "the north already has a Sina route");
      assertEquals(CmppResult.GNS_UPDATE_FAILED, mo("021001", RouteUpdateType.ADD, 0, "021001", "", "1065888", 0, 0, 0).result(),
                   "a route without regions serves the east already");
      assertEquals(CmppResult.GNS_OK, mo("021001", RouteUpdateType.ADD, 0, "021001", "", "10661234", 1, 0, 0).result(), "the east had none");
      assertEquals("021001", table.findMo("10661234", "east").orElseThrow().gatewayId());

      assertEquals(CmppResult.GNS_OK, mo("001001", RouteUpdateType.MODIFY, 0, "001001", "901234", "10661234", 1, 0, 0).result());
      assertEquals(1, table.findMo("10661234", "north").orElseThrow().accessType(), "Beijing is now a mirror");
      assertEquals(Set.of("north"), moChanges.get(moChanges.size() - 1).regions());

      assertEquals(CmppResult.GNS_BAD_SP_ID, mo("021001", RouteUpdateType.ADD, 0, "021001", "9012345", "1069", 0, 0, 0).result());
      assertEquals(CmppResult.GNS_BAD_SP_ID, mo("021001", RouteUpdateType.ADD, 0, "021001", "90a", "1069", 0, 0, 0).result());
      assertEquals(CmppResult.GNS_BAD_SP_CODE, mo("021001", RouteUpdateType.ADD, 0, "021001", "", "", 0, 0, 0).result());
      assertEquals(CmppResult.GNS_BAD_SP_CODE, mo("021001", RouteUpdateType.ADD, 0, "021001", "", "1069x", 0, 0, 0).result());
      assertEquals(CmppResult.GNS_BAD_SP_ACCESS_TYPE, mo("021001", RouteUpdateType.ADD, 0, "021001", "", "1069", 2, 0, 0).result());
      assertEquals(CmppResult.GNS_BAD_END_CODE, mo("021001", RouteUpdateType.ADD, 0, "021001", "", "1069", 0, 10, 9).result());
      assertEquals(CmppResult.GNS_BAD_DESTINATION_ID, mo("099901", RouteUpdateType.ADD, 0, "099901", "", "1069", 0, 0, 0).result());
      assertEquals(CmppResult.GNS_BAD_ROUTE_ID, mo("021001", RouteUpdateType.DELETE, 99, "", "", "", 0, 0, 0).result());
      assertEquals(CmppResult.GNS_BAD_UPDATE_TYPE, mo("021001", 5, 0, "021001", "", "1069", 0, 0, 0).result());

      assertEquals(CmppResult.GNS_OK, mo("020001", RouteUpdateType.DELETE, 1, "", "", "", 0, 0, 0).result());
      TandemRouteTable.Change<MoRouteEntry> deleted = moChanges.get(moChanges.size() - 1);
      assertEquals(Set.of("south"), deleted.regions(), "a delete is pushed where the route was seen");
      assertEquals(Optional.empty(), table.findMo("10661234", "south"));
   }

   @Test
   void aChangeCanBeUndoneWhenItCannotBeStored() {
      MtRouteEntry before = table.findMt("13800138000").orElseThrow();
      assertEquals(CmppResult.GNS_OK, mt("077101", RouteUpdateType.MODIFY, 0, "077101", "", "1380000", "1380999", "", 0));
      table.revertMt(mtChanges.get(mtChanges.size() - 1));
      assertEquals(before, table.findMt("13800138000").orElseThrow(), "a modification undone");
      assertEquals(CmppResult.GNS_OK, mt("001001", RouteUpdateType.ADD, 0, "001001", "", "1861000", "1861999", "", 0));
      table.revertMt(mtChanges.get(mtChanges.size() - 1));
      assertEquals(Optional.empty(), table.findMt("18610001234"), "an addition undone");
      assertEquals(CmppResult.GNS_OK, mt("077101", RouteUpdateType.DELETE, 0, "", "", "", "", "", 0));
      table.revertMt(mtChanges.get(mtChanges.size() - 1));
      assertEquals(before, table.findMt("13800138000").orElseThrow(), "a deletion undone");

      MoRouteEntry sina = table.findMo("10661234", "north").orElseThrow();
      assertEquals(CmppResult.GNS_OK, mo("001001", RouteUpdateType.MODIFY, 0, "001001", "901234", "10661234", 1, 0, 0).result());
      table.revertMo(moChanges.get(moChanges.size() - 1));
      assertEquals(sina, table.findMo("10661234", "north").orElseThrow());
      assertEquals(CmppResult.GNS_OK, mo("001001", RouteUpdateType.DELETE, 0, "", "", "", 0, 0, 0).result());
      table.revertMo(moChanges.get(moChanges.size() - 1));
      assertEquals(sina, table.findMo("10661234", "north").orElseThrow(), "the route serves its regions again");
      assertEquals("020001", table.findMo("10661234", "south").orElseThrow().gatewayId());
   }

   @Test
   void aGatewayChangesOnlyItsOwnRoutes() {
      MtRouteEntry guangxis = table.findMt("13800138000").orElseThrow();
      TandemRouteTable.UpdateOutcome takeover =
         mtOutcome("001001", RouteUpdateType.MODIFY, 0, "001001", "", "1380000", "1389999", "010", 0);
      assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED, takeover.result(), "Beijing may not take Guangxi's numbers");
      assertTrue(takeover.refusedAsNotOwner());
      assertTrue(takeover.notOwner().contains("077101"), takeover.notOwner());
      assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED, mt("001001", RouteUpdateType.DELETE, 0, "", "", "", "", "", 0),
                   "nor delete Guangxi's route");
      assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED,
                   mt("001001", RouteUpdateType.ADD, 0, "077101", "", "1870000", "1870999", "", 0),
                   "nor add a route in Guangxi's name");
      assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED,
                   mt("077101", RouteUpdateType.MODIFY, 0, "001001", "", "1380000", "1389999", "", 0),
                   "nor does Guangxi hand its route to Beijing");
      assertEquals(guangxis, table.findMt("13800138000").orElseThrow(), "the route is as it was");
      assertTrue(mtChanges.isEmpty(), "nothing refused is stored or pushed");

      assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED,
                   mo("022001", RouteUpdateType.MODIFY, 0, "022001", "901234", "10661234", 0, 0, 0).result(),
                   "Tianjin may not take Sina's north route from Beijing");
      assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED, mo("022001", RouteUpdateType.DELETE, 0, "", "", "", 0, 0, 0).result());
      assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED,
                   mo("022001", RouteUpdateType.ADD, 0, "021001", "", "1069", 0, 0, 0).result(), "nor add one for Shanghai");
      assertEquals("001001", table.findMo("10661234", "north").orElseThrow().gatewayId());
      assertTrue(moChanges.isEmpty());

      TandemRouteTable.UpdateOutcome own = mtOutcome("077101", RouteUpdateType.MODIFY, 0, "077101", "", "1380000", "1384999", "0771", 0);
      assertEquals(CmppResult.GNS_OK, own.result(), "Guangxi changes its own route");
      assertFalse(own.refusedAsNotOwner());
      assertEquals(CmppResult.GNS_OK, mo("001001", RouteUpdateType.DELETE, 0, "", "", "", 0, 0, 0).result(),
                   "Beijing deletes its own route");
   }
}
