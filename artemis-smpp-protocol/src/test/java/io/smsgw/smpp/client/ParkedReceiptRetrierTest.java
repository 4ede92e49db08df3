package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.smsgw.broker.testing.BrowserStepRace;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ParkedReceiptRetrier's pass over {@code sms.dr.unmatched} against a real broker's queues. */
class ParkedReceiptRetrierTest {

   private static final String HOLD_LINK = "hold-here";

   @TempDir
   Path dir;

   /**
    * A scan still sets aside the receipts that can no longer match although the last parked receipt leaves the queue
    * while the scan steps onto it (another scan's deletion after its DR, an operator's consumer, an expiry). Artemis'
    * browser takes the queue's lock twice for each step; the last message removed in between threw
    * NoSuchElementException, the scan ended with a WARN and set nothing aside (decision 89's race, on the parking
    * queue). Here the removal is made to land in that step ({@link BrowserStepRace}), three times.
    */
   @Test
   void aScanSetsAsideWhatCanNoLongerMatchWhenTheLastReceiptLeavesInTheMiddleOfItsStep() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, "").start();
           LogCapture log = LogCapture.start()) {
         ActiveMQServer server = broker.server();
         Queue parking = queue(server, LinkMessages.UNMATCHED_RECEIPTS);
         Queue setAside = queue(server, LinkMessages.EXHAUSTED_RECEIPTS);
         BrowserStepRace race = new BrowserStepRace(parking);
         // No receipt here has a configured link, so the store is never asked; the map holds the scan as it reads the
         // link of the receipt before the last.
         Map<String, SmscLink> links = new AbstractMap<>() {
            @Override
            public SmscLink get(Object key) {
               race.read(HOLD_LINK.equals(key));
               return null;
            }

            @Override
            public Set<Entry<String, SmscLink>> entrySet() {
               return Set.of();
            }
         };
         ParkedReceiptRetrier retrier = new ParkedReceiptRetrier(server, null, links, List.of(3_600_000L), Runnable::run);
         ExecutorService housekeeping = Executors.newSingleThreadExecutor();
         try {
            int removedInStep = 0;
            int tries = 0;
            // The removal cannot be placed in the step, only raced for: the browser's two halves take the queue's lock
            // back to back, with no call between them to hold the scan at. On two busy cores it can miss every try;
            // then nothing was tested (aborted below), which is not a scan that failed.
            while (removedInStep < 3 && tries < 50_000) {
               tries++;
               parking.deleteAllReferences();
               setAside.deleteAllReferences();
               put(server, null, "gone");          // no id: can never match, to be set aside
               put(server, "held", HOLD_LINK);     // the scan is held after reading it
               long last = put(server, "last", "other"); // waits for its tries; leaves in the scan's step
               awaitListed(parking);

               race.arm();
               Future<?> scan = housekeeping.submit(retrier::scan);
               boolean removed = race.removeInStep(last);
               scan.get(10, TimeUnit.SECONDS);
               if (removed) {
                  removedInStep++;
                  Wait.until("the receipt without an id set aside in scan " + tries, Duration.ofSeconds(10),
                             () -> setAside.getMessageCount() == 1 && parking.getMessageCount() == 1);
               }
            }
            assertEquals(List.of(), log.lines("WARN", "Scanning"), "no scan failed");
            assumeTrue(removedInStep > 0, "the removal landed in none of the scans' steps in 50,000 tries (a loaded machine)");
         } finally {
            housekeeping.shutdown();
         }
      }
   }

   /**
    * The set-aside address (DROP) has room when the scan asks its store and is full when the receipt's copy is routed
    * there (a broker plugin shrinks its limit right before). Artemis' move had acknowledged the receipt anyway: it was
    * gone from both queues. Now it stays parked, with one WARN, and is set aside by a scan once the address has room.
    */
   @Test
   void aReceiptWhoseSetAsideAddressFillsBetweenTheQuestionAndTheRouteStaysParked() throws Exception {
      AddressSettings roomy = new AddressSettings().setMaxSizeBytes(16 * 1024)
         .setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP);
      AtomicBoolean armed = new AtomicBoolean();
      AtomicReference<PagingStore> store = new AtomicReference<>();
      ActiveMQServerMessagePlugin filler = new ActiveMQServerMessagePlugin() {
         @Override
         public void beforeMessageRoute(org.apache.activemq.artemis.api.core.Message message, RoutingContext context,
                                        boolean direct, boolean rejectDuplicates) {
            if (LinkMessages.EXHAUSTED_RECEIPTS.equals(message.getAddress()) && armed.compareAndSet(true, false)) {
               store.get().applySetting(new AddressSettings().setMaxSizeBytes(512)
                  .setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP));
            }
         }
      };
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
              cfg.addAddressSetting(LinkMessages.EXHAUSTED_RECEIPTS, roomy);
              cfg.registerBrokerPlugin(filler);
           }).start();
           LogCapture log = LogCapture.start()) {
         ActiveMQServer server = broker.server();
         Queue parking = queue(server, LinkMessages.UNMATCHED_RECEIPTS);
         Queue setAside = queue(server, LinkMessages.EXHAUSTED_RECEIPTS);
         store.set(server.getPagingManager().getPageStore(SimpleString.of(LinkMessages.EXHAUSTED_RECEIPTS)));
         // One message set aside before: far from 16 KiB, over the 512 bytes the plugin sets.
         CoreMessage earlier = new CoreMessage(server.getStorageManager().generateID(), 1100);
         earlier.setAddress(LinkMessages.EXHAUSTED_RECEIPTS);
         earlier.setDurable(false);
         earlier.getBodyBuffer().writeBytes(new byte[1024]);
         server.getPostOffice().route(earlier, false);
         put(server, null, "gone"); // no id: can never match, to be set aside
         awaitListed(parking);
         awaitListed(setAside);
         assertFalse(store.get().isFull());
         ParkedReceiptRetrier retrier = new ParkedReceiptRetrier(server, null, Map.of(), List.of(3_600_000L), Runnable::run);

         armed.set(true);
         retrier.scan();
         assertFalse(armed.get(), "the set-aside address filled between the question and the route");
         awaitListed(parking);
         awaitListed(setAside);
         assertEquals(1, parking.getMessageCount(), "the receipt stays parked, not dropped");
         assertEquals(1, setAside.getMessageCount(), "only what was set aside before");
         assertEquals(1, log.count("WARN", "stay on " + LinkMessages.UNMATCHED_RECEIPTS));

         store.get().applySetting(roomy); // room again
         retrier.scan();
         Wait.until("the receipt set aside once there is room", Duration.ofSeconds(10),
                    () -> parking.getMessageCount() == 0 && setAside.getMessageCount() == 2);
      }
   }

   private static Queue queue(ActiveMQServer server, String name) throws Exception {
      SimpleString queueName = SimpleString.of(name);
      Queue queue = server.locateQueue(queueName);
      return queue != null ? queue : server.createQueue(QueueConfiguration.of(queueName).setAddress(queueName)
         .setRoutingType(RoutingType.ANYCAST).setDurable(false).setAutoCreateAddress(true), true);
   }

   /** Parks a non-durable receipt of {@code link} just now; returns its broker id. */
   private static long put(ActiveMQServer server, String smscId, String link) throws Exception {
      CoreMessage message = new CoreMessage(server.getStorageManager().generateID(), 256);
      message.setAddress(LinkMessages.UNMATCHED_RECEIPTS);
      message.setDurable(false);
      message.putStringProperty(SmsProperties.KIND, SimpleString.of("DR"));
      message.putStringProperty(SmsProperties.STATUS, SimpleString.of("DELIVRD"));
      message.putStringProperty(SmsProperties.LINK, SimpleString.of(link));
      if (smscId != null) {
         message.putStringProperty(SmsProperties.SMSC_MESSAGE_ID, SimpleString.of(smscId));
      }
      message.putLongProperty(SmsProperties.DONE_TIME, System.currentTimeMillis());
      server.getPostOffice().route(message, false);
      return message.getMessageID();
   }

   /** Returns once the queue lists what it has taken. */
   private static void awaitListed(Queue queue) throws InterruptedException {
      CountDownLatch listed = new CountDownLatch(1);
      queue.flushOnIntermediate(listed::countDown);
      assertTrue(listed.await(10, TimeUnit.SECONDS), queue.getName() + " listed what it took within 10 s");
   }
}
