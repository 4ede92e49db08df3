package io.smsgw.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.netty.channel.EventLoop;
import io.netty.util.internal.ThreadExecutorMap;

import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.core.remoting.FailureListener;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.spi.core.protocol.AbstractRemotingConnection;
import org.apache.activemq.artemis.spi.core.remoting.Connection;
import org.apache.activemq.artemis.utils.actors.ArtemisExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's view of one SMPP or CMPP TCP connection: what {@code listConnections} and the console show
 * (protocol name, client id = the bound account). The protocol work happens in the protocol's session.
 */
public final class SmsRemotingConnection extends AbstractRemotingConnection {

   private static final Logger logger = LoggerFactory.getLogger(SmsRemotingConnection.class);

   private final String protocolName;
   /** The session's ordered broker executor, where every failure of this connection runs; null: where it is called. */
   private final ArtemisExecutor executor;

   /** A connection failed where {@link #fail} is called (a link's internal connection, which the broker never fails). */
   public SmsRemotingConnection(Connection transportConnection, String protocolName) {
      this(transportConnection, protocolName, null);
   }

   /**
    * A connection whose failures all run on {@code executor}, the ordered broker executor its session creates its
    * broker session and consumer on ({@link #fail}).
    */
   public SmsRemotingConnection(Connection transportConnection, String protocolName, ArtemisExecutor executor) {
      super(transportConnection, null);
      this.protocolName = protocolName;
      this.executor = executor;
   }

   /** The ordered broker executor of this connection's session (null for a link's connection). */
   public ArtemisExecutor executor() {
      return executor;
   }

   /** Called for every frame received, heartbeats included, so the broker's TTL check sees a live peer. */
   public void markDataReceived() {
      dataReceived = true;
   }

   /**
    * The gateway applies flow control itself (DurableSender refuses a send the storage cannot take, the acceptors
    * stop reading until it frees space; decision 131). Without this, a send while the disk is over max-disk-usage
    * made the broker fail the whole connection (ServerSessionImpl.send).
    */
   @Override
   public boolean isSupportsFlowControl() {
      return true;
   }

   @Override
   public String getProtocolName() {
      return protocolName;
   }

   @Override
   public void fail(ActiveMQException me) {
      fail(me, null);
   }

   /**
    * Runs the failure on the session's ordered executor. The broker fails a connection on a thread of its own (its
    * acceptor's listener when the socket closes, its TTL check, management), and its session closes its consumers
    * there: while the login's broker work was creating the account queue's consumer on the session's executor, that
    * close could land between Artemis registering the consumer and announcing it (ServerSessionImpl.createConsumer
    * sends CONSUMER_CREATED outside the session's lock), so its CONSUMER_CLOSED came first and the broker logged
    * AMQ224095, its per-queue consumer count (PostOffice's QueueInfo) left one too high for good. Queued behind the
    * login's work, the failure finds the consumer created and announced, or finds no session yet (the session then
    * closes itself as orphaned). A refusing executor (a stopping broker) leaves it on the calling thread.
    */
   @Override
   public void fail(ActiveMQException me, String scaleDownTargetNodeID) {
      if (executor == null) {
         failNow(me);
         return;
      }
      try {
         executor.execute(() -> failNow(me));
      } catch (RejectedExecutionException e) {
         failNow(me);
      }
   }

   private void failNow(ActiveMQException me) {
      assert !(ThreadExecutorMap.currentExecutor() instanceof EventLoop) : "connection failed on an event loop (see failOn)";
      // The socket closed (the client dropped it, or the gateway closed it after logging why): an ordinary end for an
      // SMPP or CMPP client. Artemis' own session failure would log the WARN pair AMQ222061 / AMQ222107 naming only the
      // session's UUID; the session logs its own line naming the account and address instead.
      boolean disconnected = me.getType() == ActiveMQExceptionType.REMOTE_DISCONNECT;
      // Failure listeners include the broker session: closing it puts unacknowledged deliveries back.
      List<FailureListener> copy = new ArrayList<>(failureListeners);
      for (FailureListener listener : copy) {
         if (disconnected && listener instanceof ServerSession session) {
            closeAsFailed(session);
         } else {
            listener.connectionFailed(me, false);
         }
      }
      transportConnection.close();
   }

   /** What the session's own connectionFailed does (a close as failed), without its warnings. */
   private static void closeAsFailed(ServerSession session) {
      try {
         session.close(true);
      } catch (Exception e) {
         logger.warn("Closing the broker session {} of a closed connection failed", session.getName(), e);
      }
   }

   /**
    * Fails the connection on {@code executor} (the session's ordered broker executor), never on the event loop that
    * saw it close: failing closes the broker session, and closing its consumer waits for a hand-over in progress
    * (Artemis' {@code ServerConsumerImpl.setStarted(false)}, up to 30 s), while that event loop also serves other
    * connections. Artemis runs its own connection failures on a pool thread too. An executor that refuses (a stopping
    * broker) is passed over: the broker closes every session itself before its pool stops.
    */
   public void failOn(Executor executor, ActiveMQException reason) {
      try {
         executor.execute(() -> failNow(reason));
      } catch (RejectedExecutionException e) {
         logger.debug("Broker stopping; it closes the session of {} itself", getRemoteAddress());
      }
   }

   /**
    * Stops the session's consumers on {@code executor}, for the same reason as {@link #failOn}: the stop waits for a
    * hand-over in progress. A close given to the same ordered executor afterwards runs after it.
    */
   public static void stopOn(ServerSession session, Executor executor) {
      executor.execute(() -> {
         try {
            session.stop();
         } catch (RuntimeException e) {
            logger.debug("Stopping the broker session of a connection that is ending", e);
         }
      });
   }

   /**
    * Closes the session cleanly on {@code executor} (the close waits for a hand-over in progress, as {@link #stopOn}):
    * for a connection whose peer ended its session (unbind, TERMINATE), so the broker logs no client failure. A
    * {@link #fail} after it finds the session gone.
    */
   public static void closeOn(ServerSession session, Executor executor) {
      try {
         executor.execute(() -> {
            try {
               closeCleanly(session);
            } catch (Exception e) {
               logger.debug("Closing the broker session of a connection whose peer ended it", e);
            }
         });
      } catch (RejectedExecutionException e) {
         logger.debug("Broker stopping; it closes the session itself");
      }
   }

   /**
    * Closes an account's broker session as a clean end (its peer ended it, or it was never used): its consumers first,
    * so what they were delivering goes back at once, at its place in the queue. Artemis' close of the session itself
    * puts it back through a rollback that gives it the address's redelivery-delay (1 s, doubling, in the shipped
    * broker.xml): the messages would wait as scheduled ones while those behind them went to the next session first.
    * A consumer's own close ignores the redelivery check, as the close of a failed connection's session does. Broker
    * executor: the close waits for a hand-over in progress.
    */
   public static void closeCleanly(ServerSession session) throws Exception {
      for (ServerConsumer consumer : session.getServerConsumers()) {
         consumer.close(false);
      }
      session.close(false);
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

   /**
    * Closes a broker session that was created for a connection only after the connection had failed (the login's
    * broker work was still queued when the socket closed). A failure listener added then is never called, so
    * nothing else would close it, and its consumer would stay on the account's queue. Runs on {@code executor}:
    * closing may touch the journal.
    */
   public static void closeOrphaned(ServerSession session, Executor executor) {
      executor.execute(() -> {
         try {
            closeCleanly(session);
         } catch (Exception e) {
            logger.debug("Closing the broker session of a connection already closed", e);
         }
      });
   }
}
