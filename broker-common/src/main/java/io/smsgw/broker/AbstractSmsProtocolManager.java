package io.smsgw.broker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.BaseInterceptor;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyServerConnection;
import org.apache.activemq.artemis.core.server.routing.RoutingHandler;
import org.apache.activemq.artemis.spi.core.protocol.AbstractProtocolManager;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManagerFactory;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;

/**
 * What the SMPP and CMPP protocol managers share: the admin's interceptors, the parts of the protocol SPI a
 * Netty-codec protocol does not use, and taking every connection when the acceptor serves this protocol
 * alone (so malformed first bytes get a protocol answer or a close instead of a socket Artemis leaves
 * hanging). Subclasses add their pipeline, connection entry and acceptor parameters.
 *
 * @param <P> the protocol's PDU type
 * @param <I> its interceptor type
 */
public abstract class AbstractSmsProtocolManager<P, I extends BaseInterceptor<P>>
   extends AbstractProtocolManager<P, I, SmsRemotingConnection, RoutingHandler> {

   private final ProtocolManagerFactory<I> factory;
   private final List<I> incomingInterceptors = new CopyOnWriteArrayList<>();
   private final List<I> outgoingInterceptors = new CopyOnWriteArrayList<>();
   private String protocols = "";

   protected AbstractSmsProtocolManager(ProtocolManagerFactory<I> factory, List<BaseInterceptor> incoming,
                                        List<BaseInterceptor> outgoing) {
      this.factory = factory;
      updateInterceptors(incoming, outgoing);
   }

   /** The protocol's name as in {@code protocols=}. */
   protected abstract String protocolName();

   // Failed-login penalties (decision 99), set through each protocol's own acceptor parameters (smppAuthFailure*,
   // cmppAuthFailure*), whose setters call these.
   private int authFailureLimit = 5;
   private long authFailureWindow = 60_000;
   private long authFailureDelay = 1_000;
   /** Created at the first login, once the acceptor's parameters are set. */
   private volatile LoginPenalties loginPenalties;

   protected final int authFailureLimit() {
      return authFailureLimit;
   }

   protected final void authFailureLimit(int limit) {
      this.authFailureLimit = Math.max(0, limit);
   }

   protected final long authFailureWindow() {
      return authFailureWindow;
   }

   protected final void authFailureWindow(long window) {
      this.authFailureWindow = Math.max(1, window);
   }

   protected final long authFailureDelay() {
      return authFailureDelay;
   }

   protected final void authFailureDelay(long delay) {
      this.authFailureDelay = Math.max(1, delay);
   }

   /** Logins refused late or unchecked because of failed-login penalties since the start. */
   protected final long authFailuresPenalized() {
      LoginPenalties penalties = loginPenalties;
      return penalties == null ? 0 : penalties.refused();
   }

   /** Forgets every failed-login count and penalty of this acceptor. */
   protected final void clearAuthFailurePenalties() {
      LoginPenalties penalties = loginPenalties;
      if (penalties != null) {
         penalties.clear();
      }
   }

   // Connections not logged in yet per client address (smppMaxUnboundPerAddress / cmppMaxUnconnectedPerAddress).
   private volatile int maxPreLoginPerAddress = 16;
   private final PreLoginConnections preLogin = new PreLoginConnections();

   protected final int maxPreLoginPerAddress() {
      return maxPreLoginPerAddress;
   }

   protected final void maxPreLoginPerAddress(int max) {
      this.maxPreLoginPerAddress = Math.max(0, max);
   }

   /**
    * A new connection from {@code address}, before its session does anything: whether it may stay. Over the acceptor's
    * limit of connections not logged in from the address, it is counted as a failed login of the address (no account)
    * and logged through the per-address line limit; the caller closes it at once and leaves it uncounted
    * ({@link #leftPreLogin} is not to be called for it). {@code parameter} names the limit for the log.
    */
   public final boolean admitPreLogin(java.net.InetAddress address, String parameter) {
      int max = maxPreLoginPerAddress;
      if (preLogin.opened(address, max)) {
         return true;
      }
      LoginPenalties penalties = loginPenalties();
      penalties.failed(address, null);
      if (penalties.lines().admit("connection over " + parameter, address)) {
         org.slf4j.LoggerFactory.getLogger(getClass()).warn(
            "Closing {} connection from {} at once: {} connections from the address have not logged in yet ({}={}); "
               + "each such connection counts as a failed login", protocolName(), address == null ? "?" : address.getHostAddress(),
            max, parameter, max);
      }
      return false;
   }

   /** {@link #admitPreLogin} for a new session, as the place it holds until {@link PreLoginSlot#release}. */
   public final PreLoginSlot takePreLogin(java.net.InetAddress address, String parameter) {
      return new PreLoginSlot(this, address, admitPreLogin(address, parameter));
   }

   /** A connection {@link #admitPreLogin} let stay logged in or closed: once per connection. */
   final void leftPreLogin(java.net.InetAddress address) {
      preLogin.left(address);
   }

   /** The connections from {@code address} (its /64 for IPv6) not logged in now. */
   public final int preLoginConnections(java.net.InetAddress address) {
      return preLogin.count(address);
   }

   /** This acceptor's failed-login penalties, for its sessions' logins. */
   public final LoginPenalties loginPenalties() {
      LoginPenalties penalties = loginPenalties;
      if (penalties == null) {
         synchronized (this) {
            penalties = loginPenalties;
            if (penalties == null) {
               penalties = new LoginPenalties(protocolName(), authFailureLimit, authFailureWindow, authFailureDelay,
                                              org.slf4j.LoggerFactory.getLogger(getClass()));
               loginPenalties = penalties;
            }
         }
      }
      return penalties;
   }

   @Override
   public ProtocolManagerFactory<I> getFactory() {
      return factory;
   }

   @Override
   public void updateInterceptors(List<BaseInterceptor> incoming, List<BaseInterceptor> outgoing) {
      incomingInterceptors.clear();
      incomingInterceptors.addAll(factory.filterInterceptors(incoming));
      outgoingInterceptors.clear();
      outgoingInterceptors.addAll(factory.filterInterceptors(outgoing));
   }

   /** The class name of the incoming interceptor that vetoed the PDU, or null. */
   public String invokeIncoming(P pdu, SmsRemotingConnection connection) {
      return incomingInterceptors.isEmpty() ? null : invokeInterceptors(incomingInterceptors, pdu, connection);
   }

   /** The class name of the outgoing interceptor that vetoed the PDU, or null. */
   public String invokeOutgoing(P pdu, SmsRemotingConnection connection) {
      return outgoingInterceptors.isEmpty() ? null : invokeInterceptors(outgoingInterceptors, pdu, connection);
   }

   @Override
   public void handleBuffer(RemotingConnection connection, ActiveMQBuffer buffer) {
      // Not used: the protocol's pipeline consumes every byte.
   }

   @Override
   public void handshake(NettyServerConnection connection, ActiveMQBuffer buffer) {
   }

   @Override
   public List<String> websocketSubprotocolIdentifiers() {
      return List.of();
   }

   @Override
   public RoutingHandler getRoutingHandler() {
      return null;
   }

   /** Only on an acceptor that serves this protocol alone; never where it would compete with others. */
   @Override
   public boolean acceptsNoHandshake() {
      return Acceptors.isOnly(protocols, protocolName());
   }

   /** The broker passes the acceptor's protocol list as a parameter too; it tells whether we are alone. */
   public String getProtocols() {
      return protocols;
   }

   public void setProtocols(String protocols) {
      this.protocols = protocols == null ? "" : protocols;
   }
}
