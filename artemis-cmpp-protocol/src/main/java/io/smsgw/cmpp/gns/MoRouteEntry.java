package io.smsgw.cmpp.gns;

import java.util.Objects;

import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.GetMoRouteResp;
import io.smsgw.cmpp.codec.MoRouteResp;
import io.smsgw.cmpp.codec.PushMoRouteUpdate;

/**
 * One MO route as an asking gateway sees it: MO for {@code spCode} (and longer numbers starting with it) go to
 * gateway {@code gatewayId} at {@code gatewayIp}:{@code gatewayPort} with CMPP_FWD. Which route a gateway is
 * given depends on its region; that choice is the tandem's, so the route itself carries no region.
 *
 * @param routeId    assigned by the tandem gateway, numbered from 0 separately from MT routes
 * @param accessType 0: the gateway is the SP's primary access point, 1: a mirror
 * @param startCode  Start_code, carried as given (unused by routing)
 * @param endCode    End_code, carried as given (unused by routing)
 * @param timeStamp  "yyyymmddhhmmss" of the route's last change at the tandem
 */
public record MoRouteEntry(long routeId, String gatewayId, String gatewayIp, int gatewayPort, String spId, String spCode,
                           int accessType, String serviceId, long startCode, long endCode, String timeStamp) {

   public MoRouteEntry {
      Objects.requireNonNull(gatewayId, "gatewayId");
      Objects.requireNonNull(gatewayIp, "gatewayIp");
      Objects.requireNonNull(spId, "spId");
      Objects.requireNonNull(spCode, "spCode");
      Objects.requireNonNull(serviceId, "serviceId");
      Objects.requireNonNull(timeStamp, "timeStamp");
   }

   /** The route an MO_ROUTE_RESP with Result 0 carries (the response has no Service_Id). */
   public static MoRouteEntry of(MoRouteResp resp) {
      return new MoRouteEntry(resp.routeId(), resp.destinationId(), resp.gatewayIp(), resp.gatewayPort(), resp.spId(),
                              resp.spCode(), resp.spAccessType(), "", resp.startCode(), resp.endCode(), resp.timeStamp());
   }

   /** The route a GET_MO_ROUTE_RESP with Result 0 carries. */
   public static MoRouteEntry of(GetMoRouteResp resp) {
      return new MoRouteEntry(resp.routeId(), resp.destinationId(), resp.gatewayIp(), resp.gatewayPort(), resp.spId(),
                              resp.spCode(), resp.spAccessType(), resp.serviceId(), resp.startCode(), resp.endCode(),
                              resp.timeStamp());
   }

   /** The route state a PUSH_MO_ROUTE_UPDATE announces. */
   public static MoRouteEntry of(PushMoRouteUpdate push) {
      return new MoRouteEntry(push.routeId(), push.destinationId(), push.gatewayIp(), push.gatewayPort(), push.spId(),
                              push.spCode(), push.spAccessType(), push.serviceId(), push.startCode(), push.endCode(),
                              push.timeStamp());
   }

   /** Whether an SP_Code (or a longer service number) starts with this route's SP_Code. */
   public boolean covers(String serviceNumber) {
      return !spCode.isEmpty() && serviceNumber.startsWith(spCode);
   }

   public MoRouteEntry withTimeStamp(String newTimeStamp) {
      return new MoRouteEntry(routeId, gatewayId, gatewayIp, gatewayPort, spId, spCode, accessType, serviceId, startCode,
                              endCode, newTimeStamp);
   }

   public MoRouteResp toMoRouteResp(int sequenceId) {
      return new MoRouteResp(sequenceId, routeId, gatewayId, gatewayIp, gatewayPort, spId, spCode, accessType, startCode,
                             endCode, CmppResult.GNS_OK, timeStamp);
   }

   /** One answer of a route download: this route is number {@code number} (from 1) of {@code total}. */
   public GetMoRouteResp toGetMoRouteResp(int sequenceId, long total, long number) {
      return new GetMoRouteResp(sequenceId, routeId, gatewayId, gatewayIp, gatewayPort, spId, spCode, accessType,
                                serviceId, startCode, endCode, CmppResult.GNS_OK, total, number, timeStamp);
   }

   public PushMoRouteUpdate toPush(int sequenceId, int updateType) {
      return new PushMoRouteUpdate(sequenceId, updateType, routeId, gatewayId, gatewayIp, gatewayPort, spId, spCode,
                                   accessType, serviceId, startCode, endCode, timeStamp);
   }
}
