package io.smsgw.smpp.server;

import java.util.ArrayList;
import java.util.List;

import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.core.remoting.FailureListener;
import org.apache.activemq.artemis.spi.core.protocol.AbstractRemotingConnection;
import org.apache.activemq.artemis.spi.core.remoting.Connection;

/**
 * The broker's view of one SMPP TCP connection: what {@code listConnections} and the console show
 * (protocol SMPP, client id = the bound system_id). The protocol work happens in {@link SmppSession}.
 */
public final class SmppConnection extends AbstractRemotingConnection {

   public static final String PROTOCOL_NAME = "SMPP";

   public SmppConnection(Connection transportConnection) {
      super(transportConnection, null);
   }

   /** Called for every frame received, heartbeats included, so the broker's TTL check sees a live peer. */
   void markDataReceived() {
      dataReceived = true;
   }

   @Override
   public String getProtocolName() {
      return PROTOCOL_NAME;
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
      // Bytes never arrive here: the Netty pipeline decodes PDUs and hands them to SmppChannelHandler.
   }
}
