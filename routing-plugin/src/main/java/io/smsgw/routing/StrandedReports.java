package io.smsgw.routing;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.smsgw.broker.BatchedMoves;
import io.smsgw.broker.MovedMessages;
import io.smsgw.broker.QueueBrowsing;
import io.smsgw.broker.StorageOverload;
import io.smsgw.core.config.AccessProtocol;
import io.smsgw.core.config.Account;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.impl.RoutingContextImpl;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports that wait on {@code sms.sp.<account>} for a protocol the account no longer has. A report goes only to a
 * session of its MT's protocol ({@code AccountQueueFilters}, decision 164): once a reload removes SMPP or CMPP from an
 * account (or removes the account), no session of that protocol binds again, no consumer's filter ever matches those
 * reports, and while the queue pages they hold back what is paged behind them. After such a reload they move to
 * {@value DrRouteTransformer#UNROUTED}, where unrouted reports wait for an operator, many per transaction
 * ({@link BatchedMoves}, decision 152), each leaving its queue only with its copy stored, with one WARN per account;
 * those that arrive later are routed there directly ({@link AccountQueueKeeper#reportTarget}). Runs on the reloader's
 * thread, never on an event loop.
 */
final class StrandedReports {

   private static final Logger logger = LoggerFactory.getLogger(StrandedReports.class);
   private static final SimpleString UNROUTED = SimpleString.of(DrRouteTransformer.UNROUTED);
   /** Browse and move this many at a time, so a long queue is not read into memory at once. */
   private static final int BATCH = 1000;

   private final ActiveMQServer server;
   private final SmsRouter router;

   StrandedReports(ActiveMQServer server, SmsRouter router) {
      this.server = server;
      this.router = router;
   }

   /**
    * The protocols {@code previous} allowed the account and {@code next} does not (both, when {@code next} has no
    * such account); empty when nothing was taken away.
    */
   static Set<AccessProtocol> removed(Account before, GatewayConfig next) {
      Account now = next.accounts().find(before.id()).orElse(null);
      Set<AccessProtocol> gone = EnumSet.noneOf(AccessProtocol.class);
      for (AccessProtocol protocol : AccessProtocol.values()) {
         if (before.allowsProtocol(protocol) && (now == null || !now.allowsProtocol(protocol))) {
            gone.add(protocol);
         }
      }
      return gone;
   }

   /**
    * After a reload that applied: tells routing which protocols reloads took from which accounts, then moves the waiting
    * reports of each such account and protocol to {@value DrRouteTransformer#UNROUTED} (those of this reload, and any an
    * earlier move left). A failure is logged; what was not moved stays where it was.
    */
   void moveAfterReload(GatewayConfig previous, GatewayConfig next) {
      AccountQueueKeeper keeper = router.accountQueueKeeper();
      if (keeper == null) {
         return;
      }
      keeper.accountsChanged(previous, next);
      for (Map.Entry<String, Set<AccessProtocol>> revoked : keeper.revokedProtocols().entrySet()) {
         String account = revoked.getKey();
         Set<AccessProtocol> gone = revoked.getValue();
         String queueName = router.accountQueue(account);
         Queue queue = server.locateQueue(SimpleString.of(queueName));
         if (queue == null || queue.getMessageCount() == 0) {
            continue;
         }
         String why = next.accounts().find(account).isEmpty() ? "was removed" : "no longer allows " + gone;
         try {
            long[] outcome = move(queue, gone);
            if (outcome[0] > 0 || outcome[1] > 0) {
               logger.warn("Account '{}' {}: {} report(s) of its {} MT that no session can take any more moved from {} to {}{}",
                           account, why, outcome[0], gone, queueName, DrRouteTransformer.UNROUTED,
                           outcome[1] == 0 ? "" : "; " + outcome[1] + " stay on " + queueName + " while "
                              + DrRouteTransformer.UNROUTED + " is full: the next reload moves them");
            }
         } catch (Exception e) {
            logger.warn("Account '{}' {}: its waiting reports of {} could not be moved from {} to {}; they stay there",
                        account, why, gone, queueName, DrRouteTransformer.UNROUTED, e);
         }
      }
   }

   /** Whether the message is a report of an MT submitted over one of {@code protocols}. */
   static boolean reportOf(Message message, Set<AccessProtocol> protocols) {
      if (SmsKind.of(message.getObjectProperty(SmsProperties.KIND)) != SmsKind.DR) {
         return false;
      }
      AccessProtocol protocol = AccountQueueKeeper.protocol(message.getObjectProperty(SmsProperties.PROTOCOL));
      return protocol != null && protocols.contains(protocol);
   }

   /** Moves the queue's reports of {@code protocols}; returns {moved, left}. */
   private long[] move(Queue queue, Set<AccessProtocol> protocols) throws Exception {
      PagingManager paging = server.getPagingManager();
      PagingStore target = paging.getPageStore(UNROUTED);
      long moved = 0;
      Set<Long> seen = new HashSet<>();
      boolean full = false;
      int stalled = 0;
      while (!full && stalled < 2) {
         List<Long> found = new ArrayList<>();
         QueueBrowsing.browse(queue, found::clear, ref -> {
            Message message = ref.getMessage();
            if (!seen.contains(message.getMessageID()) && reportOf(message, protocols)) {
               found.add(message.getMessageID());
            }
            return found.size() < BATCH;
         });
         if (found.isEmpty()) {
            // paged messages come into memory as the queue reads its pages: once more after asking it to
            stalled++;
            RoutedMove.depage(queue);
            continue;
         }
         stalled = 0;
         seen.addAll(found);
         long[] committed = {0};
         BatchedMoves.Effect[] effects = BatchedMoves.move(server, found, new BatchedMoves.Mover<>() {
            @Override
            public BatchedMoves.Effect move(int index, Long id, Transaction tx, BatchedMoves.Moves moves) throws Exception {
               return moveOne(queue, id, paging, target, tx, moves);
            }

            @Override
            public void committed(int index) {
               committed[0]++;
            }
         });
         moved += committed[0];
         router.reportsWithoutSession.add(committed[0]);
         for (BatchedMoves.Effect effect : effects) {
            if (effect == BatchedMoves.Effect.REFUSED || effect == BatchedMoves.Effect.FAILED_STOP) {
               full = true;
               break;
            }
         }
      }
      long left = 0;
      if (full) {
         left = countLeft(queue, protocols);
      }
      return new long[] {moved, left};
   }

   private static long countLeft(Queue queue, Set<AccessProtocol> protocols) {
      long[] left = {0};
      QueueBrowsing.browse(queue, () -> left[0] = 0, ref -> {
         if (reportOf(ref.getMessage(), protocols)) {
            left[0]++;
         }
         return true;
      });
      return left[0];
   }

   /**
    * Moves one report in the batch's transaction, as the parked receipts' set-aside does: the target's store asked
    * first, the report off its queue and acknowledged, its copy (noting the queue it came from) routed and checked for a
    * store that filled meanwhile; anything refused rolls the batch back and the report stays (decisions 146, 152).
    */
   private BatchedMoves.Effect moveOne(Queue queue, long id, PagingManager paging, PagingStore target, Transaction tx,
                                       BatchedMoves.Moves moves) throws Exception {
      if (StorageOverload.refusal(paging, target) != null) {
         return BatchedMoves.Effect.REFUSED;
      }
      MessageReference ref = queue.removeReferenceWithID(id);
      if (ref == null) {
         return BatchedMoves.Effect.UNCHANGED; // taken meanwhile
      }
      queue.referenceHandled(ref);
      queue.acknowledge(tx, ref);
      MovedMessages.putBackAsItWasOnRollback(tx);
      Message copy = MovedMessages.copyAsMoved(ref.getMessage(), UNROUTED, queue.getName(), server.getStorageManager());
      RoutingStatus status;
      try {
         status = server.getPostOffice().route(copy, new RoutingContextImpl(tx), false, false, null);
      } catch (ActiveMQAddressFullException fail) {
         return BatchedMoves.Effect.FAILED_STOP;
      }
      if (status == RoutingStatus.NO_BINDINGS || copy.isDropped()) {
         return BatchedMoves.Effect.FAILED_STOP; // no queue there (deleted), or a DROP store that filled
      }
      moves.moved(ref, UNROUTED, copy, status);
      return BatchedMoves.Effect.MOVED;
   }
}
