package io.smsgw.broker;

import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the SMPP and CMPP acceptors' client sessions the way the protocols expect when the broker stops (decision 141):
 * each session refuses new requests, gives the deliveries it has written a bounded time to be answered, sends the
 * answers it owes, then SMPP unbind or CMPP TERMINATE, and closes at the peer's answer. Artemis itself only
 * force-closes the sockets when it freezes the connections, so without this the peers saw a reset and the answers to
 * the last deliveries were lost (those messages came again after the restart).
 *
 * <p>The hook: the broker calls {@link #preDeActivate} first in its stop, then stops the protocol services (this one
 * among them, in {@link #stop}), and only then pauses the acceptors, waits for graceful shutdown and freezes the
 * connections. So the sessions start ending together at the stop's start (while the SMSC and FWD links stop too), and
 * {@link #stop} waits, on the thread that stops the broker, until they are all closed or one overall timeout has
 * passed: the longest {@code smppStopTimeout} / {@code cmppStopTimeout} of the acceptors with open sessions. What is
 * still open then is closed, as before. Every step of a session runs on its event loop; nothing waits there.
 *
 * <p>One per broker, shared by both protocols' factories (each adds it to its services; starting and stopping twice
 * does nothing more). A connection accepted during the stop is ended at once (closed before a login).
 */
public final class ClientSessionsStop implements ActiveMQComponent, ActivateCallback {

   private static final Logger logger = LoggerFactory.getLogger(ClientSessionsStop.class);
   private static final Map<ActiveMQServer, ClientSessionsStop> BY_BROKER = new WeakHashMap<>();

   /** A client session that can end itself for a broker stop. */
   public interface Ending {
      /**
       * On the session's event loop: ends the session for a broker stop and closes its connection once the peer has
       * answered (or at once when it is not logged in). Called once; a session already ending at its peer's request
       * goes on with that.
       */
      void endForBrokerStop();

      /** The session's connection. */
      Channel channel();

      /** How long the broker stop may wait for this session to end (its acceptor's stop timeout), in ms. */
      long brokerStopTimeout();
   }

   /** Weak: the map's value must not hold its key, or no stopped broker would ever be collected. */
   private final java.lang.ref.WeakReference<ActiveMQServer> server;
   private final Set<Ending> open = ConcurrentHashMap.newKeySet();
   private volatile boolean stopping;
   /** Set once every open session has been told to end (its task queued on its event loop). */
   private volatile boolean ending;
   private long deadlineNanos;
   private long timeoutMillis;
   private boolean started;

   private ClientSessionsStop(ActiveMQServer server) {
      this.server = new java.lang.ref.WeakReference<>(server);
   }

   public static ClientSessionsStop of(ActiveMQServer server) {
      synchronized (BY_BROKER) {
         return BY_BROKER.computeIfAbsent(server, ClientSessionsStop::new);
      }
   }

   /** A new connection's session (event loop). During a stop it is ended at once. */
   public void opened(Ending session) {
      open.add(session);
      if (stopping) {
         end(session);
      }
   }

   /** The session's connection closed (event loop). */
   public void closed(Ending session) {
      if (open.remove(session) && stopping && open.isEmpty()) {
         synchronized (this) {
            notifyAll();
         }
      }
   }

   @Override
   public synchronized void start() {
      if (started) {
         return;
      }
      started = true;
      stopping = false;
      ending = false;
      ActiveMQServer broker = server.get();
      if (broker != null) {
         broker.registerActivateCallback(this);
      }
   }

   @Override
   public synchronized boolean isStarted() {
      return started;
   }

   /** The broker's stop begins: every session starts ending now, before the protocol services stop. */
   @Override
   public void preDeActivate() {
      begin();
   }

   /**
    * Waits until every client session has ended, up to the stop timeout from the stop's start; then closes what is
    * left. On the thread stopping the broker, never an event loop.
    */
   @Override
   public void stop() throws InterruptedException {
      synchronized (this) {
         if (!started) {
            return;
         }
         started = false;
      }
      ActiveMQServer broker = server.get();
      if (broker != null) {
         broker.unregisterActivateCallback(this);
      }
      begin();
      synchronized (this) {
         long remaining;
         while (!open.isEmpty() && (remaining = deadlineNanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, remaining);
         }
      }
      if (!open.isEmpty()) {
         logger.warn("{} client session(s) not ended within the stop timeout of {} ms (a peer that does not answer its "
                        + "unbind or TERMINATE); closing them", open.size(), timeoutMillis);
         for (Ending session : open) {
            session.channel().close();
         }
      }
   }

   private synchronized void begin() {
      if (stopping) {
         return;
      }
      long timeout = 0;
      for (Ending session : open) {
         timeout = Math.max(timeout, session.brokerStopTimeout());
      }
      timeoutMillis = timeout;
      deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
      stopping = true;
      if (!open.isEmpty()) {
         logger.info("Broker stopping: ending {} SMPP/CMPP client session(s) (unbind / TERMINATE), up to {} ms", open.size(), timeout);
      }
      for (Ending session : open) {
         end(session);
      }
      ending = true;
   }

   /** Whether a broker stop has told the open sessions to end (each does on its event loop, after what it queued before). */
   public boolean isEnding() {
      return ending;
   }

   private static void end(Ending session) {
      try {
         session.channel().eventLoop().execute(session::endForBrokerStop);
      } catch (RejectedExecutionException e) {
         session.channel().close();
      }
   }
}
