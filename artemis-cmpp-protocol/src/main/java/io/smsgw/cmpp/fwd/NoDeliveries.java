package io.smsgw.cmpp.fwd;

import io.smsgw.broker.AbstractSessionCallback;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.spi.core.remoting.ReadyListener;

/** Session callback of a broker session that only produces (a peer's incoming FWD session): it has no consumer. */
final class NoDeliveries extends AbstractSessionCallback {

   @Override
   public boolean hasCredits(ServerConsumer consumer) {
      return false;
   }

   @Override
   public int sendMessage(MessageReference ref, ServerConsumer consumer, int deliveryCount) {
      return 0;
   }

   @Override
   public boolean isWritable(ReadyListener callback, Object protocolContext) {
      return true;
   }

   @Override
   public void disconnect(ServerConsumer consumer, String errorMessage) {
   }
}
