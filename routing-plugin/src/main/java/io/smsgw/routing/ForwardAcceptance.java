package io.smsgw.routing;

import java.util.Optional;

import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.runtime.IncomingForwardPolicy;
import io.smsgw.core.runtime.NetworkRoutes;

/**
 * The routing plugin's answer to "should this gateway take what a peer forwards?" (a refusal is CMPP_FWD
 * Result 9, nothing stored). From memory only, as it runs on the connection's event loop:
 * <ul>
 *   <li>an MT when a local SMSC route covers the recipient, or the network's route (already known) names another
 *       configured peer and one more hop stays within {@code gateway.max-hops};</li>
 *   <li>an MO when a local account serves the service number, or it can be routed on likewise;</li>
 *   <li>a report on an MT: always here; the forward records then take it only from the peer the MT was handed to;</li>
 *   <li>a report on an MO when its message was issued here (its Msg_Id names this gateway), or by a configured peer it
 *       can be routed back to within the hop limit.</li>
 * </ul>
 * A route the tandem has not been asked for yet is refused, and asked for, so the peer's retry finds it known.
 */
final class ForwardAcceptance implements IncomingForwardPolicy {

   private final SmsRouter router;

   ForwardAcceptance(SmsRouter router) {
      this.router = router;
   }

   @Override
   public boolean accepts(Forward forward) {
      GatewayConfig config = router.runtime().config();
      if (config == null) {
         return false;
      }
      boolean oneMoreHop = forward.nodesCount() + 1 <= config.maxHops();
      return switch (forward.kind()) {
         case MT -> router.linkFor(forward.recipient(), null) != null
            || oneMoreHop && routesOn(config, forward, true);
         case MO -> router.table().mo(forward.recipient()) != null
            || oneMoreHop && routesOn(config, forward, false);
         // A report on an MT is checked against the forward records next, which know whether this gateway handed
         // that MT to the sender, whoever issued its id (an application's own id, this gateway's code before a change).
         case DR -> !forward.reportOfMo() || CmppMsgId.issuingGateway(forward.smsId())
            .map(issuer -> issuer.equals(config.code())
               || oneMoreHop && !issuer.equals(forward.fromGateway()) && config.peers().containsKey(issuer))
            .orElse(false);
      };
   }

   private boolean routesOn(GatewayConfig config, Forward forward, boolean mt) {
      Optional<NetworkRoutes> routes = router.network().routes();
      if (routes == null || routes.isEmpty() || forward.recipient().isEmpty()) {
         return false;
      }
      NetworkRoutes network = routes.get();
      return NetworkRouting.knownPeer(mt ? network.mtGateway(forward.recipient()) : network.moGateway(forward.recipient()),
                                      config, forward.fromGateway()).isPresent();
   }
}
