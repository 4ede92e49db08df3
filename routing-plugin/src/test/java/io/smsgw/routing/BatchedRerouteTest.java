package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A removed SMSC link's queue is routed again in batches (decision 152): before, each MT was moved in a journal
 * transaction of its own (20,000 MT: 20,000 commits) and the broker's plugins (an admin's audit plugin) never heard
 * of the moves. Now a batch of MT shares a transaction, each moved MT is told to the plugins' {@code messageMoved}
 * once committed, and a copy refused in the middle of a batch loses and duplicates nothing.
 */
class BatchedRerouteTest {

   private static final String RECIPIENT = "8613800138000";
   private static final String ROUTES_TO_OLD = "{ prefix = \"86\", links = [ old ] }";
   private static final String ROUTES_TO_NEW = "{ prefix = \"86\", links = [ new ] }";
   private static final String OLD_QUEUE = SmsAddresses.smscLinkQueue("old");
   private static final String NEW_QUEUE = SmsAddresses.smscLinkQueue("new");

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   /** Links "old" (unless removed) and "new", both towards ports where no SMSC listens: what is routed to them waits. */
   private void writeConfig(int oldPort, int newPort, boolean withOld, String routes) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      String old = withOld ? "old { host = \"127.0.0.1\", port = %d, system-id = \"gw\", password = \"pw\", reconnect-min = 1s, reconnect-max = 2s }"
         .formatted(oldPort) : "";
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         links {
           %s
           new { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 1s, reconnect-max = 2s }
         }
         routes { mt = [ %s ] }
         """.formatted(old, newPort, routes));
      System.setProperty("smsgw.config", file.toString());
   }

   /** What an admin's audit plugin sees: each move after its commit, and the transactions re-routed MT are stored in. */
   private static final class Audit implements ActiveMQServerMessagePlugin {
      final List<Long> movedOriginals = java.util.Collections.synchronizedList(new ArrayList<>());
      final Set<String> movedTo = ConcurrentHashMap.newKeySet();
      final Set<Long> routeTransactions = ConcurrentHashMap.newKeySet();
      volatile boolean committedWhenTold = true;

      @Override
      public void afterMessageRoute(org.apache.activemq.artemis.api.core.Message message, RoutingContext context,
                                    boolean direct, boolean rejectDuplicates, RoutingStatus result) {
         Transaction tx = context.getTransaction();
         if (tx != null && message.getObjectProperty(RemovedLinkQueues.REROUTED_FROM) != null) {
            routeTransactions.add(tx.getID());
         }
      }

      @Override
      public void messageMoved(Transaction tx, MessageReference ref, AckReason reason, SimpleString destAddress,
                               Long destQueueID, ServerConsumer consumer,
                               org.apache.activemq.artemis.api.core.Message newMessage, RoutingStatus result)
         throws ActiveMQException {
         if (tx.getState() != Transaction.State.COMMITTED) {
            committedWhenTold = false;
         }
         movedOriginals.add(ref.getMessageID());
         movedTo.add(destAddress.toString());
      }
   }

   private TestBroker startBroker(ActiveMQServerMessagePlugin... plugins) throws Exception {
      String reports = SmsAddresses.accountQueue("app1");
      return TestBroker.smpp(dir, "").configure(cfg -> {
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         for (ActiveMQServerMessagePlugin plugin : plugins) {
            cfg.registerBrokerPlugin(plugin);
         }
         cfg.addQueueConfiguration(QueueConfiguration.of(reports).setAddress(reports).setRoutingType(RoutingType.ANYCAST));
         cfg.addAddressSetting(NEW_QUEUE, roomy());
      }).start();
   }

   /** The new link's queue: DROP when full, with room for every test's MT. */
   private static AddressSettings roomy() {
      return new AddressSettings().setMaxSizeBytes(64L * 1024 * 1024).setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP);
   }

   private static SmsRoutingControlMBean routing(TestBroker broker) {
      return (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
   }

   /** Sends {@code count} MT to sms.mt, numbered from 0, in transactions of 500; {@code duplicateIdOf} gets a duplicate id. */
   private static void sendMt(Connection jms, int count, int duplicateIdOf) throws Exception {
      try (Session session = jms.createSession(true, Session.SESSION_TRANSACTED);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
         for (int i = 0; i < count; i++) {
            TextMessage mt = session.createTextMessage("waits for a link that is down " + i);
            mt.setStringProperty("smsKind", "MT");
            mt.setStringProperty("smsId", smsId(i));
            mt.setStringProperty("smsAccount", "app1");
            mt.setStringProperty("smsSource", "10086");
            mt.setStringProperty("smsDestination", RECIPIENT);
            if (i == duplicateIdOf) {
               mt.setStringProperty("_AMQ_DUPL_ID", "seen-on-the-new-link");
            }
            producer.send(mt);
            if (i % 500 == 499) {
               session.commit();
            }
         }
         session.commit();
      }
   }

   private static String smsId(int i) {
      return String.format("%016x", 0xa000_0000L + i);
   }

   /** The smsIds waiting on a queue, in its order. */
   /**
    * The smsIds on {@code queue}, in its order, read on the broker: a JMS browser's enumeration ends at the first
    * message that is not at the client yet, which on a busy machine cut a browse of 20,000 short.
    */
   private static List<String> browse(TestBroker broker, String queue) throws Exception {
      List<String> ids = new ArrayList<>();
      try (LinkedListIterator<MessageReference> refs = broker.server().locateQueue(SimpleString.of(queue)).browserIterator()) {
         while (refs.hasNext()) {
            String id = refs.next().getMessage().getStringProperty("smsId");
            if (id != null) {
               ids.add(id);
            }
         }
      }
      return ids;
   }

   private static List<String> ids(int from, int to) {
      List<String> ids = new ArrayList<>();
      for (int i = from; i < to; i++) {
         ids.add(smsId(i));
      }
      return ids;
   }

   @Test
   void twentyThousandMtOfARemovedLinkMoveOnceEachInOrderInFewTransactionsAndThePluginsHearOfEach() throws Exception {
      int count = 20_000;
      int oldPort = JsmppSmsc.freePort();
      int newPort = JsmppSmsc.freePort();
      writeConfig(oldPort, newPort, true, ROUTES_TO_OLD);
      Audit audit = new Audit();
      try (TestBroker broker = startBroker(audit);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         sendMt(jms, count, -1);
         Wait.until("the MT on the old link's queue", Duration.ofSeconds(60), () -> broker.messageCount(OLD_QUEUE) == count);

         writeConfig(oldPort, newPort, false, ROUTES_TO_NEW);
         assertEquals("", routing(broker).reload());
         Wait.until("the MT on the new link's queue", Duration.ofSeconds(60),
                    () -> broker.messageCount(NEW_QUEUE) == count && broker.messageCount(OLD_QUEUE) == 0);

         assertEquals(ids(0, count), browse(broker, NEW_QUEUE), "every MT once, in the order it waited");
         assertTrue(audit.routeTransactions.size() <= count / 500 + 5,
                    "stored in " + audit.routeTransactions.size() + " transactions, not one per MT");
         assertEquals(count, audit.movedOriginals.size(), "messageMoved for each moved MT");
         assertEquals(count, new HashSet<>(audit.movedOriginals).size(), "once each");
         assertEquals(Set.of(SmsAddresses.MT), audit.movedTo, "moved to sms.mt, where routing took them");
         assertTrue(audit.committedWhenTold, "told once committed");
      }
   }

   /**
    * An MT in the middle of a batch is a duplicate on the new link's queue: the batch rolls back, the MT before it move
    * again without it, the duplicate stays on the removed link's queue and the MT after it move on. Nothing is lost,
    * nothing is stored twice, the order is kept on both queues.
    */
   @Test
   void aDuplicateInTheMiddleOfABatchStaysAndEveryOtherMtMovesOnce() throws Exception {
      int count = 1_500;
      int duplicate = 700;
      int oldPort = JsmppSmsc.freePort();
      int newPort = JsmppSmsc.freePort();
      writeConfig(oldPort, newPort, true, ROUTES_TO_OLD);
      Audit audit = new Audit();
      try (TestBroker broker = startBroker(audit);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         // The new link's queue already took a message under the duplicate id.
         try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
              MessageProducer producer = session.createProducer(session.createQueue(NEW_QUEUE))) {
            TextMessage earlier = session.createTextMessage("earlier");
            earlier.setStringProperty("_AMQ_DUPL_ID", "seen-on-the-new-link");
            producer.send(earlier);
         }
         sendMt(jms, count, duplicate);
         Wait.until("the MT on the old link's queue", Duration.ofSeconds(30), () -> broker.messageCount(OLD_QUEUE) == count);

         writeConfig(oldPort, newPort, false, ROUTES_TO_NEW);
         assertEquals("", routing(broker).reload());
         Wait.until("the MT moved", Duration.ofSeconds(30),
                    () -> broker.messageCount(NEW_QUEUE) == count && broker.messageCount(OLD_QUEUE) == 1);

         List<String> expected = ids(0, count);
         expected.remove(smsId(duplicate));
         assertEquals(expected, browse(broker, NEW_QUEUE), "every other MT once, in order");
         assertEquals(List.of(smsId(duplicate)), browse(broker, OLD_QUEUE), "the duplicate stays");
         assertEquals(count - 1, audit.movedOriginals.size(), "messageMoved for the moved MT only");
         assertEquals(count - 1, new HashSet<>(audit.movedOriginals).size());
         try (var refs = broker.server().locateQueue(SimpleString.of(OLD_QUEUE)).browserIterator()) {
            assertEquals(0, refs.next().getDeliveryCount(), "the rolled-back moves are no delivery");
         }
      }
   }

   /**
    * The new link's DROP queue fills in the middle of a batch (a broker plugin shrinks its limit right before the
    * 300th re-routed MT is stored): the batch rolls back, what was committed before stays moved, the rest waits on the
    * removed link's queue, each MT on exactly one of them; once there is room the rest moves, in order.
    */
   @Test
   void aDropTargetThatFillsInTheMiddleOfABatchLosesAndDuplicatesNothing() throws Exception {
      int count = 1_200;
      int oldPort = JsmppSmsc.freePort();
      int newPort = JsmppSmsc.freePort();
      writeConfig(oldPort, newPort, true, ROUTES_TO_OLD);
      FillsAt filler = new FillsAt(NEW_QUEUE, 300);
      Audit audit = new Audit();
      try (TestBroker broker = startBroker(filler, audit);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         sendMt(jms, count, -1);
         Wait.until("the MT on the old link's queue", Duration.ofSeconds(30), () -> broker.messageCount(OLD_QUEUE) == count);
         filler.store = broker.server().getPagingManager().getPageStore(SimpleString.of(NEW_QUEUE));

         writeConfig(oldPort, newPort, false, ROUTES_TO_NEW);
         SmsRoutingControlMBean control = routing(broker);
         assertEquals("", control.reload());
         assertTrue(filler.fired, "the store filled in the middle of a batch");
         List<String> moved = browse(broker, NEW_QUEUE);
         List<String> left = browse(broker, OLD_QUEUE);
         assertEquals(count, moved.size() + left.size(), "each MT on one of the queues: moved " + moved.size());
         assertEquals(ids(0, moved.size()), moved, "what moved, once each and in order");
         assertEquals(ids(moved.size(), count), left, "the rest waits, in order");
         assertTrue(moved.size() < 300, "the batch with the refused copy rolled back");
         assertEquals(moved.size(), audit.movedOriginals.size(), "messageMoved for what was committed only");

         filler.store.applySetting(roomy()); // room again
         String told = control.rerouteQueue(OLD_QUEUE);
         assertTrue(told.contains((count - moved.size()) + " MT routed again"), told);
         Wait.until("all MT on the new link's queue", Duration.ofSeconds(30),
                    () -> broker.messageCount(NEW_QUEUE) == count && broker.messageCount(OLD_QUEUE) == 0);
         assertEquals(ids(0, count), browse(broker, NEW_QUEUE), "every MT once, in order");
         assertEquals(count, new HashSet<>(audit.movedOriginals).size());
         assertEquals(count, audit.movedOriginals.size());
      }
   }

   /** Shrinks a DROP store's limit below what it holds right before the {@code at}-th re-routed MT is routed to it. */
   private static final class FillsAt implements ActiveMQServerMessagePlugin {

      private final String address;
      private final int at;
      private int seen;
      volatile PagingStore store;
      volatile boolean fired;

      FillsAt(String address, int at) {
         this.address = address;
         this.at = at;
      }

      @Override
      public void beforeMessageRoute(org.apache.activemq.artemis.api.core.Message message, RoutingContext context,
                                     boolean direct, boolean rejectDuplicates) {
         if (store != null && !fired && address.equals(message.getAddress())
             && message.getObjectProperty(RemovedLinkQueues.REROUTED_FROM) != null && ++seen == at) {
            fired = true;
            store.applySetting(new AddressSettings().setMaxSizeBytes(512).setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP));
         }
      }
   }
}
