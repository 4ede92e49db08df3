package io.smsgw.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.postoffice.Binding;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.transaction.impl.TransactionImpl;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;

/**
 * The MT messages the gateway still holds, i.e. not yet sent on: those waiting on the submit address or
 * on an SMSC link's queue. Backs SMPP query_sm / cancel_sm / replace_sm and CMPP CANCEL. Scans and deletes
 * touch the journal: call from a broker executor, never from an event loop.
 */
public final class HeldMessageQueues {

   /** A held message and the queue it waits on. */
   public record Held(Queue queue, MessageReference reference) {
   }

   private final ActiveMQServer server;
   private final String submitAddress;

   public HeldMessageQueues(ActiveMQServer server, String submitAddress) {
      this.server = server;
      this.submitAddress = submitAddress;
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

   private static void appendIfPresent(StringBuilder f, String property, String value) {
      if (value != null && !value.isEmpty()) {
         f.append(" AND ").append(property).append(" = '").append(quote(value)).append('\'');
      }
   }

   private static String quote(String value) {
      return value.replace("'", "''");
   }

   public List<Queue> queues() {
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

   /** The first held message matching the filter, or null. */
   public Held findFirst(Filter filter) {
      List<Held> found = find(filter, true);
      return found.isEmpty() ? null : found.get(0);
   }

   /** Every held message matching the filter, e.g. all destinations of one submit_multi. */
   public List<Held> findAll(Filter filter) {
      return find(filter, false);
   }

   private List<Held> find(Filter filter, boolean firstOnly) {
      List<Held> found = new ArrayList<>();
      for (Queue queue : queues()) {
         try (LinkedListIterator<MessageReference> it = queue.browserIterator()) {
            while (it.hasNext()) {
               MessageReference ref = it.next();
               if (filter.match(ref.getMessage())) {
                  found.add(new Held(queue, ref));
                  if (firstOnly) {
                     return found;
                  }
               }
            }
         }
      }
      return found;
   }

   /**
    * Replaces every held message matching the filter (all destinations of a submit_multi) with a copy
    * {@code change} is applied to, each on the queue its original waited on, in one transaction: on any failure
    * (thrown) the originals stay held. Those that left meanwhile are not replaced. Returns how many were replaced.
    */
   public int replaceAll(Filter filter, Consumer<Message> change) throws Exception {
      StorageManager storage = server.getStorageManager();
      Transaction tx = new TransactionImpl(storage);
      int replaced = 0;
      try {
         for (Held held : findAll(filter)) {
            Queue queue = held.queue();
            // Off the queue first, so no consumer sends it on meanwhile; acked in the transaction, so a rollback puts it back.
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
            if (binding == null || server.getPostOffice().route(copy, tx, false, false, binding) != RoutingStatus.OK) {
               throw new IllegalStateException("replacement not stored on " + queue.getName());
            }
            replaced++;
         }
         if (replaced == 0) {
            tx.rollback();
         } else {
            tx.commit();
         }
         return replaced;
      } catch (Exception e) {
         tx.rollback();
         throw e;
      }
   }

   /** Deletes every held message matching the filter; returns how many. */
   public int deleteAll(Filter filter) throws Exception {
      int removed = 0;
      for (Queue queue : queues()) {
         removed += queue.deleteMatchingReferences(filter);
      }
      return removed;
   }
}
