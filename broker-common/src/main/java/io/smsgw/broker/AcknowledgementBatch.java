package io.smsgw.broker;

import java.util.function.IntConsumer;
import java.util.function.Supplier;

import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.transaction.impl.TransactionImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledgements gathered on one thread (an event loop) and committed together: one broker transaction, one
 * journal commit and one queue prompt per batch instead of one of each per message (decisions 32 and 33). A
 * failed commit is rolled back, so the batch's messages go back to the queue and are delivered again: at least
 * once, never lost. Not thread-safe.
 */
public final class AcknowledgementBatch {

   private static final Logger logger = LoggerFactory.getLogger(AcknowledgementBatch.class);

   private final StorageManager storage;
   private final Supplier<String> owner;
   private final IntConsumer settled;
   private Transaction acks;
   private int count;
   private ServerConsumer consumer;

   /**
    * @param owner   who acknowledges, for the log (asked only when something is logged)
    * @param settled told how many acknowledgements a commit settled, before the queue is prompted for more
    */
   public AcknowledgementBatch(StorageManager storage, Supplier<String> owner, IntConsumer settled) {
      this.storage = storage;
      this.owner = owner;
      this.settled = settled;
   }

   /** Nothing added since the last commit: whoever adds now schedules the next {@link #commit}. */
   public boolean isEmpty() {
      return consumer == null;
   }

   /** Acknowledges the message in the batch's transaction. */
   public void acknowledge(ServerConsumer consumer, long messageId) throws Exception {
      if (acks == null) {
         acks = new TransactionImpl(storage);
      }
      count++;
      this.consumer = consumer;
      consumer.individualAcknowledge(acks, messageId);
   }

   /**
    * Gives back what was acknowledged since the last commit, when a later acknowledgement of the batch failed (its
    * consumer closed meanwhile): rolled back, those messages go back to their queue, where the abandoned transaction
    * would have held them, neither on the queue nor delivered, until a restart. Settles nothing.
    */
   public void rollback() {
      Transaction abandoned = acks;
      acks = null;
      count = 0;
      consumer = null;
      if (abandoned != null) {
         try {
            abandoned.rollback();
         } catch (Exception e) {
            logger.warn("{}: could not put back the messages of a failed acknowledgement", owner.get(), e);
         }
      }
   }

   /** Only asks for the consumer to be prompted after the batch (a delivery was put back, not acknowledged). */
   public void promptAfter(ServerConsumer consumer) {
      this.consumer = consumer;
   }

   /** Commits the acknowledgements (or puts them back), reports how many, then prompts the consumer. */
   public void commit() {
      Transaction committing = acks;
      int committed = count;
      ServerConsumer toPrompt = consumer;
      acks = null;
      count = 0;
      consumer = null;
      if (committing != null) {
         try {
            committing.commit();
         } catch (Exception e) {
            logger.warn("{}: could not acknowledge {} messages; they will be delivered again", owner.get(), committed, e);
            try {
               committing.rollback();
            } catch (Exception rollback) {
               logger.warn("{}: could not put back the messages of a failed acknowledgement", owner.get(), rollback);
            }
         }
      }
      settled.accept(committed);
      if (toPrompt != null) {
         toPrompt.promptDelivery();
      }
   }
}
