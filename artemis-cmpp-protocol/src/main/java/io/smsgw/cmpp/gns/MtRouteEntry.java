package io.smsgw.cmpp.gns;

import java.util.Objects;

import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.GetMtRouteResp;
import io.smsgw.cmpp.codec.MtRouteResp;
import io.smsgw.cmpp.codec.PushMtRouteUpdate;

/**
 * One MT route: numbers whose segment lies in [startId, endId] are homed at gateway {@code gatewayId}, reached
 * at {@code gatewayIp}:{@code gatewayPort} with CMPP_FWD. Start and end have the same number of digits (the
 * segment length, at most 9), e.g. "1380000".."1389999" for the 7-digit segments 138 0000 to 138 9999.
 *
 * @param routeId   assigned by the tandem gateway, numbered from 0 separately from MO routes
 * @param areaCode  province code as the provincial capital's area code, "" if not known
 * @param userType  0 GoTone, 1 Shenzhouxing, 2 M-Zone
 * @param timeStamp "yyyymmddhhmmss" of the route's last change at the tandem
 */
public record MtRouteEntry(long routeId, String gatewayId, String gatewayIp, int gatewayPort, String startId,
                           String endId, String areaCode, int userType, String timeStamp) {

   public MtRouteEntry {
      Objects.requireNonNull(gatewayId, "gatewayId");
      Objects.requireNonNull(gatewayIp, "gatewayIp");
      Objects.requireNonNull(startId, "startId");
      Objects.requireNonNull(endId, "endId");
      Objects.requireNonNull(areaCode, "areaCode");
      Objects.requireNonNull(timeStamp, "timeStamp");
   }

   /** The route an MT_ROUTE_RESP with Result 0 carries. */
   public static MtRouteEntry of(MtRouteResp resp) {
      return new MtRouteEntry(resp.routeId(), resp.destinationId(), resp.gatewayIp(), resp.gatewayPort(), resp.startId(),
                              resp.endId(), resp.areaCode(), resp.userType(), resp.timeStamp());
   }

   /** The route a GET_MT_ROUTE_RESP with Result 0 carries. */
   public static MtRouteEntry of(GetMtRouteResp resp) {
      return new MtRouteEntry(resp.routeId(), resp.destinationId(), resp.gatewayIp(), resp.gatewayPort(), resp.startId(),
                              resp.endId(), resp.areaCode(), resp.userType(), resp.timeStamp());
   }

   /** The route state a PUSH_MT_ROUTE_UPDATE announces. */
   public static MtRouteEntry of(PushMtRouteUpdate push) {
      return new MtRouteEntry(push.routeId(), push.destinationId(), push.gatewayIp(), push.gatewayPort(), push.startId(),
                              push.endId(), push.areaCode(), push.userType(), push.timeStamp());
   }

   /** Whether the ids are 1-9 digits of equal length with start <= end, so the route can be indexed. */
   public boolean hasValidSegments() {
      return MtSegmentIndex.isSegment(startId) && startId.length() == endId.length() && MtSegmentIndex.isSegment(endId)
         && startId.compareTo(endId) <= 0;
   }

   public MtRouteEntry withTimeStamp(String newTimeStamp) {
      return new MtRouteEntry(routeId, gatewayId, gatewayIp, gatewayPort, startId, endId, areaCode, userType, newTimeStamp);
   }

   public MtRouteResp toMtRouteResp(int sequenceId) {
      return new MtRouteResp(sequenceId, routeId, gatewayId, gatewayIp, gatewayPort, startId, endId, areaCode,
                             CmppResult.GNS_OK, userType, timeStamp);
   }

   /** One answer of a route download: this route is number {@code number} (from 1) of {@code total}. */
   public GetMtRouteResp toGetMtRouteResp(int sequenceId, long total, long number) {
      return new GetMtRouteResp(sequenceId, routeId, gatewayId, gatewayIp, gatewayPort, startId, endId, areaCode,
                                CmppResult.GNS_OK, userType, total, number, timeStamp);
   }

   public PushMtRouteUpdate toPush(int sequenceId, int updateType) {
      return new PushMtRouteUpdate(sequenceId, updateType, routeId, gatewayId, gatewayIp, gatewayPort, startId, endId,
                                   areaCode, userType, timeStamp);
   }
}
