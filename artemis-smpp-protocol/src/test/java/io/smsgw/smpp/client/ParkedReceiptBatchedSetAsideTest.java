package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.BatchedMoves;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parked receipts that can no longer match are set aside in batches (decision 152): before, each took a journal
 * transaction of its own and the broker's plugins never heard of the move. Now a batch shares a transaction, each
 * move is told to {@code messageMoved} once committed, and a set-aside address that fills in the middle of a batch
 * loses and duplicates no receipt.
 */
class ParkedReceiptBatchedSetAsideTest {

   @TempDir
   Path dir;

   /** Each move told to the plugins, and the transactions copies to the set-aside address are stored in. */
   private static final class Audit implements ActiveMQServerMessagePlugin {
      final List<Long> moved = Collections.synchronizedList(new ArrayList<>());
      final Set<Long> transactions = ConcurrentHashMap.newKeySet();
      volatile boolean committedWhenTold = true;

      @Override
      public void afterMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates,
                                    RoutingStatus result) {
         if (LinkMessages.EXHAUSTED_RECEIPTS.equals(message.getAddress()) && context.getTransaction() != null) {
            transactions.add(context.getTransaction().getID());
         }
      }

      @Override
      public void messageMoved(Transaction tx, MessageReference ref, AckReason reason, SimpleString destAddress,
                               Long destQueueID, ServerConsumer consumer, Message newMessage, RoutingStatus result)
         throws ActiveMQException {
         if (tx.getState() != Transaction.State.COMMITTED || !LinkMessages.EXHAUSTED_RECEIPTS.equals(destAddress.toString())) {
            committedWhenTold = false;
         }
         moved.add(ref.getMessageID());
      }
   }

   @Test
   void aThousandReceiptsAreSetAsideInOrderInTwoTransactionsAndThePluginsHearOfEach() throws Exception {
      Audit audit = new Audit();
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(audit)).start()) {
         ActiveMQServer server = broker.server();
         Queue parking = queue(server, LinkMessages.UNMATCHED_RECEIPTS);
         List<Long> parked = new ArrayList<>();
         for (int i = 0; i < ParkedReceiptRetrier.MOVED_PER_SCAN; i++) {
            parked.add(put(server, i)); // no id: can never match, to be set aside
         }
         awaitStored(parking, parked.size());
         new ParkedReceiptRetrier(server, null, Map.of(), List.of(3_600_000L), Runnable::run).scan();
         // The scan routes and commits on this thread and tells the plugins after each commit.
         assertTrue(audit.transactions.size() <= 2, "in " + audit.transactions.size() + " transactions, not one per receipt");
         assertEquals(parked, audit.moved, "messageMoved for each, in order");
         assertTrue(audit.committedWhenTold, "told once committed, with the set-aside address");

         Queue setAside = server.locateQueue(SimpleString.of(LinkMessages.EXHAUSTED_RECEIPTS));
         Wait.until("the receipts set aside", Duration.ofSeconds(30),
                    () -> parking.getMessageCount() == 0 && setAside.getMessageCount() == parked.size());
         assertEquals(numbers(0, parked.size()), numbers(setAside), "each receipt once, in the order it was parked");
      }
   }

   /**
    * The set-aside address (DROP) fills right before the 300th copy is routed, in the first batch: the batch rolls back
    * and every receipt stays parked (none lost, none on both queues); once there is room a scan sets all aside, in order.
    */
   @Test
   void aSetAsideAddressThatFillsInTheMiddleOfABatchLosesAndDuplicatesNoReceipt() throws Exception {
      int count = 600;
      AddressSettings roomy = new AddressSettings().setMaxSizeBytes(16L * 1024 * 1024)
         .setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP);
      Audit audit = new Audit();
      int[] routed = {0};
      PagingStore[] store = {null};
      ActiveMQServerMessagePlugin filler = new ActiveMQServerMessagePlugin() {
         @Override
         public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates) {
            if (store[0] != null && LinkMessages.EXHAUSTED_RECEIPTS.equals(message.getAddress()) && ++routed[0] == 300) {
               store[0].applySetting(new AddressSettings().setMaxSizeBytes(512)
                  .setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP));
            }
         }
      };
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
              cfg.addAddressSetting(LinkMessages.EXHAUSTED_RECEIPTS, roomy);
              cfg.registerBrokerPlugin(filler);
              cfg.registerBrokerPlugin(audit);
           }).start()) {
         ActiveMQServer server = broker.server();
         Queue parking = queue(server, LinkMessages.UNMATCHED_RECEIPTS);
         Queue setAside = queue(server, LinkMessages.EXHAUSTED_RECEIPTS);
         store[0] = server.getPagingManager().getPageStore(SimpleString.of(LinkMessages.EXHAUSTED_RECEIPTS));
         for (int i = 0; i < count; i++) {
            put(server, i);
         }
         awaitStored(parking, count);
         ParkedReceiptRetrier retrier = new ParkedReceiptRetrier(server, null, Map.of(), List.of(3_600_000L), Runnable::run);

         retrier.scan();
         assertTrue(routed[0] >= 300, "the address filled in the middle of the first batch");
         awaitListed(parking);
         awaitListed(setAside);
         List<Integer> left = numbers(parking);
         List<Integer> moved = numbers(setAside);
         assertEquals(count, left.size() + moved.size(), "each receipt on one of the queues: set aside " + moved.size());
         assertEquals(numbers(0, moved.size()), moved, "what was set aside, once each and in order");
         assertEquals(numbers(moved.size(), count), left, "the rest stays parked, in order");
         assertTrue(moved.size() < 300, "the batch with the refused copy rolled back");
         assertEquals(moved.size(), audit.moved.size(), "messageMoved for what was committed only");

         store[0].applySetting(roomy); // room again
         retrier.scan();
         Wait.until("every receipt set aside", Duration.ofSeconds(30),
                    () -> parking.getMessageCount() == 0 && setAside.getMessageCount() == count);
         assertEquals(numbers(0, count), numbers(setAside), "each once, in order");
         assertEquals(count, new HashSet<>(audit.moved).size());
         assertEquals(count, audit.moved.size());
      }
   }

   /**
    * A broker plugin fails the route of the 700th copy, in the second batch: that batch rolls back and the scan ends
    * with a WARN; the first batch stays set aside, the second is parked again as it was, in order, none on both queues,
    * and the next scan sets the rest aside.
    */
   @Test
   void aFailureInTheSecondBatchKeepsTheFirstAndPutsTheSecondBack() throws Exception {
      int count = 1_000;
      Audit audit = new Audit();
      int[] routed = {0};
      boolean[] failing = {true};
      ActiveMQServerMessagePlugin failer = new ActiveMQServerMessagePlugin() {
         @Override
         public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates)
            throws ActiveMQException {
            if (failing[0] && LinkMessages.EXHAUSTED_RECEIPTS.equals(message.getAddress()) && ++routed[0] == 700) {
               failing[0] = false;
               throw new ActiveMQException("a plugin refuses this route");
            }
         }
      };
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
              cfg.registerBrokerPlugin(failer);
              cfg.registerBrokerPlugin(audit);
           }).start()) {
         ActiveMQServer server = broker.server();
         Queue parking = queue(server, LinkMessages.UNMATCHED_RECEIPTS);
         Queue setAside = queue(server, LinkMessages.EXHAUSTED_RECEIPTS);
         for (int i = 0; i < count; i++) {
            put(server, i);
         }
         awaitStored(parking, count);
         ParkedReceiptRetrier retrier = new ParkedReceiptRetrier(server, null, Map.of(), List.of(3_600_000L), Runnable::run);

         retrier.scan();
         assertFalse(failing[0], "the plugin failed a route in the second batch");
         awaitListed(parking);
         awaitListed(setAside);
         assertEquals(numbers(0, BatchedMoves.MAX_MESSAGES), numbers(setAside), "the first batch stays set aside");
         assertEquals(numbers(BatchedMoves.MAX_MESSAGES, count), numbers(parking), "the second is parked again, in order");
         try (LinkedListIterator<MessageReference> refs = parking.browserIterator()) {
            assertEquals(0, refs.next().getDeliveryCount(), "the rolled-back move is no delivery");
         }
         assertEquals(BatchedMoves.MAX_MESSAGES, audit.moved.size(), "messageMoved for the committed batch only");

         retrier.scan();
         Wait.until("every receipt set aside", Duration.ofSeconds(30),
                    () -> parking.getMessageCount() == 0 && setAside.getMessageCount() == count);
         assertEquals(numbers(0, count), numbers(setAside), "each once, in order");
         assertEquals(count, new HashSet<>(audit.moved).size());
      }
   }

   private static List<Integer> numbers(int from, int to) {
      List<Integer> numbers = new ArrayList<>();
      for (int i = from; i < to; i++) {
         numbers.add(i);
      }
      return numbers;
   }

   /** The receipts' numbers on a queue, in its order. */
   private static List<Integer> numbers(Queue queue) {
      List<Integer> numbers = new ArrayList<>();
      try (LinkedListIterator<MessageReference> refs = queue.browserIterator()) {
         while (refs.hasNext()) {
            numbers.add(refs.next().getMessage().getIntProperty("n"));
         }
      }
      return numbers;
   }

   private static Queue queue(ActiveMQServer server, String name) throws Exception {
      SimpleString queueName = SimpleString.of(name);
      Queue queue = server.locateQueue(queueName);
      return queue != null ? queue : server.createQueue(QueueConfiguration.of(queueName).setAddress(queueName)
         .setRoutingType(RoutingType.ANYCAST).setDurable(true).setAutoCreateAddress(true), true);
   }

   /** Parks a durable receipt without an SMSC id (it can never match), numbered {@code n}; returns its broker id. */
   private static long put(ActiveMQServer server, int n) throws Exception {
      CoreMessage message = new CoreMessage(server.getStorageManager().generateID(), 256);
      message.setAddress(LinkMessages.UNMATCHED_RECEIPTS);
      message.setDurable(true);
      message.putStringProperty(SmsProperties.KIND, SimpleString.of("DR"));
      message.putStringProperty(SmsProperties.STATUS, SimpleString.of("DELIVRD"));
      message.putStringProperty(SmsProperties.LINK, SimpleString.of("gone"));
      message.putIntProperty("n", n);
      message.putLongProperty(SmsProperties.DONE_TIME, System.currentTimeMillis());
      server.getPostOffice().route(message, false);
      return message.getMessageID();
   }

   /**
    * Returns once the queue holds {@code count} messages: a durable message routed without a transaction is added to its
    * queue from the journal's completion, a moment after {@code route} returns, so flushing the queue alone is not enough.
    */
   private static void awaitStored(Queue queue, int count) throws Exception {
      Wait.until(queue.getName() + " holds the " + count + " messages put", Duration.ofSeconds(10), () -> queue.getMessageCount() == count);
      awaitListed(queue);
   }

   /** Returns once the queue lists what it has taken. */
   private static void awaitListed(Queue queue) throws InterruptedException {
      CountDownLatch listed = new CountDownLatch(1);
      queue.flushOnIntermediate(listed::countDown);
      assertTrue(listed.await(10, TimeUnit.SECONDS), queue.getName() + " listed what it took within 10 s");
   }
}
