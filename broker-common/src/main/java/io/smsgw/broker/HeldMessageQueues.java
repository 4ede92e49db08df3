package io.smsgw.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.channel.EventLoop;
import io.netty.util.internal.ThreadExecutorMap;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.postoffice.Binding;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.impl.QueueImpl;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.transaction.impl.TransactionImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MT messages the gateway still holds, i.e. not yet sent on: those waiting on the submit address or
 * on an SMSC link's queue. Backs SMPP query_sm / cancel_sm / replace_sm and CMPP CANCEL; one per session.
 * <p>
 * Operations run through {@link #afterArrivals}, one at a time in the order they were asked for, each once the one
 * before it has been answered (decision 69): a replace stores its replacement through the journal, so an operation
 * that started earlier missed it. Each also waits for the queues' intake: a queue takes a new message into the list its
 * scans read on its own executor, after the submit may already have been answered, so a scan started at once can miss
 * a message whose sender already holds its id (decision 64). Finding the queues (every binding of the broker), scans
 * and deletes run on the session's broker executor, never on an event loop. An operation counts as in flight until the
 * session says it was {@link #answered}, so the answer that ends the session (unbind_resp, TERMINATE_RESP) can wait
 * for the answers to operations asked for before it ({@link #afterAnswers}).
 */
public final class HeldMessageQueues {

   private static final Logger logger = LoggerFactory.getLogger(HeldMessageQueues.class);

   /**
    * A replacement refused because the store of the held message's address is full (decision 131): nothing was
    * replaced, the originals are held as before; answered with the transient status of a full store.
    */
   public static final class StorageFull extends Exception {
      private final StorageOverload.Cause cause;
      private final String address;

      StorageFull(StorageOverload.Cause cause, String address) {
         super("storage full (" + cause.tag() + ") for " + address, null, false, false); // only its type matters
         this.cause = cause;
         this.address = address;
      }

      public StorageOverload.Cause storageCause() {
         return cause;
      }

      public String address() {
         return address;
      }
   }

   /** A held message and the queue it waits on. */
   public record Held(Queue queue, MessageReference reference) {
   }

   private final ActiveMQServer server;
   private final String submitAddress;
   private final Executor executor;
   private final Consumer<Runnable> afterEarlierRequests;
   /** Operations asked for and not answered yet. */
   private final AtomicInteger inFlight = new AtomicInteger();
   /** Tasks waiting for inFlight to reach 0. */
   private final java.util.Queue<Runnable> afterAnswers = new ConcurrentLinkedQueue<>();
   /**
    * Operations whose turn has not come, oldest first. Each was counted as a pending request of the connection, which
    * stops reading at its cap (decision 57), so this holds at most that many.
    */
   private final java.util.Queue<Consumer<Scan>> waiting = new ConcurrentLinkedQueue<>();
   /** Operations in the chain and not answered: the one whose turn it is, and those waiting. */
   private final AtomicInteger chained = new AtomicInteger();

   /** For a session that stores nothing an operation would have to wait for (tests). */
   public HeldMessageQueues(ActiveMQServer server, String submitAddress, Executor executor) {
      this(server, submitAddress, executor, Runnable::run);
   }

   /**
    * {@code executor}: the session's ordered broker executor. {@code afterEarlierRequests}: runs a task once what the
    * session's requests read before stored is in the queues' intake (its submits durable and added; see
    * {@link DurableSender#afterPendingWrites(Runnable)}), on any thread, tasks in the order given.
    */
   public HeldMessageQueues(ActiveMQServer server, String submitAddress, Executor executor, Consumer<Runnable> afterEarlierRequests) {
      this.server = server;
      this.submitAddress = submitAddress;
      this.executor = executor;
      this.afterEarlierRequests = afterEarlierRequests;
   }

   /**
    * Runs the operation on the executor once every operation asked for before it has been answered, once the
    * session's earlier submits are in the queues' intake, and once every message added to the held-message queues
    * before then can be found by it, without waiting for anything: each queue is asked to run a marker after the
    * messages it has taken and not yet listed (Artemis' intermediate references, listed in order by the queue's
    * executor), and the operation is handed to the executor when the last queue has done so.
    * <p>
    * So each operation sees the effects of those before it: a message whose submit was read before it (its queue add
    * is an earlier task of the session's operation context), one whose submit was answered (added before the answer),
    * and a replacement stored by an earlier replace (added by the commit before the replace is answered). One
    * operation at a time, as a later one cannot know what an earlier one will change.
    * <p>
    * Called on the connection's event loop: the queues are looked up and marked in a task on the executor, as the
    * lookup walks every binding of the broker (one queue per account among them). The operation counts as in flight
    * until {@link #answered} is called for it; the next one starts then.
    */
   public void afterArrivals(Consumer<Scan> operation) {
      inFlight.incrementAndGet();
      try {
         afterEarlierRequests.accept(() -> chain(operation));
      } catch (RuntimeException e) {
         finished(); // never run: it must not hold up the answer that ends the session
         throw e;
      }
   }

   /** Its earlier submits are in: the operation takes its turn now if none is before it, else when the last is answered. */
   private void chain(Consumer<Scan> operation) {
      waiting.add(operation);
      if (chained.getAndIncrement() == 0) {
         startNext();
      }
   }

   /**
    * Hands the oldest waiting operation to the executor to mark the queues. Only one thread gets here at a time: the
    * one that made the chain non-empty, or the one that answered the operation before. An operation the executor
    * refuses (a stopping broker) goes unanswered and is passed over, in a loop rather than recursively.
    */
   private void startNext() {
      do {
         Consumer<Scan> next = waiting.poll();
         try {
            executor.execute(() -> markQueues(next));
            return;
         } catch (RuntimeException e) {
            logger.debug("Held-message operation not run", e);
            finished();
         }
      } while (chained.decrementAndGet() > 0);
   }

   private void markQueues(Consumer<Scan> operation) {
      List<Queue> queues = queues();
      Scan scan = new Scan(queues);
      AtomicInteger unpassed = new AtomicInteger(queues.size() + 1);
      Runnable arrived = () -> {
         if (unpassed.decrementAndGet() == 0) {
            try {
               executor.execute(() -> operation.accept(scan));
            } catch (RuntimeException e) {
               // Runs inside a queue's intake: nothing may escape into it. Only a stopping broker refuses tasks; the
               // operation then goes unanswered, but must hold up neither the operations after it nor the answer that
               // ends the session.
               logger.debug("Held-message operation not run", e);
               answered();
            }
         }
      };
      for (Queue queue : queues) {
         if (queue instanceof QueueImpl) {
            queue.flushOnIntermediate(arrived);
         } else {
            arrived.run(); // the interface's default would never run the marker; other queues list at once
         }
      }
      arrived.run();
   }

   /**
    * The operation whose turn it is has had its answer handed to the writer (or will never have one): its effects are
    * in the queues, so the next one may start. Any thread; once per operation.
    */
   public void answered() {
      if (chained.decrementAndGet() > 0) {
         startNext();
      }
      finished();
   }

   private void finished() {
      if (inFlight.decrementAndGet() == 0) {
         runAfterAnswers();
      }
   }

   /**
    * Runs the task once every operation asked for so far has been answered: at once (on this thread) when none is in
    * flight, else on the thread of the last answer. For the answer that ends a session, which must not overtake them;
    * the session asks for no operation after it, so the count only goes down from here.
    */
   public void afterAnswers(Runnable task) {
      afterAnswers.add(task);
      if (inFlight.get() == 0) {
         runAfterAnswers();
      }
   }

   /** Both the last answer and afterAnswers may get here at once: each task is taken by one of them only. */
   private void runAfterAnswers() {
      Runnable task;
      while ((task = afterAnswers.poll()) != null) {
         task.run();
      }
   }

   /** The held-message queues as they were when the operation marked them, to search and change. */
   public final class Scan {

      private final List<Queue> queues;

      private Scan(List<Queue> queues) {
         this.queues = queues;
      }

      /** The first held message matching the filter, or null. */
      public Held findFirst(Filter filter) {
         List<Held> found = find(queues, filter, true);
         return found.isEmpty() ? null : found.get(0);
      }

      /**
       * Whether a message matching the filter is being delivered from these queues: an SMSC link took it and has not
       * acknowledged it yet (its submit_sm unanswered, or its correlation record not yet stored). No longer held (a
       * cancel or replace cannot take it), not yet known to the correlation store: a query_sm answers it ENROUTE.
       * Copies each consumer's list of references in delivery; for a query, never per message.
       */
      public boolean inDelivery(Filter filter) {
         for (Queue queue : queues) {
            for (List<MessageReference> refs : queue.getDeliveringMessages().values()) {
               for (MessageReference ref : refs) {
                  if (filter.match(ref.getMessage())) {
                     return true;
                  }
               }
            }
         }
         return false;
      }

      /** Every held message matching the filter, e.g. all destinations of one submit_multi. */
      public List<Held> findAll(Filter filter) {
         return find(queues, filter, false);
      }

      /**
       * Replaces every held message matching the filter (all destinations of a submit_multi) with a copy
       * {@code change} is applied to, each on the queue its original waited on, in one transaction: on any failure
       * (thrown) the originals stay held. Those that left meanwhile are not replaced. Returns how many were replaced.
       * {@link StorageFull} when the store of a held message's address cannot take its replacement now.
       */
      public int replaceAll(Filter filter, Consumer<Message> change) throws Exception {
         return replace(findAll(filter), change);
      }

      /** As {@link #replaceAll(Filter, Consumer)}, for messages {@link #findAll} found (to look at them first). */
      public int replace(List<Held> originals, Consumer<Message> change) throws Exception {
         return HeldMessageQueues.this.replaceAll(originals, change);
      }

      /**
       * Takes every held message matching the filter off its queue, acknowledged in a transaction the caller ends:
       * its commit removes them for good, its rollback puts them back. For a submit that replaces them
       * (SMPP replace_if_present_flag), which commits only once it is stored, so a refused one leaves them held.
       */
      public Transaction takeAll(Filter filter) throws Exception {
         Transaction tx = new TransactionImpl(server.getStorageManager());
         try {
            for (Held held : findAll(filter)) {
               Queue queue = held.queue();
               MessageReference taken = queue.removeReferenceWithID(held.reference().getMessageID());
               if (taken != null) { // else it left meanwhile
                  queue.referenceHandled(taken);
                  queue.acknowledge(tx, taken);
               }
            }
            MovedMessages.putBackAsItWasOnRollback(tx);
            return tx;
         } catch (Exception e) {
            MovedMessages.putBackAsItWasOnRollback(tx);
            tx.rollback();
            throw e;
         }
      }

      /** Deletes every held message matching the filter; returns how many. */
      public int deleteAll(Filter filter) throws Exception {
         int removed = 0;
         for (Queue queue : queues) {
            removed += queue.deleteMatchingReferences(filter);
         }
         return removed;
      }
   }

   /** Matches the account's messages, narrowed by whichever of the other values are not null or empty. */
   public static Filter filter(String account, String smsId, String source, String destination) throws ActiveMQException {
      StringBuilder f = new StringBuilder();
      f.append(SmsProperties.ACCOUNT).append(" = '").append(quote(account)).append('\'');
      appendIfPresent(f, SmsProperties.ID.toString(), smsId);
      appendIfPresent(f, SmsProperties.SOURCE.toString(), source);
      appendIfPresent(f, SmsProperties.DESTINATION.toString(), destination);
      return FilterImpl.createFilter(f.toString());
   }

   /**
    * Matches the account's messages from exactly this source to exactly this destination under exactly this service
    * type, an empty value matching only an empty or absent one (unlike {@link #filter}, where empty means any).
    */
   public static Filter sameAddresses(String account, String source, String destination, String serviceType) throws ActiveMQException {
      StringBuilder f = new StringBuilder();
      f.append(SmsProperties.ACCOUNT).append(" = '").append(quote(account)).append('\'');
      appendExactly(f, SmsProperties.SOURCE.toString(), source);
      appendExactly(f, SmsProperties.DESTINATION.toString(), destination);
      appendExactly(f, SmsProperties.SERVICE_TYPE.toString(), serviceType);
      return FilterImpl.createFilter(f.toString());
   }

   private static void appendExactly(StringBuilder f, String property, String value) {
      if (value == null || value.isEmpty()) {
         f.append(" AND (").append(property).append(" IS NULL OR ").append(property).append(" = '')");
      } else {
         f.append(" AND ").append(property).append(" = '").append(quote(value)).append('\'');
      }
   }

   private static void appendIfPresent(StringBuilder f, String property, String value) {
      if (value != null && !value.isEmpty()) {
         f.append(" AND ").append(property).append(" = '").append(quote(value)).append('\'');
      }
   }

   private static String quote(String value) {
      return value.replace("'", "''");
   }

   private List<Queue> queues() {
      assert !onEventLoop() : "held-message queues looked up on an event loop";
      List<Queue> queues = new ArrayList<>();
      server.getPostOffice().getAllBindings().forEach((Binding binding) -> {
         if (binding instanceof LocalQueueBinding local) {
            String address = local.getAddress().toString();
            if (address.equals(submitAddress) || address.startsWith(SmsAddresses.SMSC_LINK_PREFIX)) {
               queues.add(local.getQueue());
            }
         }
      });
      return queues;
   }

   private static boolean onEventLoop() {
      return ThreadExecutorMap.currentExecutor() instanceof EventLoop;
   }

   private static List<Held> find(List<Queue> queues, Filter filter, boolean firstOnly) {
      List<Held> found = new ArrayList<>();
      for (Queue queue : queues) {
         if (find(queue, filter, firstOnly, found) && firstOnly) {
            return found;
         }
      }
      return found;
   }

   /**
    * Adds the queue's references matching the filter to {@code found}; returns whether there were any. A pass that
    * another thread's removal breaks is made again under the queue's lock, what it found dropped ({@link QueueBrowsing},
    * decision 89).
    */
   private static boolean find(Queue queue, Filter filter, boolean firstOnly, List<Held> found) {
      int before = found.size();
      QueueBrowsing.browse(queue, () -> found.subList(before, found.size()).clear(), ref -> {
         if (filter.match(ref.getMessage())) {
            found.add(new Held(queue, ref));
            return !firstOnly;
         }
         return true;
      });
      return found.size() > before;
   }

   private int replaceAll(List<Held> originals, Consumer<Message> change) throws Exception {
      StorageManager storage = server.getStorageManager();
      PagingManager paging = server.getPagingManager();
      Transaction tx = new TransactionImpl(storage);
      int replaced = 0;
      try {
         for (Held held : originals) {
            Queue queue = held.queue();
            // Off the queue first, so no consumer sends it on meanwhile; acked in the transaction, so a rollback puts it back.
            // A full store would drop the replacement (DROP) or take it past its limit (BLOCK, disk) while the
            // original's acknowledgement commits: refused before anything changes, transient (decision 131).
            PagingStore store = paging.getPageStore(queue.getAddress());
            StorageOverload.Cause cause = StorageOverload.refusal(paging, store);
            if (cause != null) {
               throw new StorageFull(cause, queue.getAddress().toString());
            }
            MessageReference original = queue.removeReferenceWithID(held.reference().getMessageID());
            if (original == null) {
               continue;
            }
            queue.referenceHandled(original);
            queue.acknowledge(tx, original);
            Message copy = original.getMessage().copy(storage.generateID());
            change.accept(copy);
            // Put where the original was, as Artemis moves a message: the gateway does this for the account,
            // which needs no permission for the link's queue, and the original's duplicate id is not a resend.
            Binding binding = server.getPostOffice().getBinding(queue.getName());
            RoutingStatus routed;
            try {
               routed = binding == null ? null : server.getPostOffice().route(copy, tx, false, false, binding);
            } catch (ActiveMQAddressFullException e) {
               // address-full-policy FAIL filled between the check and the route
               throw new StorageFull(paging.isDiskFull() ? StorageOverload.Cause.DISK : StorageOverload.Cause.ADDRESS,
                                     queue.getAddress().toString());
            }
            if (routed != RoutingStatus.OK) {
               throw new IllegalStateException("replacement not stored on " + queue.getName());
            }
            if (copy.isDropped()) {
               // filled between the check and the route: the broker answered OK and kept nothing; the rollback keeps the original
               throw new StorageFull(paging.isDiskFull() ? StorageOverload.Cause.DISK : StorageOverload.Cause.ADDRESS,
                                     queue.getAddress().toString());
            }
            replaced++;
         }
         if (replaced == 0) {
            MovedMessages.putBackAsItWasOnRollback(tx);
            tx.rollback();
         } else {
            tx.commit();
         }
         return replaced;
      } catch (Exception e) {
         MovedMessages.putBackAsItWasOnRollback(tx);
         tx.rollback();
         throw e;
      }
   }
}
