package io.smsgw.broker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.transaction.impl.TransactionImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own moves (routing's moves, parked receipts set aside), many messages per broker transaction instead of
 * one each (decision 152): a queue of a removed link holding millions of MT took one journal commit per message.
 * <p>
 * Each message still leaves its queue only with its copy stored (decision 146). A copy refused after it was routed (a
 * DROP store that filled, FAIL, a duplicate) rolls back the whole batch, which puts every message of it back as it was,
 * in its order ({@link MovedMessages#putBackAsItWasOnRollback}); the messages before the failing one are then moved
 * again in a transaction of their own, and the failing one is tried alone, so one refusal costs a retry, never a
 * message. After each commit the broker's plugins hear of every move ({@code messageMoved}, as Artemis' own move tells
 * them). A batch is committed only once the journal has the one before (the next is made meanwhile), so at most two
 * are in flight and the broker's threads get their turn between batches; the moves return once the last is durable.
 * Runs on the caller's thread, never on an event loop.
 */
public final class BatchedMoves {

   private static final Logger logger = LoggerFactory.getLogger(BatchedMoves.class);
   /** Messages per transaction at most. */
   public static final int MAX_MESSAGES = 500;
   /** Bytes of copies per transaction at most (the journal writes them as one record set). */
   public static final long MAX_BYTES = 1024 * 1024;
   private static final long JOURNAL_WAIT_MILLIS = 10_000;

   /** What moving one message did to the batch's transaction. */
   public enum Effect {
      /** Taken off its queue and its copy stored in the transaction. */
      MOVED,
      /** Nothing done (not on the queue's list, say); the batch goes on. */
      UNCHANGED,
      /** Nothing done, and nothing after it may be moved now (its target's store is full): the batch ends here. */
      REFUSED,
      /** Its copy was refused after the transaction changed: rolled back, the batch goes on after it. */
      FAILED,
      /** As {@link #FAILED}, and nothing after it may be moved now. */
      FAILED_STOP
   }

   /** Told of each message moved in the transaction, for the plugins' {@code messageMoved} after the commit. */
   public interface Moves {
      void moved(MessageReference original, SimpleString address, Message copy, RoutingStatus status);
   }

   /**
    * Moves one message in the batch's transaction; {@code index}: its place in the items (a message may be tried more
    * than once: the last try's is what counts).
    */
   public interface Mover<T> {
      Effect move(int index, T item, Transaction tx, Moves moves) throws Exception;

      /** The move of item {@code index} committed; called in the items' order, also before a later batch throws. */
      default void committed(int index) {
      }
   }

   private record Moved(MessageReference original, SimpleString address, Message copy, RoutingStatus status) {
   }

   private BatchedMoves() {
   }

   /**
    * Moves {@code items} in order, in batches of up to {@link #MAX_MESSAGES} messages and {@link #MAX_BYTES}. Returns
    * what became of each, in the items' order: a committed effect, or null for those after a stop (not moved). An
    * exception rolls back the batch it happened in (its messages are back, null here) and is thrown; the batches
    * before it stay committed.
    */
   public static <T> Effect[] move(ActiveMQServer server, List<T> items, Mover<T> mover) throws Exception {
      return move(server, items, mover, MAX_MESSAGES, MAX_BYTES);
   }

   static <T> Effect[] move(ActiveMQServer server, List<T> items, Mover<T> mover, int maxMessages, long maxBytes)
      throws Exception {
      StorageManager storage = server.getStorageManager();
      int n = items.size();
      Effect[] effects = new Effect[n];
      int start = 0;
      // Exclusive end while the messages before a failed one are moved again; n otherwise.
      int limit = n;
      List<Moved> moved = new ArrayList<>();
      CountDownLatch synced = null;
      while (start < n) {
         Transaction tx = new TransactionImpl(storage);
         moved.clear();
         Moves moves = (original, address, copy, status) -> moved.add(new Moved(original, address, copy, status));
         int i = start;
         long bytes = 0;
         int count = 0;
         Effect failed = null;
         boolean stop = false;
         try {
            for (; i < limit && count < maxMessages && bytes < maxBytes; i++) {
               Effect effect = mover.move(i, items.get(i), tx, moves);
               MovedMessages.putBackAsItWasOnRollback(tx); // once something was acknowledged in it
               if (effect == Effect.FAILED || effect == Effect.FAILED_STOP) {
                  failed = effect;
                  break;
               }
               effects[i] = effect;
               if (effect == Effect.MOVED) {
                  count++;
                  Moved last = moved.isEmpty() ? null : moved.get(moved.size() - 1);
                  bytes += last == null ? 0 : last.copy().getEncodeSize();
               } else if (effect == Effect.REFUSED) {
                  stop = true;
                  i++;
                  break;
               }
            }
         } catch (Exception e) {
            awaitSynced(synced);
            rollback(tx, storage);
            Arrays.fill(effects, start, Math.min(i + 1, n), null);
            throw e;
         }
         if (failed != null) {
            awaitSynced(synced);
            rollback(tx, storage);
            Arrays.fill(effects, start, i, null);
            if (i == start) {
               // Tried alone: its own refusal.
               effects[i] = failed;
               if (failed == Effect.FAILED_STOP) {
                  return effects; // the rollback waited for the journal
               }
               start = i + 1;
               limit = n;
            } else {
               limit = i; // those before it again, then it alone
            }
            continue;
         }
         if (count > 0) {
            // The batch before this one is durable first: while the journal syncs one batch the next is made, and no
            // more than that is in flight.
            awaitSynced(synced);
            try {
               tx.commit();
            } catch (Exception e) {
               rollback(tx, storage); // unless the commit got as far as the journal
               Arrays.fill(effects, start, i, null);
               throw e;
            }
            synced = syncedLatch(storage);
            for (int k = start; k < i; k++) {
               if (effects[k] == Effect.MOVED) {
                  mover.committed(k);
               }
            }
            firePlugins(server, tx, moved);
         } else {
            tx.rollback(); // nothing in it
         }
         if (stop) {
            awaitSynced(synced);
            return effects;
         }
         start = i;
         if (start >= limit) {
            limit = n;
         }
      }
      awaitSynced(synced); // what the caller looks at next (a browse, a count) has the last batch
      return effects;
   }

   /** Counted down once the journal has what this thread stored so far. */
   private static CountDownLatch syncedLatch(StorageManager storage) {
      CountDownLatch latch = new CountDownLatch(1);
      storage.afterCompleteOperations(new IOCallback() {
         @Override
         public void done() {
            latch.countDown();
         }

         @Override
         public void onError(int errorCode, String errorMessage) {
            latch.countDown(); // the broker logs the journal's failure; the mover only must not wait for ever
         }
      });
      return latch;
   }

   private static void awaitSynced(CountDownLatch synced) throws InterruptedException {
      if (synced != null && !synced.await(JOURNAL_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
         logger.debug("Journal slower than {} ms for a batch of moved messages", JOURNAL_WAIT_MILLIS);
      }
   }

   /** Rolls back and waits until the journal has it: the messages are on their queues again only then. */
   private static void rollback(Transaction tx, StorageManager storage) throws Exception {
      if (tx.getState() == Transaction.State.ROLLEDBACK || tx.getState() == Transaction.State.COMMITTED) {
         return;
      }
      MovedMessages.putBackAsItWasOnRollback(tx);
      tx.rollback();
      storage.getContext().waitCompletion(JOURNAL_WAIT_MILLIS);
   }

   /** After the commit, as Artemis' move tells its plugins; a plugin's failure does not undo a committed move. */
   private static void firePlugins(ActiveMQServer server, Transaction tx, List<Moved> moved) {
      if (!server.hasBrokerMessagePlugins()) {
         return;
      }
      for (Moved m : moved) {
         try {
            server.callBrokerMessagePlugins(plugin -> plugin.messageMoved(tx, m.original(), AckReason.NORMAL, m.address(),
                                                                          null, null, m.copy(), m.status()));
         } catch (Exception e) {
            logger.warn("A broker plugin failed on messageMoved for message {}", m.original().getMessageID(), e);
         }
      }
   }
}
