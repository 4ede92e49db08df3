package io.smsgw.routing;

import io.smsgw.broker.StorageOverload;
import io.smsgw.core.config.RouteConfig;
import io.smsgw.core.contract.SmsAddresses;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

/**
 * Whether a message the gateway moves back through routing with the broker's own move ({@code Queue.moveReferences})
 * would be stored (decision 131). The move acknowledges the original whatever became of its copy: a full address under
 * DROP drops the copy and the move still succeeds, and under BLOCK or with the disk full the copy is stored past the
 * limit. The divert that routes the copy on routes a copy of its own, so the moved copy never says that its target
 * dropped it: the stores are asked before, and a message whose stores are full stays where it is for a later pass.
 */
final class MoveStorage {

   private final ActiveMQServer server;

   MoveStorage(ActiveMQServer server) {
      this.server = server;
   }

   /** Why {@code address} cannot take a message now, or null when it can (or is no address: nothing stored there). */
   StorageOverload.Cause refusal(String address) {
      PagingManager paging = server.getPagingManager();
      SimpleString name = SimpleString.of(address);
      if (server.getPostOffice().getAddressInfo(name) == null) {
         return paging.isDiskFull() ? StorageOverload.Cause.DISK : null; // looking up a store would create one
      }
      try {
         return StorageOverload.refusal(paging, paging.getPageStore(name));
      } catch (Exception e) {
         return StorageOverload.Cause.ADDRESS; // no answer: not moved now
      }
   }

   /**
    * Why an MT moved to {@code sms.mt} could not be stored: its ingress address, or the queue of a link its local route
    * {@code route} (may be null) names, is full.
    */
   StorageOverload.Cause mtRefusal(RouteConfig.MtRoute route) {
      StorageOverload.Cause cause = refusal(SmsAddresses.MT);
      if (cause != null || route == null) {
         return cause;
      }
      for (RouteConfig.WeightedLink link : route.links()) {
         cause = refusal(SmsAddresses.smscLinkQueue(link.link()));
         if (cause != null) {
            return cause;
         }
      }
      return null;
   }
}
