package io.smsgw.routing;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.smsgw.broker.BatchedMoves;
import io.smsgw.broker.MovedMessages;
import io.smsgw.broker.StorageOverload;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.IngressRouting;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.cursor.PageSubscription;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.postoffice.Binding;
import org.apache.activemq.artemis.core.postoffice.Bindings;
import org.apache.activemq.artemis.core.postoffice.DuplicateIDCache;
import org.apache.activemq.artemis.core.postoffice.PostOffice;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.postoffice.impl.DivertBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.impl.RoutingContextImpl;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * Moves messages from a queue back through routing, in place of the broker's move ({@code Queue.moveReferences})
 * that acknowledged the original whatever became of its copy: a DROP address that filled after the stores were asked
 * dropped the copy and the message was gone (decisions 131, 136). Here the transaction that takes a message off its
 * queue and acknowledges it also stores what routing makes of its copy, up to a batch of messages per transaction
 * ({@link BatchedMoves}, decision 152); a store that drops or fails a copy, or a duplicate, rolls the batch back and
 * its messages stay where they were (those before the refused one move again without it). The broker's plugins hear
 * of each move once committed ({@code messageMoved}).
 *
 * <p>What the broker's move and the divert did to the copy is kept: the broker's {@code _AMQ_ORIG_*} properties as the
 * divert left them (the ingress address and the divert), no expiry (routing gives an MT back its validity), what the
 * caller marks it with (where it comes from, so routing counts it once), the duplicate id noted
 * on the ingress address without refusing a resend, and the copy routed by the same rules as the divert's
 * ({@link IngressRouting}), to its final address with the duplicate check there, its counters counted once committed.
 */
final class RoutedMove {

   /** What became of a move. */
   enum Result {
      /** Moved: the copy is stored (or routed where no queue takes it, as the divert would). */
      MOVED,
      /** Not on the queue's list: taken by a consumer meanwhile, or still paged (see {@link #depage}). */
      NOT_THERE,
      /** A store could not take the copy (see {@link #full}); the message stays. */
      FULL,
      /** Its final address already holds its duplicate id; the message stays, as the broker's move failed then. */
      DUPLICATE,
      /** A store was full when asked, before the message was touched (FULL to callers of {@link #moveAll}). */
      REFUSED
   }

   private final ActiveMQServer server;
   private final MoveStorage storage;
   /** The address and cause of the last FULL, for the log. */
   private String full;

   RoutedMove(ActiveMQServer server) {
      this.server = server;
      this.storage = new MoveStorage(server);
   }

   /** The store that refused the last move that returned FULL: "address (cause)". */
   String full() {
      return full;
   }

   /**
    * Moves {@code found}, messages a browse of {@code queue} found, in this order, to {@code ingress} ({@code sms.mt} or
    * {@code sms.mo}), each routed as a message sent there, many per transaction ({@link BatchedMoves}); {@code mark}
    * sets what tells routing where a copy comes from. Returns what became of each, in order: the moves stop at the first
    * FULL, and those after it are null (not moved, still on the queue).
    */
   Result[] moveAll(Queue queue, List<MessageReference> found, SimpleString ingress, Consumer<Message> mark) throws Exception {
      IngressRouting routing = GatewayRuntime.of(server).ingressRouting();
      if (routing == null || !routing.routes(ingress)) {
         throw new IllegalStateException("routing does not route " + ingress + " now");
      }
      SimpleString divert = divertOf(ingress);
      Result[] results = new Result[found.size()];
      BatchIds batchIds = new BatchIds();
      BatchedMoves.Effect[] effects = BatchedMoves.move(server, found, (i, ref, tx, moves) -> {
         Result result = move(queue, ref, ingress, divert, mark, routing, tx, moves, batchIds);
         results[i] = result;
         return switch (result) {
            case MOVED -> BatchedMoves.Effect.MOVED;
            case NOT_THERE -> BatchedMoves.Effect.UNCHANGED;
            case REFUSED -> BatchedMoves.Effect.REFUSED;
            case FULL -> BatchedMoves.Effect.FAILED_STOP;
            case DUPLICATE -> BatchedMoves.Effect.FAILED;
         };
      });
      for (int i = 0; i < results.length; i++) {
         // a try the batch's rollback undid is no result; a store full before or after the route is FULL to callers
         results[i] = effects[i] == null ? null : results[i] == Result.REFUSED ? Result.FULL : results[i];
      }
      return results;
   }

   /**
    * Moves one message in the batch's transaction: asks the stores, takes it off its queue, acknowledges it and routes
    * its copy. Anything but MOVED after the acknowledgement rolls the batch back.
    */
   private Result move(Queue queue, MessageReference found, SimpleString ingress, SimpleString divert,
                       Consumer<Message> mark, IngressRouting routing, Transaction tx, BatchedMoves.Moves moves,
                       BatchIds routedIds) throws Exception {
      StorageManager storageManager = server.getStorageManager();
      PostOffice postOffice = server.getPostOffice();
      Message copy = copyForMove(found.getMessage(), ingress, queue.getName(), divert, storageManager);
      mark.accept(copy);
      StoredCounts counts = new StoredCounts();
      List<Message> routed = new ArrayList<>(2);
      routing.route(copy, routed, counts);
      // Asked before the message is touched, as DurableSender asks: under BLOCK or with the disk full the broker would
      // store a copy routed on the server side past the limit; a full DROP or FAIL store would refuse it anyway. What
      // the batch routed before counts in the stores already (the broker counts a message when it is routed).
      for (Message message : routed) {
         String address = message.getAddress();
         StorageOverload.Cause cause = storage.refusal(address);
         if (cause != null) {
            full = address + " (" + cause.tag() + ")";
            return Result.REFUSED;
         }
      }
      // Off the queue first, so no consumer takes it meanwhile; acknowledged in the transaction, so a rollback puts it back.
      MessageReference ref = queue.removeReferenceWithID(found.getMessage().getMessageID());
      if (ref == null) {
         return Result.NOT_THERE;
      }
      queue.referenceHandled(ref);
      queue.acknowledge(tx, ref);
      MovedMessages.putBackAsItWasOnRollback(tx);
      // As the broker's move to the ingress address: its duplicate id is noted there, a resend is not refused.
      byte[] duplicateId = copy.getDuplicateIDBytes();
      if (duplicateId != null) {
         DuplicateIDCache cache = postOffice.getDuplicateIDCache(ingress);
         if (!cache.contains(duplicateId) && routedIds.first(tx, ingress.toString(), duplicateId)) {
            cache.addToCache(duplicateId, tx);
         }
      }
      for (Message message : routed) {
         Result result = store(message, tx, postOffice, routedIds);
         if (result != Result.MOVED) {
            return result;
         }
      }
      if (!counts.isEmpty()) {
         tx.addOperation(counts); // counted once committed, as the divert's copy is (StoredCounts)
      }
      moves.moved(ref, ingress, copy, routed.isEmpty() ? RoutingStatus.NO_BINDINGS : RoutingStatus.OK);
      return Result.MOVED;
   }

   /**
    * What the broker's move made of the original (its {@code makeCopy}), addressed to the ingress address, and what
    * the ingress address's divert then made of that before its transformer routed it.
    */
   private static Message copyForMove(Message original, SimpleString ingress, SimpleString queueName,
                                      SimpleString divert, StorageManager storageManager) throws Exception {
      Message copy = MovedMessages.copyAsMoved(original, ingress, queueName, storageManager);
      if (divert != null) {
         // The divert's copy noted the moved copy as its original, over what the move noted: routing saw the message
         // as one from the ingress address through the divert (the moved copy's id is this copy's, never stored twice).
         copy.referenceOriginalMessage(copy, divert);
      }
      copy.removeExtraBytesProperty(Message.HDR_ROUTE_TO_IDS); // as the divert: it would bypass routing
      return copy;
   }

   /** The name of the divert that routes the ingress address (the routing plugin's), or null. */
   private SimpleString divertOf(SimpleString ingress) throws Exception {
      Bindings bindings = server.getPostOffice().getBindingsForAddress(ingress);
      if (bindings != null) {
         for (Binding binding : bindings.getBindings()) {
            if (binding instanceof DivertBinding) {
               return binding.getUniqueName();
            }
         }
      }
      return null;
   }

   /**
    * Stores one routed message in {@code tx}, checked after for a store that filled since it was asked (DROP drops the
    * message silently, FAIL throws).
    */
   private Result store(Message message, Transaction tx, PostOffice postOffice, BatchIds routedIds) throws Exception {
      String address = message.getAddress();
      byte[] duplicateId = message.getDuplicateIDBytes();
      if (duplicateId != null && !routedIds.first(tx, address, duplicateId)) {
         // Routed to this address earlier in this batch or a batch committed just before: the broker's cache has the id
         // only once that batch is durable, so its check would let this one through. A duplicate, as it was when
         // each move had its own transaction.
         return Result.DUPLICATE;
      }
      RoutingStatus status;
      try {
         // as the divert routes its copy: not direct, duplicates refused at the final address
         status = postOffice.route(message, new RoutingContextImpl(tx), false, true, null);
      } catch (ActiveMQAddressFullException e) {
         // address-full-policy FAIL that filled after the question
         full = address + " (" + refusedTag() + ")";
         return Result.FULL;
      }
      if (status == RoutingStatus.DUPLICATED_ID) {
         return Result.DUPLICATE;
      }
      if (status != RoutingStatus.NO_BINDINGS && message.isDropped()) {
         // DROP that filled after the question: the broker answered OK and kept nothing; the rollback keeps the original
         full = address + " (" + refusedTag() + ")";
         return Result.FULL;
      }
      return Result.MOVED;
   }

   /**
    * The duplicate ids the moves of one {@link #moveAll} have routed, per address: the broker adds a routed id to its
    * duplicate cache only once the transaction is durable ({@code addToCache(id, tx, false)} runs after the journal
    * sync), so a second message under the same id in the same batch, or in the next one (made while the journal syncs
    * the one before), would pass its check. Ids of a committed batch are kept for the rest of the call; those of a
    * rolled-back batch are forgotten with it. Each call starts empty: it returns once its last batch is durable.
    */
   private static final class BatchIds {
      record Key(String address, ByteBuffer id) {
      }

      private final Set<Key> committed = new HashSet<>();
      private final Set<Key> current = new HashSet<>();
      private Transaction batch;

      /** Whether {@code id} is routed to {@code address} for the first time in this call, noting it for {@code tx}. */
      boolean first(Transaction tx, String address, byte[] id) {
         if (tx != batch) {
            if (batch != null && batch.getState() == Transaction.State.COMMITTED) {
               committed.addAll(current);
            }
            current.clear();
            batch = tx;
         }
         Key key = new Key(address, ByteBuffer.wrap(id));
         return !committed.contains(key) && current.add(key);
      }
   }

   private String refusedTag() {
      return (server.getPagingManager().isDiskFull() ? StorageOverload.Cause.DISK : StorageOverload.Cause.ADDRESS).tag();
   }

   /**
    * Has a paging queue read its next page into memory, where {@link #move} finds messages (the broker's move read the
    * pages itself). Returns once the paging store's executor ran the read, or after 10 s.
    */
   static void depage(Queue queue) throws InterruptedException {
      PageSubscription pages = queue.getPageSubscription();
      if (pages == null || !pages.getPagingStore().isPaging()) {
         return;
      }
      queue.forceDelivery();
      CountDownLatch read = new CountDownLatch(1);
      pages.getPagingStore().execute(read::countDown);
      read.await(10, TimeUnit.SECONDS);
   }
}
