package io.smsgw.routing;

import io.smsgw.broker.StorageOverload;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

/**
 * Whether the store of an address a moved message is routed to can take it now (decision 131), asked by
 * {@link RoutedMove} before it stores each copy: under BLOCK or with the disk full the broker would store a copy routed
 * on the server side past the limit, and a DROP or FAIL address refuses it anyway. A DROP address that fills after this
 * question is seen after the copy is routed ({@code Message.isDropped}).
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
}
