package io.smsgw.routing;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

import io.smsgw.core.runtime.IngressRouting;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.transaction.TransactionOperationAbstract;

/**
 * The counters routing keeps for a message it routed, incremented only once that message is stored
 * (docs/decisions.md, "Routing counts what was stored"): a send the journal fails, a transaction rolled back, or a
 * copy the broker drops as a duplicate counts nothing. The gateway's own senders count with the send's completion
 * ({@code DurableSender}); this is for what a divert routes, and for the EXPIRED reports of {@link ExpiredMtReports}. The divert's transformer leaves it on the routed copy (in memory, never stored), and the plugin sees the
 * copy routed ({@link #countWhenStored}): by then the broker has dropped a duplicate (without calling back), and a
 * stored copy is either in a transaction (counted after its commit) or in the sending thread's operation context
 * (counted once that is durable). A copy the transformer made too big and the broker turned into a large message
 * loses it: such a message is no SMS and is not counted.
 */
final class StoredCounts extends TransactionOperationAbstract implements IngressRouting.Counts, IOCallback {

   /** The key of the routed copy's user context it travels under. */
   private static final Object KEY = StoredCounts.class;

   private LongAdder[] counters = new LongAdder[4];
   private int size;

   @Override
   public void add(LongAdder counter) {
      if (size == counters.length) {
         counters = Arrays.copyOf(counters, size * 2);
      }
      counters[size++] = counter;
   }

   boolean isEmpty() {
      return size == 0;
   }

   /** Increments each counter once. */
   void countAll() {
      for (int i = 0; i < size; i++) {
         counters[i].increment();
      }
      size = 0;
   }

   /** Leaves these counts on the copy a divert routes, for {@link #countWhenStored}. */
   void attachTo(Message routed) {
      if (size > 0) {
         routed.setUserContext(KEY, this);
      }
   }

   /**
    * Called for every message the broker routed (the plugin's afterMessageRoute): counts what a divert's transformer
    * left on it, once it is stored.
    */
   static void countWhenStored(Message message, RoutingContext context, RoutingStatus result, StorageManager storage) {
      if (!(message.getUserContext(KEY) instanceof StoredCounts counts)) {
         return;
      }
      message.setUserContext(KEY, null); // counted once, whatever happens to the message later
      if (result == RoutingStatus.DUPLICATED_ID) {
         return;
      }
      Transaction tx = context.getTransaction();
      Transaction.State state = tx == null ? null : tx.getState();
      if (state == Transaction.State.ACTIVE || state == Transaction.State.PREPARED || state == Transaction.State.SUSPENDED) {
         tx.addOperation(counts);
      } else if (state == null || state == Transaction.State.COMMITTED) {
         // no transaction, or the one the duplicate check started and committed: both are in the thread's context
         storage.afterCompleteOperations(counts);
      }
      // rolled back or about to be: nothing stored
   }

   @Override
   public void afterCommit(Transaction tx) {
      countAll();
   }

   @Override
   public void done() {
      countAll();
   }

   @Override
   public void onError(int errorCode, String errorMessage) {
      // not stored: nothing to count
   }
}
