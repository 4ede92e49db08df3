package io.smsgw.broker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.IngressRouting;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.postoffice.Binding;
import org.apache.activemq.artemis.core.postoffice.Bindings;
import org.apache.activemq.artemis.core.postoffice.PostOffice;
import org.apache.activemq.artemis.core.postoffice.impl.DivertBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.impl.RoutingContextImpl;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.utils.runnables.AtomicRunnable;

/**
 * Sends submitted messages into the broker and reports when they are durable, without ever waiting for the
 * disk: the callback runs from the journal's completion, so the protocol answers "accepted" only for
 * messages that are in the journal. Several messages of one submit go in one transaction: all or none.
 * A message for one of the routing plugin's ingress addresses is routed here before it is stored (decision 40), and
 * the counters routing keeps for it are incremented only once it is durable, just before the callback's done(): a
 * send that fails or is rolled back, or a routed message the broker drops as a duplicate, counts nothing.
 * <p>
 * Before each message is sent the store of its address is asked whether it can take it (decision 131,
 * {@link StorageOverload}): the disk over max-disk-usage, or the address's memory full under BLOCK, FAIL or DROP. Such
 * a send, one the broker refuses as full (FAIL) and one it drops (DROP) store nothing and never report durable: the
 * send throws {@link StorageFull}, which names the store and the cause of that refusal (a link sends from its event
 * loop and from its correlation store's expiry thread, so nothing about a refusal is kept in the sender).
 */
public final class DurableSender {

   /** What happened to a send that did not throw. */
   public enum Result {
      /** Routed; the callback will report durability. */
      ACCEPTED,
      /** No queue took the message: nobody would ever read it, so it was not kept. */
      NOT_ROUTED
   }

   /**
    * The broker's storage could not take a message of the send now (decision 131); nothing of the send was kept.
    * {@link #whenStorageFrees} says when to try again. Carries what refused it, so that sends on other threads cannot
    * change it; no stack trace, since a client retrying at wire speed would make one per submit.
    */
   public static final class StorageFull extends ActiveMQException {

      private static final long serialVersionUID = 1L;

      private final StorageOverload.Cause storageCause;
      /** The store that refused (null: the disk, for an address without a store). */
      private final transient PagingStore store;
      private final SimpleString address;

      StorageFull(StorageOverload.Cause storageCause, PagingStore store, SimpleString address) {
         super(ActiveMQExceptionType.ADDRESS_FULL, "storage full (" + storageCause.tag() + ") for " + address);
         this.storageCause = storageCause;
         this.store = store;
         this.address = address;
      }

      /** Why the message was refused. */
      public StorageOverload.Cause storageCause() {
         return storageCause;
      }

      /** The address of the message that was refused. */
      public String address() {
         return address.toString();
      }

      @Override
      public synchronized Throwable fillInStackTrace() {
         return this;
      }
   }

   private final ActiveMQServer server;
   private final StorageManager storage;
   private final ServerSession session;
   private final OperationContext context;
   private final PostOffice postOffice;
   private final GatewayRuntime runtime;
   private final boolean checkSendPermission;
   private final InTransaction inTransaction;
   private final PagingManager paging;

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
      this.inTransaction = new InTransaction(session);
      this.paging = server.getPagingManager();
   }

   /** A sender for the gateway's own internal session (SMSC and FWD links), which has no user to check. */
   public static DurableSender forInternalSession(ActiveMQServer server, ServerSession session, OperationContext context) {
      return new DurableSender(server, session, context, false);
   }

   /**
    * Sends the messages; on {@link Result#ACCEPTED} the callback's done() runs once they are all durable
    * (onError on a journal failure). Broker failures are thrown; a store that cannot take a message now throws
    * {@link StorageFull}, after the send's transaction was rolled back.
    */
   public Result send(List<? extends Message> messages, IOCallback whenDurable) throws Exception {
      OperationContext previous = storage.getContext();
      storage.setContext(context);
      Transaction tx = messages.size() > 1 ? session.newTransaction() : null;
      Routed routed = null;
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
                  if (routed == null) {
                     routed = new Routed(whenDurable);
                  }
                  int first = routed.size();
                  int counted = routed.counted;
                  routing.route(message, routed, routed);
                  if (tx == null && routed.size() - first > 1) {
                     tx = session.newTransaction(); // a report and its billing record: both or neither
                  }
                  status = sendRouted(routed, first, tx);
                  if (status != RoutingStatus.OK) {
                     routed.counted = counted; // dropped as a duplicate (or the whole send fails): not counted
                  }
               }
            } else {
               if (checkSendPermission && AccountSessions.checkedByGateway(session)) {
                  AccountSessions.check(server, session, address, CheckType.SEND); // the session's own check is off
               }
               status = send(tx, message);
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
         storage.afterCompleteOperations(routed == null ? whenDurable : routed);
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
   private RoutingStatus sendRouted(List<Message> routed, int first, Transaction tx) throws Exception {
      // An account session checked by the gateway has the broker's check off already, and keeps it off.
      boolean toggle = checkSendPermission && !AccountSessions.checkedByGateway(session);
      if (toggle) {
         session.disableSecurity();
      }
      try {
         for (int i = first; i < routed.size(); i++) {
            if (send(tx, routed.get(i)) == RoutingStatus.DUPLICATED_ID) {
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
    * One send's routed messages and the counters routing keeps for them, and the send's completion: the counters are
    * incremented once everything is durable, before the caller hears done(). One object per send, in place of the
    * list of routed messages it needs anyway; the first counters need no array (a report counts three).
    */
   private static final class Routed extends ArrayList<Message> implements IngressRouting.Counts, IOCallback {

      private final IOCallback whenDurable;
      private LongAdder c0;
      private LongAdder c1;
      private LongAdder c2;
      private LongAdder c3;
      private LongAdder[] more;
      /** How many counters were added and are still to count. */
      int counted;

      Routed(IOCallback whenDurable) {
         super(2);
         this.whenDurable = whenDurable;
      }

      @Override
      public void add(LongAdder counter) {
         switch (counted) {
            case 0 -> c0 = counter;
            case 1 -> c1 = counter;
            case 2 -> c2 = counter;
            case 3 -> c3 = counter;
            default -> {
               int i = counted - 4;
               if (more == null) {
                  more = new LongAdder[8];
               } else if (i == more.length) {
                  more = Arrays.copyOf(more, i * 2);
               }
               more[i] = counter;
            }
         }
         counted++;
      }

      private LongAdder counter(int i) {
         return switch (i) {
            case 0 -> c0;
            case 1 -> c1;
            case 2 -> c2;
            case 3 -> c3;
            default -> more[i - 4];
         };
      }

      @Override
      public void done() {
         for (int i = 0; i < counted; i++) {
            counter(i).increment();
         }
         whenDurable.done();
      }

      @Override
      public void onError(int errorCode, String errorMessage) {
         whenDurable.onError(errorCode, errorMessage);
      }
   }

   /**
    * Sends one message, in {@code tx} when there is one. The gateway's sessions auto-commit their sends, and such a
    * session routes a send outside the transaction passed to it: the message was stored on its own, so a group send
    * refused halfway, or a report whose billing record failed, left what was already sent stored and delivered. The
    * send is routed with a context of this sender's that keeps the transaction; the session itself is not changed.
    */
   private RoutingStatus send(Transaction tx, Message message) throws Exception {
      // Before the send: a store that is full would drop it, fail it, or (BLOCK, disk full) take it without any limit,
      // as the broker applies its flow control only to its own clients' credits, never to a send on the server side.
      SimpleString address = message.getAddressSimpleString();
      PagingStore store = paging.getPageStore(address);
      StorageOverload.Cause cause = StorageOverload.refusal(paging, store);
      if (cause != null) {
         throw new StorageFull(cause, store, address);
      }
      RoutingStatus status;
      try {
         if (tx == null) {
            status = session.send(null, message, false, session.getName(), false);
         } else {
            synchronized (session) { // the context is this sender's, and a link sends from two threads
               try {
                  status = session.send(tx, message, false, session.getName(), false, inTransaction.bind(tx));
               } finally {
                  inTransaction.bind(null); // holds no transaction between sends
               }
            }
         }
      } catch (ActiveMQAddressFullException e) {
         // address-full-policy FAIL (or disk-full-policy FAIL) past the check above: transient, nothing of it kept.
         throw new StorageFull(paging.isDiskFull() ? StorageOverload.Cause.DISK : StorageOverload.Cause.ADDRESS, store, address);
      }
      if (status != RoutingStatus.NO_BINDINGS && message.isDropped()) {
         // address-full-policy or page-full-policy DROP: the broker returns OK and keeps nothing.
         throw new StorageFull(paging.isDiskFull() ? StorageOverload.Cause.DISK : StorageOverload.Cause.ADDRESS, store, address);
      }
      return status;
   }

   /**
    * Runs {@code whenFree} once the store that refused {@code full} can take messages again, from the broker's thread
    * that frees it (Artemis' {@code PagingStore.checkMemory}, as its own protocols wait for producer credit); at once
    * when it already can, or when its policy gives no such signal (DROP, a page limit). A caller registers one such
    * callback per connection ({@link PendingRequests#stopReadingForStorage}); {@code whenFree} removes itself from the
    * store when it runs ({@link StorageResume}).
    */
   public void whenStorageFrees(StorageFull full, AtomicRunnable whenFree) {
      PagingStore store = full.store;
      if (full.storageCause == StorageOverload.Cause.DISK || store == null) {
         // The store alone would call back only once its own memory is below its limit too: a paging store over
         // max-size-bytes (address-full-policy PAGE) never is while nobody consumes, and its connections would wait
         // for good after the disk freed. The paging manager calls back when the disk monitor sees the disk below its
         // limit (it looks only while a store is blocked, which the store's checkMemory below makes this one).
         paging.checkStorage(whenFree);
      }
      if (store != null) {
         store.checkMemory(whenFree, null);
      }
      // The store's FAIL branch registers without looking again: memory freed in between would never call back.
      if (StorageOverload.refusal(paging, store) == null) {
         whenFree.run();
      }
   }

   /**
    * The refusal that still holds for the store {@code full} named, or null once it can take messages: asked when a
    * "storage freed" callback runs. The store runs its callbacks from a task it queued when a size change found it not
    * full, and one queued just before it filled may run after a connection started waiting (under load it does):
    * such a wake-up must not end the wait. The cause may have changed (the disk freed, the address is still full).
    */
   public StorageFull stillFull(StorageFull full) {
      StorageOverload.Cause cause = StorageOverload.refusal(paging, full.store);
      if (cause == null) {
         return null;
      }
      return cause == full.storageCause ? full : new StorageFull(cause, full.store, full.address);
   }

   /**
    * A routing context that keeps the transaction it is bound to when the session, which auto-commits sends, sets
    * none. One per sender, reused as the session reuses its own.
    */
   private static final class InTransaction extends RoutingContextImpl {

      private Transaction bound;

      InTransaction(ServerSession session) {
         super(null);
         setServerSession(session);
      }

      InTransaction bind(Transaction tx) {
         bound = tx;
         super.setTransaction(tx);
         return this;
      }

      @Override
      public void setTransaction(Transaction tx) {
         super.setTransaction(tx == null ? bound : tx);
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
