package io.smsgw.broker.testing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQInternalErrorException;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.protocol.SessionCallback;

/**
 * A broker plugin that holds the first broker-session creation until the test releases it, optionally failing it
 * then: for races between a login whose broker work is still queued and a socket that closes meanwhile. Later
 * creations pass straight through.
 */
public final class SessionCreationGate implements ActiveMQServerPlugin {

   private final CountDownLatch entered = new CountDownLatch(1);
   private final CountDownLatch released = new CountDownLatch(1);
   private final CountDownLatch passed = new CountDownLatch(1);
   private final CountDownLatch consumerCreated = new CountDownLatch(1);
   private final CountDownLatch consumerRefused = new CountDownLatch(1);
   private volatile Then then = Then.CREATE;

   /** What the held login's broker work does once released. */
   public enum Then {
      /** Goes on up to its consumer. */
      CREATE,
      /** Fails creating the session. */
      FAIL_SESSION,
      /** Creates the session, then fails creating its consumer. */
      FAIL_CONSUMER
   }

   /** Sends a login on a new socket to {@code port} without waiting for its answer; closing the result closes the socket. */
   @FunctionalInterface
   public interface Login {
      AutoCloseable send(int port) throws Exception;
   }

   /**
    * Starts {@code broker} with a gate, sends {@code login}, closes its socket while the login's broker session is
    * being created, then lets the creation go on as {@code then} says and waits for that. Returns the started broker.
    */
   public static TestBroker loginClosedMidway(TestBroker broker, Login login, Then then) throws Exception {
      SessionCreationGate gate = new SessionCreationGate();
      broker.configure(cfg -> cfg.registerBrokerPlugin(gate)).start();
      try {
         try (AutoCloseable socket = login.send(broker.port())) {
            gate.awaitHeld();
            var connections = broker.server().getRemotingService().getConnections();
            if (connections.size() != 1) {
               throw new AssertionError("expected the login's connection only, found " + connections);
            }
         }
         // Released once the broker has dropped the closed connection (its listener thread does that, then fails the
         // connection): that failure, like the gateway's own, runs on the session's broker executor, so it queues
         // behind the held creation and closes what the creation made (SmsRemotingConnection.fail).
         Wait.until("the connection closed", Duration.ofSeconds(10),
                    () -> broker.server().getRemotingService().getConnections().isEmpty());
         gate.release(then);
         if (then == Then.CREATE) {
            await(gate.consumerCreated, "the consumer of the released session");
         } else if (then == Then.FAIL_CONSUMER) {
            await(gate.consumerRefused, "the consumer of the released session to be refused");
         }
         return broker;
      } catch (Exception | AssertionError e) {
         broker.close();
         throw e;
      }
   }

   @Override
   public void beforeCreateSession(String name, String username, int minLargeMessageSize, RemotingConnection connection,
                                   boolean autoCommitSends, boolean autoCommitAcks, boolean preAcknowledge, boolean xa,
                                   String defaultAddress, SessionCallback callback, boolean autoCreateQueues,
                                   OperationContext context, Map<SimpleString, RoutingType> prefixes) throws ActiveMQException {
      if (entered.getCount() == 0) {
         return;
      }
      entered.countDown();
      try {
         if (!released.await(30, TimeUnit.SECONDS)) {
            throw new ActiveMQInternalErrorException("the test never released the gate");
         }
      } catch (InterruptedException e) {
         Thread.currentThread().interrupt();
      }
      passed.countDown();
      if (then == Then.FAIL_SESSION) {
         throw new ActiveMQInternalErrorException("session creation failed by the test");
      }
   }

   @Override
   public void beforeCreateConsumer(long consumerID, org.apache.activemq.artemis.core.postoffice.QueueBinding queueBinding,
                                    SimpleString filterString, boolean browseOnly, boolean supportLargeMessage) throws ActiveMQException {
      if (then == Then.FAIL_CONSUMER && passed.getCount() == 0 && consumerRefused.getCount() > 0) {
         consumerRefused.countDown();
         throw new ActiveMQInternalErrorException("consumer creation failed by the test");
      }
   }

   @Override
   public void afterCreateConsumer(ServerConsumer consumer) {
      consumerCreated.countDown();
   }

   /** Waits until a session creation is held at the gate. */
   private void awaitHeld() throws InterruptedException {
      await(entered, "a session creation to reach the gate");
   }

   /** Lets the held creation go on as {@code next} says, and waits until it left the gate. */
   private void release(Then next) throws InterruptedException {
      then = next;
      released.countDown();
      await(passed, "the held creation to leave the gate");
   }

   private static void await(CountDownLatch latch, String what) throws InterruptedException {
      if (!latch.await(10, TimeUnit.SECONDS)) {
         throw new AssertionError("Timed out after 10 s waiting for " + what);
      }
   }
}
