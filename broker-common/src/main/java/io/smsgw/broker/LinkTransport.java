package io.smsgw.broker;

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
 * The broker-side "transport" of an outgoing link's broker session (SMSC links, CMPP_FWD links). The
 * session must outlive the link's TCP connections (messages in flight stay delivered to the link across a
 * reconnect, so parts that were already accepted are not sent twice), so it is not tied to any socket:
 * nothing is ever written here, the link writes PDUs to whichever connection is up.
 */
public final class LinkTransport implements Connection {

   private final String id;
   private final EventLoop eventLoop;
   private volatile RemotingConnection protocolConnection;
   private volatile boolean open = true;

   public LinkTransport(String id, EventLoop eventLoop) {
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

   /** The link's window, not socket buffers, limits what it takes: the broker may always hand it messages. */
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
      return "smsc-link:" + id;
   }

   @Override
   public String getLocalAddress() {
      return "smsc-link:" + id;
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
