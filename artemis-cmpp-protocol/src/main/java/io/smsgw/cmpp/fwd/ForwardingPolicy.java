package io.smsgw.cmpp.fwd;

import io.smsgw.cmpp.codec.Fwd;

/**
 * Decides whether a FWD received from a peer gateway is one this gateway should take: an MT for a number it
 * serves, an MO for an SP it serves, a report of a message it sent. A refused FWD is answered with FWD_RESP
 * Result 9 ("wrong forwarding decision") and nothing is stored. Called on the connection's event loop, once per
 * FWD: implementations must answer from memory, quickly, and be thread-safe (several peers call at once).
 *
 * <p>By default {@link FwdPeers} asks the runtime's protocol-neutral
 * {@link io.smsgw.core.runtime.IncomingForwardPolicy}, which the routing plugin installs (accept-all without it);
 * {@code FwdPeers.of(GatewayRuntime.of(server)).setPolicy(...)} overrides it.
 */
@FunctionalInterface
public interface ForwardingPolicy {

   /** Accepts every FWD. */
   ForwardingPolicy ACCEPT_ALL = (fromGateway, fwd) -> true;

   /**
    * @param fromGateway the peer's gateway code (its CONNECT Source_Addr)
    * @param fwd         the decoded FWD; Msg_Fwd_Type tells MT (0), MO (1), MT report (2), MO report (3)
    * @return true to store it and answer Result 0, false to answer Result 9
    */
   boolean accepts(String fromGateway, Fwd fwd);
}
