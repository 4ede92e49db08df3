package io.smsgw.cmpp.fwd;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ActiveMQBuffers;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.security.ActiveMQPrincipal;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.remoting.Connection;
import org.apache.activemq.artemis.spi.core.remoting.ReadyListener;

/**
 * The broker-side connection under a FWD link's broker session. That session lives as long as the link, across
 * its TCP connections to the peer (FWDs in flight stay taken from {@code sms.gw.<peer>} while it reconnects), so
 * it is tied to no socket and nothing is ever written here: the link writes FWDs to its current peer connection.
 */
final class FwdLinkTransport implements Connection {

   private final String id;
   private final EventLoop eventLoop;
   private volatile RemotingConnection protocolConnection;
   private volatile boolean open = true;

   FwdLinkTransport(String id, EventLoop eventLoop) {
      this.id = id;
      this.eventLoop = eventLoop;
   }

   @Override
   public ActiveMQBuffer createTransportBuffer(int size) {
      return ActiveMQBuffers.dynamicBuffer(size);
   }

   @Override
   public RemotingConnection getProtocolConnection() {
      return protocolConnection;
   }

   @Override
   public void setProtocolConnection(RemotingConnection connection) {
      this.protocolConnection = connection;
   }

   /** The link's window limits what it takes, not a socket: the broker may always hand it messages. */
   @Override
   public boolean isWritable(ReadyListener listener) {
      return true;
   }

   @Override
   public boolean isOpen() {
      return open;
   }

   @Override
   public void fireReady(boolean ready) {
   }

   @Override
   public void setAutoRead(boolean autoRead) {
   }

   @Override
   public Object getID() {
      return id;
   }

   @Override
   public EventLoop getEventLoop() {
      return eventLoop;
   }

   @Override
   public void write(ActiveMQBuffer buffer, boolean requestFlush) {
   }

   @Override
   public void write(ActiveMQBuffer buffer, boolean flush, boolean batched) {
   }

   @Override
   public void write(ActiveMQBuffer buffer, boolean flush, boolean batched, ChannelFutureListener futureListener) {
   }

   @Override
   public void write(ActiveMQBuffer buffer) {
   }

   @Override
   public void forceClose() {
      open = false;
   }

   @Override
   public void close() {
      open = false;
   }

   @Override
   public String getRemoteAddress() {
      return "fwd-link:" + id;
   }

   @Override
   public String getLocalAddress() {
      return "fwd-link:" + id;
   }

   @Override
   public void checkFlushBatchBuffer() {
   }

   @Override
   public TransportConfiguration getConnectorConfig() {
      return null;
   }

   @Override
   public boolean isDirectDeliver() {
      return false;
   }

   @Override
   public ActiveMQPrincipal getDefaultActiveMQPrincipal() {
      return null;
   }

   @Override
   public boolean isUsingProtocolHandling() {
      return false;
   }

   @Override
   public boolean isSameTarget(TransportConfiguration... configs) {
      return false;
   }
}
