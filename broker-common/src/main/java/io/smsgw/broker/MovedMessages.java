package io.smsgw.broker;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.server.impl.RefsOperation;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.transaction.TransactionPropertyIndexes;

/**
 * What the gateway's own moves share (held messages replaced, routing's moves, parked receipts set aside): each takes a
 * message off its queue and stores a copy in one transaction, so a copy the target cannot take rolls back and leaves
 * the original where it was (decisions 136, 146).
 */
public final class MovedMessages {

   private MovedMessages() {
   }

   /**
    * Makes a rollback of {@code tx} put the messages it acknowledged back on their queues at once, as they were. Artemis
    * treats a rolled-back acknowledgement as a failed delivery: the message would come back with a higher delivery count
    * after the address's redelivery-delay (1 s in the shipped broker.xml), a scheduled message meanwhile that scans do
    * not see. It was never delivered.
    */
   public static void putBackAsItWasOnRollback(Transaction tx) {
      if (tx.getProperty(TransactionPropertyIndexes.REFS_OPERATION) instanceof RefsOperation refs) {
         refs.setIgnoreRedeliveryCheck();
      }
   }

   /**
    * The copy Artemis' move makes of {@code original} (its {@code makeCopy}) for {@code address}: a new id, the
    * original's address, queue and id noted, no expiry, the original's routing type.
    */
   public static Message copyAsMoved(Message original, SimpleString address, SimpleString fromQueue, StorageManager storage) {
      Message copy = original.copy(storage.generateID(), true);
      copy.setAddress(address);
      copy.referenceOriginalMessage(original, fromQueue);
      copy.setExpiration(0);
      copy.setRoutingType(null);
      if (original.getBrokerProperty(Message.HDR_ORIG_ROUTING_TYPE) instanceof Byte type) {
         copy.setRoutingType(RoutingType.getType(type));
      }
      return copy;
   }
}
