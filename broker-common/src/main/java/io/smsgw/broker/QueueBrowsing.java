package io.smsgw.broker;

import java.util.NoSuchElementException;
import java.util.function.Predicate;

import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pass over a queue's references with Artemis' browser that another thread's removal cannot break (decision 89).
 * <p>
 * The browser takes the queue's lock twice for each reference, once to see that there is a next one and once to take
 * it. When another thread removes the last reference in between (a consumer taking it, a delete, an expiry), the
 * second half finds nothing and throws NoSuchElementException although the pass has not seen the whole queue. The
 * pass is then made again from the head, each step under the queue's lock (QueueImpl's browser locks the queue
 * object), so that nothing can come between its two halves. Not every pass that way: a step that reads paged messages
 * would read the page under the lock and hold up the queue's delivery and intake; only a broken pass pays that.
 * The visitor runs outside the lock in both passes.
 */
public final class QueueBrowsing {

   private static final Logger logger = LoggerFactory.getLogger(QueueBrowsing.class);

   private QueueBrowsing() {
   }

   /**
    * Hands {@code queue}'s references to {@code visitor} in queue order until it returns false or the queue ends. When
    * a removal breaks the pass, {@code restart} runs (to drop or keep what the visitor gathered) and the visitor then
    * sees the queue again from its head. Blocks on the queue's lock: never on an event loop.
    *
    * @return whether the pass was made again
    */
   public static boolean browse(Queue queue, Runnable restart, Predicate<MessageReference> visitor) {
      if (pass(queue, visitor, false)) {
         return false;
      }
      logger.debug("Pass over {} made again: a reference left it while it was read", queue.getName());
      restart.run();
      pass(queue, visitor, true);
      return true;
   }

   /** Returns false when a removal broke the pass (only without the lock on each step). */
   private static boolean pass(Queue queue, Predicate<MessageReference> visitor, boolean lockEachStep) {
      try (LinkedListIterator<MessageReference> it = queue.browserIterator()) {
         while (true) {
            MessageReference ref;
            try {
               ref = lockEachStep ? nextLocked(queue, it) : next(it);
            } catch (NoSuchElementException e) {
               if (lockEachStep) {
                  throw e;
               }
               return false;
            }
            if (ref == null || !visitor.test(ref)) {
               return true;
            }
         }
      }
   }

   private static MessageReference next(LinkedListIterator<MessageReference> it) {
      return it.hasNext() ? it.next() : null;
   }

   /** The queue's own lock, held across both halves of the step. */
   private static MessageReference nextLocked(Queue queue, LinkedListIterator<MessageReference> it) {
      synchronized (queue) {
         return next(it);
      }
   }
}
