package io.smsgw.core.runtime;

import io.smsgw.core.contract.SmsKind;

/**
 * Decides whether a message another gateway forwards to this one is one this gateway should take (an MT it can
 * deliver or route on, an MO for an SP it serves or can route on, a report it can bring home). A refused message
 * is answered as a wrong forwarding decision and nothing is stored. Protocol-neutral, so the routing plugin can
 * install one without depending on a protocol module; the CMPP_FWD acceptor asks it for each FWD.
 *
 * <p>Called on a connection's event loop: implementations answer from memory, quickly, thread-safe.
 */
@FunctionalInterface
public interface IncomingForwardPolicy {

   /** Accepts everything (no routing plugin installed). */
   IncomingForwardPolicy ACCEPT_ALL = forward -> true;

   boolean accepts(Forward forward);

   /**
    * One forwarded message as the policy sees it.
    *
    * @param fromGateway the sending peer's gateway code
    * @param kind        MT, MO or DR
    * @param reportOfMo  for a DR: it reports on an MO (not on an MT)
    * @param recipient   the MT's handset, the MO's service number, the report's recipient
    * @param smsId       the message id (for a report: the id of the message it reports on), 16 hex digits
    * @param nodesCount  gateways the message has traversed, the sender included
    */
   record Forward(String fromGateway, SmsKind kind, boolean reportOfMo, String recipient, String smsId, int nodesCount) {
   }
}
