package io.smsgw.cmpp.gns;

import java.util.Objects;

import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppRefusableRequest;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.GetMoRoute;
import io.smsgw.cmpp.codec.GetMtRoute;
import io.smsgw.cmpp.codec.MoRoute;
import io.smsgw.cmpp.codec.MoRouteUpdate;
import io.smsgw.cmpp.codec.MtRoute;
import io.smsgw.cmpp.codec.MtRouteUpdate;
import io.smsgw.cmpp.codec.PushMoRouteUpdateResp;
import io.smsgw.cmpp.codec.PushMtRouteUpdateResp;
import io.smsgw.core.config.TandemConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GNS side of one gateway's connection to the tandem: answers MT_ROUTE, MO_ROUTE, GET_MT_ROUTE and
 * GET_MO_ROUTE from the route table, applies MT/MO_ROUTE_UPDATE, and carries the pushes of every applied change
 * to this gateway while it stays connected. CONNECT, ACTIVE_TEST and TERMINATE stay with the CMPP session.
 *
 * <p>Results as protocols.md §1.12: 1 no route (also: no route after Last_route_Id, the end of a download),
 * 2 a Source_Id other than the gateway's own code, 3 a Route_type other than "MT"/"MO"; update results see
 * {@link TandemService}. Any other request is refused
 * with 2 (command error), as on an SP connection.
 */
public final class GnsSessionHandler {

   private static final Logger logger = LoggerFactory.getLogger(GnsSessionHandler.class);

   private final TandemService service;
   private final String gatewayCode;
   private final GnsPeer peer;

   GnsSessionHandler(TandemService service, String gatewayCode, GnsPeer peer) {
      this.service = service;
      this.gatewayCode = Objects.requireNonNull(gatewayCode, "gatewayCode");
      this.peer = Objects.requireNonNull(peer, "peer");
   }

   public String gatewayCode() {
      return gatewayCode;
   }

   /** Handles a PDU of the connected gateway; runs on the connection's event loop. */
   public void onPdu(CmppPdu pdu) {
      if (pdu instanceof MtRoute query) {
         peer.write(answer(query));
      } else if (pdu instanceof MoRoute query) {
         peer.write(answer(query));
      } else if (pdu instanceof GetMtRoute query) {
         peer.write(answer(query));
      } else if (pdu instanceof GetMoRoute query) {
         peer.write(answer(query));
      } else if (pdu instanceof MtRouteUpdate update) {
         // answered once applied, on disk and pushed: from the tandem's store thread
         service.updateMt(gatewayCode, update)
            .thenAccept(outcome -> peer.write(update.response(outcome.result(), outcome.routeId(), outcome.timeStamp())));
      } else if (pdu instanceof MoRouteUpdate update) {
         service.updateMo(gatewayCode, update)
            .thenAccept(outcome -> peer.write(update.response(outcome.result(), outcome.routeId(), outcome.timeStamp())));
      } else if (pdu instanceof PushMtRouteUpdateResp resp) {
         onPushAnswered(resp.result(), "MT");
      } else if (pdu instanceof PushMoRouteUpdateResp resp) {
         onPushAnswered(resp.result(), "MO");
      } else if (pdu instanceof CmppRefusableRequest request) {
         peer.write(request.errorResponse(CmppResult.COMMAND_ERROR));
      } else {
         logger.debug("Ignoring {} from gateway {}", pdu.commandName(), gatewayCode);
      }
   }

   /**
    * A PDU read while the tandem's broker stops and this session waits for the gateway's TERMINATE_RESP: route queries
    * are answered from the table as before (they only read it), an update gets Result 9, system busy: the gateway learns
    * at once that the change was not taken (not written, not pushed) and can send it again after the restart, instead of
    * waiting for an answer that never comes.
    */
   public void onPduWhileStopping(CmppPdu pdu) {
      if (pdu instanceof MtRouteUpdate update) {
         peer.write(update.errorResponse(CmppResult.GNS_BUSY));
      } else if (pdu instanceof MoRouteUpdate update) {
         peer.write(update.errorResponse(CmppResult.GNS_BUSY));
      } else {
         onPdu(pdu);
      }
   }

   /** Stops the pushes; called when the connection closes. */
   public void close() {
      service.close(this);
   }

   /** The gateway's region in the configuration in force; null once it is no longer configured. */
   String region() {
      TandemConfig.Gateway gateway = service.gateway(gatewayCode);
      return gateway == null ? null : gateway.region();
   }

   int nextSequence() {
      return peer.nextSequence();
   }

   /** Queued behind earlier pushes on the connection's event loop, so the gateway sees changes in their order. */
   void push(CmppPdu pdu) {
      peer.execute(() -> peer.write(pdu));
   }

   private CmppPdu answer(MtRoute query) {
      if (!query.sourceId().equals(gatewayCode)) {
         return query.errorResponse(CmppResult.GNS_BAD_SOURCE_ID);
      }
      return service.table().findMt(query.terminalId())
         .<CmppPdu>map(route -> route.toMtRouteResp(query.sequenceId()))
         .orElseGet(() -> query.errorResponse(CmppResult.GNS_NO_ROUTE));
   }

   private CmppPdu answer(MoRoute query) {
      String region = region();
      if (!query.sourceId().equals(gatewayCode) || region == null) {
         return query.errorResponse(CmppResult.GNS_BAD_SOURCE_ID);
      }
      return service.table().findMo(query.spCode(), region)
         .<CmppPdu>map(route -> route.toMoRouteResp(query.sequenceId()))
         .orElseGet(() -> query.errorResponse(CmppResult.GNS_NO_ROUTE));
   }

   private CmppPdu answer(GetMtRoute query) {
      if (!query.sourceId().equals(gatewayCode)) {
         return query.errorResponse(CmppResult.GNS_BAD_SOURCE_ID);
      }
      if (!query.routeType().equalsIgnoreCase("MT")) {
         return query.errorResponse(CmppResult.GNS_BAD_ROUTE_TYPE);
      }
      return service.table().nextMt(query.lastRouteId())
         .<CmppPdu>map(page -> page.route().toGetMtRouteResp(query.sequenceId(), page.total(), page.number()))
         .orElseGet(() -> query.errorResponse(CmppResult.GNS_NO_ROUTE));
   }

   private CmppPdu answer(GetMoRoute query) {
      String region = region();
      if (!query.sourceId().equals(gatewayCode) || region == null) {
         return query.errorResponse(CmppResult.GNS_BAD_SOURCE_ID);
      }
      if (!query.routeType().equalsIgnoreCase("MO")) {
         return query.errorResponse(CmppResult.GNS_BAD_ROUTE_TYPE);
      }
      return service.table().nextMo(query.lastRouteId(), region)
         .<CmppPdu>map(page -> page.route().toGetMoRouteResp(query.sequenceId(), page.total(), page.number()))
         .orElseGet(() -> query.errorResponse(CmppResult.GNS_NO_ROUTE));
   }

   private void onPushAnswered(int result, String kind) {
      if (result != CmppResult.GNS_OK) {
         logger.info("Gateway {} answered a PUSH_{}_ROUTE_UPDATE with Result {}", gatewayCode, kind, result);
      }
   }
}
