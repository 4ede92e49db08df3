package io.smsgw.broker.testing;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Consumer;
import org.apache.activemq.artemis.core.server.HandleStatus;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerSessionPlugin;

/**
 * Keeps a queue's delivery busy as a consumer stuck in a network write does (Artemis warns AMQ222172), until the
 * broker closes a session of the given user, e.g. on unbind or TERMINATE. While it holds, the queue lists nothing
 * newly added and runs none of the markers held-message operations wait for. Register it as a broker plugin before
 * the broker starts, then {@link #hold}.
 */
public final class HeldQueueStall implements ActiveMQServerSessionPlugin {

   private final String releasingUser;
   private final CountDownLatch holding = new CountDownLatch(1);
   private final CountDownLatch released = new CountDownLatch(1);

   /** Released when a broker session of {@code releasingUser} (an account's id) closes. */
   public HeldQueueStall(String releasingUser) {
      this.releasingUser = releasingUser;
   }

   /**
    * Adds a consumer to {@code queue} that takes the first message {@code take} accepts (leaving the others) and holds
    * the queue's delivery thread with it; returns once it does.
    */
   public void hold(ActiveMQServer server, String queue, Predicate<Message> take) throws Exception {
      Queue held = server.locateQueue(SimpleString.of(queue));
      held.addConsumer(new Stuck(held, take, server.getStorageManager().generateID()));
      held.deliverAsync();
      if (!holding.await(10, TimeUnit.SECONDS)) {
         throw new AssertionError("Timed out after 10 s waiting for the delivery of " + queue + " to be held");
      }
   }

   @Override
   public void afterCloseSession(ServerSession session, boolean failed) {
      if (releasingUser.equals(session.getUsername())) {
         released.countDown();
      }
   }

   private final class Stuck implements Consumer {

      private final Queue queue;
      private final Predicate<Message> take;
      private final long id;

      Stuck(Queue queue, Predicate<Message> take, long id) {
         this.queue = queue;
         this.take = take;
         this.id = id;
      }

      @Override
      public boolean supportsDirectDelivery() {
         return false;
      }

      @Override
      public HandleStatus handle(MessageReference reference) {
         if (holding.getCount() == 0 || !take.test(reference.getMessage())) {
            return HandleStatus.NO_MATCH;
         }
         queue.referenceHandled(reference);
         return HandleStatus.HANDLED;
      }

      /** On the queue's delivery thread, outside the queue's lock, as a consumer's network write. */
      @Override
      public void proceedDeliver(MessageReference reference) throws Exception {
         holding.countDown();
         if (!released.await(30, TimeUnit.SECONDS)) {
            // The test has failed by now; let the broker stop.
            return;
         }
         queue.acknowledge(reference);
      }

      @Override
      public Filter getFilter() {
         return null;
      }

      @Override
      public List<MessageReference> getDeliveringMessages() {
         return List.of();
      }

      @Override
      public String debug() {
         return toManagementString();
      }

      @Override
      public String toManagementString() {
         return "HeldQueueStall on " + queue.getName();
      }

      @Override
      public void disconnect() {
      }

      @Override
      public void failed(Throwable t) {
      }

      @Override
      public long sequentialID() {
         return id;
      }
   }
}
