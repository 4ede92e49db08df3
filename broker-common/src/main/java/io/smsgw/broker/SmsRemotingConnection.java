package io.smsgw.broker;

import java.util.ArrayList;
import java.util.List;

import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.core.remoting.FailureListener;
import org.apache.activemq.artemis.spi.core.protocol.AbstractRemotingConnection;
import org.apache.activemq.artemis.spi.core.remoting.Connection;

/**
 * The broker's view of one SMPP or CMPP TCP connection: what {@code listConnections} and the console show
 * (protocol name, client id = the bound account). The protocol work happens in the protocol's session.
 */
public final class SmsRemotingConnection extends AbstractRemotingConnection {

   private final String protocolName;

   public SmsRemotingConnection(Connection transportConnection, String protocolName) {
      super(transportConnection, null);
      this.protocolName = protocolName;
   }

   /** Called for every frame received, heartbeats included, so the broker's TTL check sees a live peer. */
   public void markDataReceived() {
      dataReceived = true;
   }

   @Override
   public String getProtocolName() {
      return protocolName;
   }

   @Override
   public void fail(ActiveMQException me) {
      fail(me, null);
   }

   @Override
   public void fail(ActiveMQException me, String scaleDownTargetNodeID) {
      // Failure listeners include the broker session: closing it puts unacknowledged deliveries back.
      List<FailureListener> copy = new ArrayList<>(failureListeners);
      for (FailureListener listener : copy) {
         listener.connectionFailed(me, false);
      }
      transportConnection.close();
   }

   @Override
   public void destroy() {
      disconnect(false);
   }

   @Override
   public void disconnect(boolean criticalError) {
      transportConnection.forceClose();
   }

   @Override
   public void disconnect(String scaleDownNodeID, boolean criticalError) {
      transportConnection.forceClose();
   }

   @Override
   public void flush() {
      transportConnection.checkFlushBatchBuffer();
   }

   @Override
   public void bufferReceived(Object connectionID, ActiveMQBuffer buffer) {
      // Bytes never arrive here: the protocol's Netty pipeline decodes PDUs itself.
   }
}
