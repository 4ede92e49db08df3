package io.smsgw.broker;

import java.util.List;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.postoffice.Binding;
import org.apache.activemq.artemis.core.postoffice.Bindings;
import org.apache.activemq.artemis.core.postoffice.PostOffice;
import org.apache.activemq.artemis.core.postoffice.impl.DivertBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * Sends submitted messages into the broker and reports when they are durable, without ever waiting for the
 * disk: the callback runs from the journal's completion, so the protocol answers "accepted" only for
 * messages that are in the journal. Several messages of one submit go in one transaction: all or none.
 */
public final class DurableSender {

   /** What happened to a send that did not throw. */
   public enum Result {
      /** Routed; the callback will report durability. */
      ACCEPTED,
      /** No queue took the message: nobody would ever read it, so it was not kept. */
      NOT_ROUTED
   }

   private final StorageManager storage;
   private final ServerSession session;
   private final OperationContext context;
   private final PostOffice postOffice;

   public DurableSender(ActiveMQServer server, ServerSession session, OperationContext context) {
      this.storage = server.getStorageManager();
      this.postOffice = server.getPostOffice();
      this.session = session;
      this.context = context;
   }

   /**
    * Sends the messages; on {@link Result#ACCEPTED} the callback's done() runs once they are all durable
    * (onError on a journal failure). Broker failures are thrown.
    */
   public Result send(List<? extends Message> messages, IOCallback whenDurable) throws Exception {
      OperationContext previous = storage.getContext();
      storage.setContext(context);
      try {
         Transaction tx = messages.size() > 1 ? session.newTransaction() : null;
         for (Message message : messages) {
            SimpleString address = message.getAddressSimpleString();
            RoutingStatus status = session.send(tx, message, false, session.getName(), false);
            if (status == RoutingStatus.DUPLICATED_ID && tx == null) {
               // A resend of a message already stored (its sender set a duplicate id, e.g. a FWD whose answer was
               // lost): the broker dropped this copy, the first one is durable, so it counts as accepted.
               continue;
            }
            if (status != RoutingStatus.OK && !(status == RoutingStatus.NO_BINDINGS && divertedOnly(address))) {
               if (tx != null) {
                  tx.rollback();
               }
               return Result.NOT_ROUTED;
            }
         }
         if (tx != null) {
            tx.commit();
         }
         storage.afterCompleteOperations(whenDurable);
         return Result.ACCEPTED;
      } finally {
         storage.setContext(previous);
      }
   }

   /**
    * The broker reports NO_BINDINGS for a message an exclusive divert took (the routing plugin's diverts):
    * the diverted copy was routed and stored in the same operation. An exclusive divert without a filter on
    * the address means every message is taken that way.
    */
   private boolean divertedOnly(SimpleString address) throws Exception {
      Bindings bindings = postOffice.getBindingsForAddress(address);
      if (bindings == null) {
         return false;
      }
      for (Binding binding : bindings.getBindings()) {
         if (binding instanceof DivertBinding divert && divert.isExclusive() && divert.getFilter() == null) {
            return true;
         }
      }
      return false;
   }

   /** Runs the callback once everything this session has written so far is durable. */
   public void afterPendingWrites(IOCallback callback) {
      OperationContext previous = storage.getContext();
      storage.setContext(context);
      try {
         storage.afterCompleteOperations(callback);
      } finally {
         storage.setContext(previous);
      }
   }
}
