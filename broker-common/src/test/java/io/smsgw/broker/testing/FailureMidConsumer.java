package io.smsgw.broker.testing;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.spi.core.remoting.ServerConnectionLifeCycleListener;

/**
 * A broker plugin that fails a consumer's connection the way the broker does when its socket closes, at the one moment
 * that matters: inside {@code ServerSessionImpl.createConsumer}, after the consumer is registered on its session and
 * queue and before the broker announces it (CONSUMER_CREATED). It calls the broker's own entry point for a closed
 * socket ({@code connectionDestroyed}, which Netty's channelInactive reaches on the acceptor's listener thread) on a
 * thread of its own and waits until that call returns, so the failure path runs to its end in the window instead of
 * landing there once in thousands of connections.
 */
public final class FailureMidConsumer implements ActiveMQServerPlugin {

   private final SimpleString queue;
   private final int times;
   private final AtomicInteger failed = new AtomicInteger();
   private volatile ActiveMQServer server;
   private volatile AssertionError problem;

   /** Fails the connections of the first {@code times} consumers created on {@code queue}; later ones are left alone. */
   public FailureMidConsumer(String queue, int times) {
      this.queue = SimpleString.of(queue);
      this.times = times;
   }

   @Override
   public void registered(ActiveMQServer server) {
      this.server = server;
   }

   @Override
   public void afterCreateConsumer(ServerConsumer consumer) {
      if (!queue.equals(consumer.getQueueName()) || failed.get() >= times) {
         return;
      }
      Object connectionId = consumer.getConnectionID();
      ServerConnectionLifeCycleListener remoting = (ServerConnectionLifeCycleListener) server.getRemotingService();
      Thread socketClosed = new Thread(() -> remoting.connectionDestroyed(connectionId, true), "socket-closed-" + connectionId);
      socketClosed.start();
      try {
         socketClosed.join(10_000);
      } catch (InterruptedException e) {
         Thread.currentThread().interrupt();
      }
      if (socketClosed.isAlive()) {
         problem = new AssertionError("the broker's failure of " + connectionId + " did not return within 10 s");
      }
      failed.incrementAndGet();
   }

   /** Connections failed so far in the middle of their consumer's creation. */
   public int failed() {
      return failed.get();
   }

   /** Throws if a failure call did not return. */
   public void check() {
      if (problem != null) {
         throw problem;
      }
   }
}
