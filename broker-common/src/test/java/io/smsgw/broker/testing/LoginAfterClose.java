package io.smsgw.broker.testing;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.netty.channel.Channel;
import io.smsgw.broker.SmsRemotingConnection;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQInternalErrorException;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnection;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerConnectionPlugin;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerSessionPlugin;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.protocol.SessionCallback;

/**
 * A broker plugin that makes a protocol's login do its broker work only after the client's socket is closed and the
 * session heard of it (its channelInactive has run), as happens now and then when a client drops right after its bind
 * or CONNECT: at each new connection it puts a task on the connection's ordered broker executor that waits for that,
 * so the login's work, queued there behind it, starts only then. With {@code fail} the broker session's creation
 * then throws, as a failure inside the broker would.
 */
public final class LoginAfterClose implements ActiveMQServerConnectionPlugin, ActiveMQServerSessionPlugin {

   private final String protocol;
   private final boolean fail;
   private final AtomicInteger logins = new AtomicInteger();
   private volatile boolean timedOut;
   private volatile boolean disabled;

   public LoginAfterClose(String protocol, boolean fail) {
      this.protocol = protocol;
      this.fail = fail;
   }

   @Override
   public void afterCreateConnection(RemotingConnection connection) {
      if (disabled || !protocol.equals(connection.getProtocolName())
             || !(connection instanceof SmsRemotingConnection sms)) {
         return;
      }
      Channel channel = ((NettyConnection) connection.getTransportConnection()).getChannel();
      sms.executor().execute(() -> {
         long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
         // Deregistered after channelInactive has run: the session's close is done.
         while (channel.isOpen() || channel.isRegistered()) {
            if (System.nanoTime() > deadline) {
               timedOut = true;
               return;
            }
            LockSupport.parkNanos(1_000_000); // a poll on the broker executor, test only
         }
      });
   }

   @Override
   public void beforeCreateSession(String name, String username, int minLargeMessageSize, RemotingConnection connection,
                                   boolean autoCommitSends, boolean autoCommitAcks, boolean preAcknowledge, boolean xa,
                                   String defaultAddress, SessionCallback callback, boolean autoCreateQueues,
                                   OperationContext context, Map<SimpleString, RoutingType> prefixes) throws ActiveMQException {
      if (disabled || !protocol.equals(connection.getProtocolName())) {
         return;
      }
      logins.incrementAndGet();
      if (fail) {
         throw new ActiveMQInternalErrorException("refused by the test after the socket closed");
      }
   }

   /** Lets later connections through untouched. */
   public void disable() {
      disabled = true;
   }

   /** Logins whose broker session was created (or refused) after their socket closed, so far. */
   public int logins() {
      return logins.get();
   }

   /** Throws if a socket stayed open for 10 s while its login was held. */
   public void check() {
      if (timedOut) {
         throw new AssertionError("a socket stayed open for 10 s while its login was held");
      }
   }
}
