package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.correlation.CorrelationStore;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parked receipt's tries (1 s, 5 s, 30 s, 2 min, 10 min after parking) follow a monotonic clock while the process
 * lives, whatever an NTP step does to the wall clock: a step forward made the missed tries one and set the receipt aside
 * after a single lookup, a step back held its tries for the length of the step. A receipt first seen after a restart
 * gets its age from its stored park time (wall clock), then counts on. The retrier's clocks are the test's; its store
 * only counts the lookups (and finds nothing); the receipt is one a {@link RawSmsc} sent, parked by a real link.
 */
class ParkedReceiptClockTest {

   private static final long HOUR = TimeUnit.HOURS.toMillis(1);
   private static final List<Long> TRIES = SmscLinkService.PARKED_RECEIPT_RETRIES;

   @TempDir
   Path dir;

   private final AtomicLong wall = new AtomicLong();
   private final AtomicLong monotonic = new AtomicLong(7_000);
   private final AtomicInteger lookups = new AtomicInteger();

   @BeforeEach
   void noLinksOfTheBroker() throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         """);
      System.setProperty("smsgw.config", file.toString());
      // The service's own retrier (on the real clocks) leaves the test's receipt alone.
      System.setProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY, "86400000");
   }

   @AfterEach
   void restore() {
      System.clearProperty("smsgw.config");
      System.clearProperty(SmscLinkService.PARKED_RECEIPT_RETRIES_PROPERTY);
   }

   /** Both clocks move on by {@code millis}, as time passes. */
   private void pass(long millis) {
      wall.addAndGet(millis);
      monotonic.addAndGet(millis);
   }

   @Test
   void aWallClockSteppedForwardNeitherCollapsesTheTriesNorSetsTheReceiptAsideEarly() throws Exception {
      run(0, (retrier, link) -> {
         scanExpecting(retrier, 0, "not due at once");
         pass(TRIES.get(0));
         scanExpecting(retrier, 1, "the first try at 1 s");
         wall.addAndGet(HOUR); // NTP steps the host's clock forward an hour
         scanExpecting(retrier, 1, "the step made no try due");
         scanExpecting(retrier, 1, "nor set it aside");
         assertEquals(0, link.parkedReceiptsExhausted.get(), "still parked");
         for (int i = 1; i < TRIES.size(); i++) {
            pass(TRIES.get(i) - TRIES.get(i - 1) - 1);
            scanExpecting(retrier, i, "try " + (i + 1) + " not due 1 ms early");
            pass(1);
            scanExpecting(retrier, i + 1, "try " + (i + 1) + " at its age");
         }
         retrier.scan();
         assertEquals(1, link.parkedReceiptsExhausted.get(), "set aside after its five tries");
      });
   }

   @Test
   void aWallClockSteppedBackDoesNotHoldTheTries() throws Exception {
      run(0, (retrier, link) -> {
         pass(TRIES.get(0));
         scanExpecting(retrier, 1, "the first try at 1 s");
         wall.addAndGet(-HOUR); // stepped back an hour
         pass(TRIES.get(1) - TRIES.get(0));
         scanExpecting(retrier, 2, "the second try at 5 s all the same");
         pass(TRIES.get(2) - TRIES.get(1));
         scanExpecting(retrier, 3, "the third at 30 s");
      });
   }

   @Test
   void aReceiptFoundAfterARestartTakesItsAgeFromItsParkTimeThenCountsOnMonotonically() throws Exception {
      run(40_000, (retrier, link) -> { // parked 40 s ago, by the process before the restart
         scanExpecting(retrier, 1, "the tries missed while down are one");
         wall.addAndGet(HOUR);
         pass(TRIES.get(3) - 40_000 - 1);
         scanExpecting(retrier, 1, "the 2 min try not due yet");
         pass(1);
         scanExpecting(retrier, 2, "the 2 min try");
         assertEquals(0, link.parkedReceiptsExhausted.get(), "still parked");
      });
   }

   private interface Steps {
      void run(ParkedReceiptRetrier retrier, SmscLink link) throws Exception;
   }

   /**
    * The SMSC sends a receipt no record matches, which the link parks; the test's wall clock reads its park time plus
    * {@code ageMillis} (parked that long ago, by the process before a restart). Then runs {@code steps}.
    */
   private void run(long ageMillis, Steps steps) throws Exception {
      int port = JsmppSmsc.freePort();
      // The parking queue configured, as broker.xml has it: the test broker's default auto-deletes one auto-created.
      try (RawSmsc smsc = new RawSmsc(port); TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg
              .addQueueConfiguration(QueueConfiguration.of(LinkMessages.UNMATCHED_RECEIPTS).setRoutingType(RoutingType.ANYCAST)))
              .start()) {
         SmscLinkService service = new SmscLinkService(broker.server(), linkRuntime(port));
         service.start();
         try {
            SmscLink link = service.links().get(0);
            Wait.until("link bound", Duration.ofSeconds(10), () -> link.state() == SmscLink.State.BOUND);
            ActiveMQServer server = broker.server();
            smsc.sendReceipt("7f3a", "DELIVRD", "8613800138000");
            assertEquals(0, smsc.deliveryAnswers.poll(10, TimeUnit.SECONDS), "answered ESME_ROK");
            Wait.until("the receipt parked", Duration.ofSeconds(10), () -> link.receiptsUnmatched.get() == 1);
            Queue parking = server.locateQueue(SimpleString.of(LinkMessages.UNMATCHED_RECEIPTS));
            awaitListed(parking);
            Wait.until("the receipt listed", Duration.ofSeconds(10), () -> parking.getMessageCount() == 1);
            wall.set(parkTime(parking) + ageMillis);
            ParkedReceiptRetrier retrier = new ParkedReceiptRetrier(server, countingStore(), Map.of("sim", link), TRIES,
                                                                    Runnable::run, wall::get, monotonic::get);
            steps.run(retrier, link);
         } finally {
            service.stop();
         }
      }
   }

   /** One scan; the store answers at once, so its lookups are done when it returns. */
   private void scanExpecting(ParkedReceiptRetrier retrier, int lookupsAfter, String what) {
      retrier.scan();
      assertEquals(lookupsAfter, lookups.get(), what);
   }

   /** A store that finds no record and counts the lookups. */
   private CorrelationStore countingStore() {
      return (CorrelationStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CorrelationStore.class},
         (proxy, method, args) -> switch (method.getName()) {
            case "get" -> {
               lookups.incrementAndGet();
               yield CompletableFuture.completedFuture(Optional.empty());
            }
            case "toString" -> "counting store";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException(method.getName());
         });
   }

   private static GatewayRuntime linkRuntime(int smscPort) {
      GatewayRuntime runtime = new GatewayRuntime();
      runtime.configure(GatewayConfigLoader.parse("""
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 2s, response-timeout = 3s, reconnect-min = 100ms, reconnect-max = 400ms }
         }
         """.formatted(smscPort), "links.conf"));
      return runtime;
   }

   /** The done time of the one parked receipt. */
   private static long parkTime(Queue parking) throws Exception {
      try (LinkedListIterator<MessageReference> browsed = parking.browserIterator()) {
         return browsed.next().getMessage().getLongProperty(SmsProperties.DONE_TIME);
      }
   }

   /** Returns once the queue lists what it has taken. */
   private static void awaitListed(Queue queue) throws InterruptedException {
      CountDownLatch listed = new CountDownLatch(1);
      queue.flushOnIntermediate(listed::countDown);
      assertTrue(listed.await(10, TimeUnit.SECONDS), queue.getName() + " listed what it took within 10 s");
   }
}
