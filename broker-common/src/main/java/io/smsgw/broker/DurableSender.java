package io.smsgw.broker;

import java.util.ArrayList;
import java.util.List;

import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.IngressRouting;
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
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * Sends submitted messages into the broker and reports when they are durable, without ever waiting for the
 * disk: the callback runs from the journal's completion, so the protocol answers "accepted" only for
 * messages that are in the journal. Several messages of one submit go in one transaction: all or none.
 * A message for one of the routing plugin's ingress addresses is routed here before it is stored (decision 40).
 */
public final class DurableSender {

   /** What happened to a send that did not throw. */
   public enum Result {
      /** Routed; the callback will report durability. */
      ACCEPTED,
      /** No queue took the message: nobody would ever read it, so it was not kept. */
      NOT_ROUTED
   }

   private final ActiveMQServer server;
   private final StorageManager storage;
   private final ServerSession session;
   private final OperationContext context;
   private final PostOffice postOffice;
   private final GatewayRuntime runtime;
   private final boolean checkSendPermission;

   /** A sender for a client's session: its user's permission to send to each message's address is checked. */
   public DurableSender(ActiveMQServer server, ServerSession session, OperationContext context) {
      this(server, session, context, true);
   }

   private DurableSender(ActiveMQServer server, ServerSession session, OperationContext context, boolean checkSendPermission) {
      this.server = server;
      this.storage = server.getStorageManager();
      this.postOffice = server.getPostOffice();
      this.runtime = GatewayRuntime.of(server);
      this.session = session;
      this.context = context;
      this.checkSendPermission = checkSendPermission;
   }

   /** A sender for the gateway's own internal session (SMSC and FWD links), which has no user to check. */
   public static DurableSender forInternalSession(ActiveMQServer server, ServerSession session, OperationContext context) {
      return new DurableSender(server, session, context, false);
   }

   /**
    * Sends the messages; on {@link Result#ACCEPTED} the callback's done() runs once they are all durable
    * (onError on a journal failure). Broker failures are thrown.
    */
   public Result send(List<? extends Message> messages, IOCallback whenDurable) throws Exception {
      OperationContext previous = storage.getContext();
      storage.setContext(context);
      Transaction tx = messages.size() > 1 ? session.newTransaction() : null;
      try {
         IngressRouting routing = runtime.ingressRouting();
         boolean single = messages.size() == 1;
         for (Message message : messages) {
            SimpleString address = message.getAddressSimpleString();
            RoutingStatus status;
            if (routing != null && routing.routes(address)) {
               if (tx == null && message.getDuplicateIDBytes() != null) {
                  tx = session.newTransaction(); // the duplicate-id record is stored with the message, or neither
               }
               status = checkIngress(address, message, tx);
               if (status == RoutingStatus.OK) {
                  // Per send, not per sender: a link also sends from its correlation store's expiry thread.
                  List<Message> routed = new ArrayList<>(2);
                  routing.route(message, routed);
                  if (tx == null && routed.size() > 1) {
                     tx = session.newTransaction(); // a report and its billing record: both or neither
                  }
                  status = sendRouted(routed, tx);
               }
            } else {
               if (checkSendPermission && AccountSessions.checkedByGateway(session)) {
                  AccountSessions.check(server, session, address, CheckType.SEND); // the session's own check is off
               }
               status = session.send(tx, message, false, session.getName(), false);
               if (status == RoutingStatus.NO_BINDINGS && divertedOnly(address)) {
                  status = RoutingStatus.OK;
               }
            }
            if (status == RoutingStatus.DUPLICATED_ID && single) {
               // A resend of a message already stored (its sender set a duplicate id, e.g. a FWD whose answer was
               // lost): the broker dropped this copy, the first one is durable, so it counts as accepted.
               if (tx != null) {
                  tx.rollback();
                  tx = null;
               }
               continue;
            }
            if (status != RoutingStatus.OK) {
               if (tx != null) {
                  tx.rollback();
                  tx = null;
               }
               return Result.NOT_ROUTED;
            }
         }
         if (tx != null) {
            Transaction committing = tx;
            tx = null;
            committing.commit();
         }
         storage.afterCompleteOperations(whenDurable);
         return Result.ACCEPTED;
      } catch (Exception e) {
         if (tx != null) {
            tx.rollback();
         }
         throw e;
      } finally {
         storage.setContext(previous);
      }
   }

   /**
    * What the broker would check on the ingress address before its divert routes a message (decision 40): the
    * sender's permission to send there, and the address's duplicate-id check, in the send's transaction.
    */
   private RoutingStatus checkIngress(SimpleString address, Message message, Transaction tx) throws Exception {
      if (checkSendPermission) {
         AccountSessions.check(server, session, address, CheckType.SEND);
      }
      byte[] duplicateId = message.getDuplicateIDBytes();
      if (duplicateId != null && !postOffice.getDuplicateIDCache(address).atomicVerify(duplicateId, tx)) {
         return RoutingStatus.DUPLICATED_ID;
      }
      return RoutingStatus.OK;
   }

   /**
    * Stores what the route gave, each message at its routed address. As with the divert, a routed message no queue
    * takes (an intermediate report) is dropped without failing the send, and the sender needs no permission for the
    * routed address: where a message goes is the gateway's decision.
    */
   private RoutingStatus sendRouted(List<Message> routed, Transaction tx) throws Exception {
      // An account session checked by the gateway has the broker's check off already, and keeps it off.
      boolean toggle = checkSendPermission && !AccountSessions.checkedByGateway(session);
      if (toggle) {
         session.disableSecurity();
      }
      try {
         for (int i = 0; i < routed.size(); i++) {
            if (session.send(tx, routed.get(i), false, session.getName(), false) == RoutingStatus.DUPLICATED_ID) {
               return RoutingStatus.DUPLICATED_ID;
            }
         }
         return RoutingStatus.OK;
      } finally {
         if (toggle) {
            session.enableSecurity();
         }
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

   /**
    * Runs the task once everything this session has written so far is durable or has failed: each write's own
    * callback has reported its outcome by then (for example, before answering TERMINATE or unbind).
    */
   public void afterPendingWrites(Runnable task) {
      afterPendingWrites(new IOCallback() {
         @Override
         public void done() {
            task.run();
         }

         @Override
         public void onError(int errorCode, String errorMessage) {
            task.run();
         }
      });
   }
}
