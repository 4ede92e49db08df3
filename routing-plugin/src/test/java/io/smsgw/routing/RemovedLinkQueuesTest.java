package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStoreConfig;
import io.smsgw.correlation.RocksDbCorrelationStore;
import io.smsgw.correlation.SmsProtocol;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SMSC link removed from sms-gateway.conf left the MT waiting on its queue sms.smsc.&lt;link&gt; with nothing to
 * read them: no other link, no report, nothing in the log. Now, at the restart and at a reload that applies, they go
 * back through MT routing: to the link a route names now, else the no-route report; what an SMSC already accepted
 * (its correlation record exists) is not sent again. A file that fails validation moves nothing.
 */
class RemovedLinkQueuesTest {

   private static final String RECIPIENT = "8613800138000";
   private static final String FOREIGN = "4412345678";

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   /** Links "old" and, when {@code withOld} is false, only "new"; both point at ports where no SMSC listens (down). */
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

   private static final String ROUTES_TO_OLD = "{ prefix = \"86\", links = [ old ] }, { prefix = \"44\", links = [ old ] }";
   private static final String ROUTES_TO_NEW = "{ prefix = \"86\", links = [ new ] }";

   /** With the account's queue in place, as if its ESME had bound once, so its reports wait there. */
   private TestBroker startBroker() throws Exception {
      String reports = SmsAddresses.accountQueue("app1");
      return TestBroker.smpp(dir, "").configure(cfg -> {
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         cfg.addQueueConfiguration(QueueConfiguration.of(reports).setAddress(reports).setRoutingType(RoutingType.ANYCAST));
      }).start();
   }

   private static SmsRoutingControlMBean routing(TestBroker broker) {
      return (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
   }

   private static void sendMt(Session session, String smsId, String destination, String text, long validUntil) throws Exception {
      try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
         TextMessage mt = session.createTextMessage(text);
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "app1");
         mt.setStringProperty("smsSource", "10086");
         mt.setStringProperty("smsDestination", destination);
         mt.setLongProperty("smsValidityTime", validUntil);
         producer.setTimeToLive(validUntil - System.currentTimeMillis());
         producer.send(mt);
      }
   }

   private static CorrelationRecord accepted(String smscMessageId, String smsId, int ref, int total, int number, long validUntil) {
      return new CorrelationRecord("old", smscMessageId, smsId, "app1", null, "10086", RECIPIENT, null, 0, null, null, null,
         System.currentTimeMillis(), validUntil, ref, total, number, 1, SmsProtocol.APP, "");
   }

   /** The MT waiting on a queue, by smsId, with their link and expiry. */
   private static java.util.Map<String, Message> browse(Session session, String queue) throws Exception {
      java.util.Map<String, Message> found = new java.util.TreeMap<>();
      try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
         Enumeration<?> messages = browser.getEnumeration();
         while (messages.hasMoreElements()) {
            Message m = (Message) messages.nextElement();
            found.put(m.getStringProperty("smsId"), m);
         }
      }
      return found;
   }

   @Test
   void theMtOfALinkRemovedAcrossARestartAreRoutedAgainAndWhatAnSmscTookIsNotSentTwice() throws Exception {
      int oldPort = JsmppSmsc.freePort();
      int newPort = JsmppSmsc.freePort();
      writeConfig(oldPort, newPort, true, ROUTES_TO_OLD);
      long validUntil = System.currentTimeMillis() + 600_000;
      Path store;
      try (TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         sendMt(session, "00000000000000b1", RECIPIENT, "routed again to the new link", validUntil);
         sendMt(session, "00000000000000b2", FOREIGN, "no route any more", validUntil);
         sendMt(session, "00000000000000b3", RECIPIENT, "accepted before the crash", validUntil);
         sendMt(session, "00000000000000b4", RECIPIENT, "long ".repeat(40), validUntil);
         Wait.until("four MT on the old link's queue", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("old")) == 4);
         store = broker.server().getConfiguration().getJournalLocation().getAbsoluteFile().getParentFile().toPath()
            .resolve("sms-correlation");
      }
      // A crash had left records: the SMSC took b3 whole and part 1 of 2 of b4.
      try (RocksDbCorrelationStore records = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(store).build())) {
         records.put(accepted("smsc-3", "00000000000000b3", 0, 0, 0, validUntil)).toCompletableFuture().get(10, TimeUnit.SECONDS);
         records.put(accepted("smsc-4", "00000000000000b4", 7, 2, 1, validUntil)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      }

      writeConfig(oldPort, newPort, false, ROUTES_TO_NEW); // the admin removed link "old" and its routes
      try (TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         Wait.until("the removed link's queue routed again", Duration.ofSeconds(20),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("old")) == 1
                       && broker.messageCount(SmsAddresses.smscLinkQueue("new")) == 1);

         Message moved = browse(session, SmsAddresses.smscLinkQueue("new")).get("00000000000000b1");
         assertNotNull(moved, "the MT a route covers waits on the new link's queue");
         assertEquals("new", moved.getStringProperty("smsLink"));
         assertEquals(validUntil, moved.getJMSExpiration(), "it still expires when its validity ends");
         assertEquals(java.util.Set.of("00000000000000b4"), browse(session, SmsAddresses.smscLinkQueue("old")).keySet(),
                      "the MT an SMSC took in part stays for an operator: another link would send every part again");

         try (MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")))) {
            Message report = reports.receive(10_000);
            assertNotNull(report, "the no-route report of the MT no route covers now");
            assertEquals("00000000000000b2", report.getStringProperty("smsId"));
            assertEquals("UNDELIV", report.getStringProperty("smsStatus"));
            assertEquals(MtRouteTransformer.NO_ROUTE, report.getStringProperty("smsErrorCode"));
            assertNull(reports.receiveNoWait(), "none for the MT the SMSC accepted: its receipt or record expiry reports it");
         }

         SmsRoutingControlMBean control = routing(broker);
         assertArrayEquals(new String[] {"sms.smsc.old: 1"}, control.getQueuesWithoutLink());
         long[] counters = control.getAccountCounters("app1");
         assertEquals(0, counters[0], "routed again, not submitted again");
         assertEquals(1, counters[1], "one MT without a route");
         assertThrows(IllegalArgumentException.class, () -> control.rerouteQueue(SmsAddresses.smscLinkQueue("new")),
                      "a configured link's queue is its link's");
         assertTrue(control.rerouteQueue(SmsAddresses.smscLinkQueue("old")).contains("1 left"),
                    "by hand, the partly accepted MT still stays");
      }
   }

   @Test
   void aReloadThatRemovesALinkRoutesItsQueueAgainAndABrokenFileMovesNothing() throws Exception {
      int oldPort = JsmppSmsc.freePort();
      int newPort = JsmppSmsc.freePort();
      writeConfig(oldPort, newPort, true, ROUTES_TO_OLD);
      long validUntil = System.currentTimeMillis() + 600_000;
      try (TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         sendMt(session, "00000000000000c1", RECIPIENT, "waits for a link that is down", validUntil);
         Wait.until("the MT on the old link's queue", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("old")) == 1);
         SmsRoutingControlMBean control = routing(broker);
         assertEquals(0, control.getQueuesWithoutLink().length);

         // Link "old" gone but a route still names it: the file fails validation and nothing of it applies.
         writeConfig(oldPort, newPort, false, "{ prefix = \"86\", links = [ old ] }");
         assertFalse(control.reload().isEmpty(), "the broken file is refused");
         assertEquals(1, broker.messageCount(SmsAddresses.smscLinkQueue("old")), "a refused file moves nothing");
         assertEquals(0, control.getQueuesWithoutLink().length, "the link is still configured");

         writeConfig(oldPort, newPort, false, ROUTES_TO_NEW);
         assertEquals("", control.reload());
         Wait.until("the MT routed to the new link", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("old")) == 0
                       && broker.messageCount(SmsAddresses.smscLinkQueue("new")) == 1);
         assertEquals("new", browse(session, SmsAddresses.smscLinkQueue("new")).get("00000000000000c1").getStringProperty("smsLink"));
         assertEquals(0, control.getQueuesWithoutLink().length);

         // A queue of a gateway that is no peer (a peer removed earlier): listed for an operator, not moved.
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.gatewayQueue("009999")))) {
            producer.send(session.createTextMessage("for a peer that is gone"));
         }
         // The send returns once stored; the queue counts the message once its executor has filed it.
         Wait.until("the queue of the gateway that is no peer listed", Duration.ofSeconds(10),
                    () -> java.util.Arrays.equals(new String[] {"sms.gw.009999: 1"}, control.getQueuesWithoutLink()));
      }
   }

   /**
    * The broker's move removes each MT whatever became of its copy: with the new link's queue full under
    * address-full-policy DROP the MT of the removed link were dropped and gone, no report. Now they stay on the
    * removed link's queue while the store is full, and the next pass (here rerouteQueue) moves them once it has room.
    */
   @Test
   void theMtOfARemovedLinkStayWhileTheirNewLinksQueueIsFullUnderDropAndMoveOnceItHasRoom() throws Exception {
      int oldPort = JsmppSmsc.freePort();
      int newPort = JsmppSmsc.freePort();
      writeConfig(oldPort, newPort, true, ROUTES_TO_OLD);
      long validUntil = System.currentTimeMillis() + 600_000;
      String newQueue = SmsAddresses.smscLinkQueue("new");
      String reports = SmsAddresses.accountQueue("app1");
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
              cfg.registerBrokerPlugin(new SmsRoutingPlugin());
              cfg.addQueueConfiguration(QueueConfiguration.of(reports).setAddress(reports).setRoutingType(RoutingType.ANYCAST));
              cfg.addAddressSetting(newQueue, new AddressSettings().setMaxSizeBytes(16 * 1024)
                 .setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP));
           }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         for (int i = 1; i <= 3; i++) {
            sendMt(session, "00000000000000d" + i, RECIPIENT, "waits for a link that is down", validUntil);
         }
         Wait.until("three MT on the old link's queue", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("old")) == 3);
         // The new link (its SMSC down) has a full queue.
         try (MessageProducer producer = session.createProducer(session.createQueue(newQueue))) {
            for (int i = 0; i < 200 && !full(broker, newQueue); i++) {
               producer.send(session.createTextMessage("x".repeat(1024)));
            }
         }
         assertTrue(full(broker, newQueue), "the new link's queue is full");
         // Each send returned once its reference was handed to the queue; the queue's executor counts it a moment later.
         broker.server().locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of(newQueue)).flushExecutor();
         long filled = broker.messageCount(newQueue);

         writeConfig(oldPort, newPort, false, ROUTES_TO_NEW);
         SmsRoutingControlMBean control = routing(broker);
         assertEquals("", control.reload());
         // Browsed: a moved message leaves the queue's list at once (its count follows when the move's journal write completes).
         assertEquals(java.util.Set.of("00000000000000d1", "00000000000000d2", "00000000000000d3"),
                      browse(session, SmsAddresses.smscLinkQueue("old")).keySet(),
                      "the MT stay on the removed link's queue while their target is full, not dropped");
         String told = control.rerouteQueue(SmsAddresses.smscLinkQueue("old"));
         assertTrue(told.contains("0 MT routed again") && told.contains("is full"), told);
         assertEquals(3, browse(session, SmsAddresses.smscLinkQueue("old")).size());
         assertEquals(filled, broker.messageCount(newQueue));

         broker.server().locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of(newQueue)).deleteAllReferences();
         Wait.until("room on the new link's queue", Duration.ofSeconds(10), () -> !full(broker, newQueue));
         assertTrue(control.rerouteQueue(SmsAddresses.smscLinkQueue("old")).contains("3 MT routed again"));
         Wait.until("the MT routed to the new link", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("old")) == 0 && broker.messageCount(newQueue) == 3);
      }
   }

   /**
    * The race decision 136 left: the new link's DROP queue has room when the move asks its store and is full when the
    * copy is routed (a broker plugin shrinks its limit right before the routed MT is stored). The broker's move had
    * acknowledged the original anyway: the first MT was gone, no report, nothing in sms.dlq. Now its move rolls back:
    * all three stay on the removed link's queue, and move once the queue has room.
    */
   @Test
   void anMtWhoseDropTargetFillsBetweenTheQuestionAndTheRouteStaysOnTheRemovedLinksQueue() throws Exception {
      int oldPort = JsmppSmsc.freePort();
      int newPort = JsmppSmsc.freePort();
      writeConfig(oldPort, newPort, true, ROUTES_TO_OLD);
      long validUntil = System.currentTimeMillis() + 600_000;
      String newQueue = SmsAddresses.smscLinkQueue("new");
      String oldQueue = SmsAddresses.smscLinkQueue("old");
      String reports = SmsAddresses.accountQueue("app1");
      AddressSettings roomy = new AddressSettings().setMaxSizeBytes(16 * 1024)
         .setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP);
      FillsBeforeRoute filler = new FillsBeforeRoute(newQueue);
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
              cfg.registerBrokerPlugin(new SmsRoutingPlugin());
              cfg.registerBrokerPlugin(filler);
              cfg.addQueueConfiguration(QueueConfiguration.of(reports).setAddress(reports).setRoutingType(RoutingType.ANYCAST));
              cfg.addAddressSetting(newQueue, roomy);
           }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         for (int i = 1; i <= 3; i++) {
            sendMt(session, "00000000000000e" + i, RECIPIENT, "waits for a link that is down", validUntil);
         }
         Wait.until("three MT on the old link's queue", Duration.ofSeconds(10), () -> broker.messageCount(oldQueue) == 3);
         // One message on the new link's queue (its SMSC down): far from its 16 KiB, over the 512 bytes the filler sets.
         try (MessageProducer producer = session.createProducer(session.createQueue(newQueue))) {
            producer.send(session.createTextMessage("x".repeat(1024)));
         }
         Wait.until("the new link's queue holds one", Duration.ofSeconds(10), () -> broker.messageCount(newQueue) == 1);
         assertFalse(full(broker, newQueue));

         filler.store = broker.server().getPagingManager().getPageStore(org.apache.activemq.artemis.api.core.SimpleString.of(newQueue));
         filler.armed = true;
         writeConfig(oldPort, newPort, false, ROUTES_TO_NEW);
         SmsRoutingControlMBean control = routing(broker);
         assertEquals("", control.reload());
         assertFalse(filler.armed, "the store filled between the question and the route");
         assertTrue(full(broker, newQueue));
         assertEquals(java.util.Set.of("00000000000000e1", "00000000000000e2", "00000000000000e3"),
                      browse(session, oldQueue).keySet(), "the MT stay on the removed link's queue, none dropped");
         assertEquals(1, broker.messageCount(newQueue));
         assertTrue(browse(session, reports).isEmpty(), "no report: the MT were not handled");

         try (var refs = broker.server().locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of(oldQueue)).browserIterator()) {
            while (refs.hasNext()) {
               assertEquals(0, refs.next().getDeliveryCount(), "the rolled-back move is no delivery");
            }
         }

         filler.store.applySetting(roomy); // room again
         broker.server().locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of(newQueue)).deleteAllReferences();
         String told = control.rerouteQueue(oldQueue);
         assertTrue(told.contains("3 MT routed again"), told);
         // The queue lists a stored message once its journal write completes.
         Wait.until("the three MT on the new link's queue", Duration.ofSeconds(10), () -> {
            try {
               return browse(session, newQueue).size() == 3;
            } catch (Exception e) {
               throw new IllegalStateException(e);
            }
         });
         Map<String, Message> routed = browse(session, newQueue);
         assertEquals(java.util.Set.of("00000000000000e1", "00000000000000e2", "00000000000000e3"), routed.keySet());
         Message first = routed.get("00000000000000e1");
         // as the broker's move through the divert left them
         assertEquals(SmsAddresses.MT, first.getStringProperty("_AMQ_ORIG_ADDRESS"));
         assertEquals(SmsRoutingPlugin.MT_DIVERT, first.getStringProperty("_AMQ_ORIG_QUEUE"));
         assertEquals(oldQueue, first.getStringProperty("smsReroutedFrom"));
         assertTrue(first.getJMSExpiration() >= validUntil - 1000, "its validity is its expiry again");
         Wait.until("the old link's queue is empty", Duration.ofSeconds(10), () -> broker.messageCount(oldQueue) == 0);
      }
   }

   /** Shrinks a DROP store's limit below what it holds right before the first re-routed MT is routed to it. */
   private static final class FillsBeforeRoute implements org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin {

      private final String address;
      volatile org.apache.activemq.artemis.core.paging.PagingStore store;
      volatile boolean armed;

      FillsBeforeRoute(String address) {
         this.address = address;
      }

      @Override
      public void beforeMessageRoute(org.apache.activemq.artemis.api.core.Message message,
                                     org.apache.activemq.artemis.core.server.RoutingContext context,
                                     boolean direct, boolean rejectDuplicates) {
         if (armed && address.equals(message.getAddress())
             && message.getObjectProperty(RemovedLinkQueues.REROUTED_FROM) != null) {
            armed = false;
            store.applySetting(new AddressSettings().setMaxSizeBytes(512).setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP));
         }
      }
   }

   private static boolean full(TestBroker broker, String address) {
      try {
         return broker.server().getPagingManager().getPageStore(org.apache.activemq.artemis.api.core.SimpleString.of(address)).isFull();
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }
}
