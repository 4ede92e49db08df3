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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStore;
import io.smsgw.correlation.SmsProtocol;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parked receipt is tried again in its link's correlation group, which the links bound to one SMSC account share: a
 * receipt that came on one bind before the record another link of the account made was there matches it at a later
 * try, and its DR names the link that sent the MT. Before, the retrier looked under the receiving link's name only, so
 * such a receipt was set aside and its MT reported EXPIRED. A real link (its group named) parks the receipt a
 * {@link RawSmsc} sent; the retrier's store answers with the other link's record under the group only.
 */
class ParkedReceiptCorrelationGroupTest {

   @TempDir
   Path dir;

   private final List<String> lookedIn = new CopyOnWriteArrayList<>();

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

   @Test
   void aParkedReceiptMatchesTheRecordAnotherLinkOfTheAccountMade() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port); TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg
              .addQueueConfiguration(QueueConfiguration.of(LinkMessages.UNMATCHED_RECEIPTS).setRoutingType(RoutingType.ANYCAST)))
              .start()) {
         SmscLinkService service = new SmscLinkService(broker.server(), linkRuntime(port));
         service.start();
         try {
            SmscLink link = service.links().get(0);
            String group = link.config().correlationGroup();
            assertEquals("acct", group);
            Wait.until("link bound", Duration.ofSeconds(10), () -> link.state() == SmscLink.State.BOUND);
            smsc.sendReceipt("7f3a", "DELIVRD", "8613800138000");
            assertEquals(0, smsc.deliveryAnswers.poll(10, TimeUnit.SECONDS), "answered ESME_ROK");
            Wait.until("the receipt parked", Duration.ofSeconds(10), () -> link.receiptsUnmatched.get() == 1);
            Queue parking = broker.server().locateQueue(SimpleString.of(LinkMessages.UNMATCHED_RECEIPTS));
            Wait.until("the receipt listed", Duration.ofSeconds(10), () -> parking.getMessageCount() == 1);
            long parkedAt = parkTime(parking);

            // Since then the account's other link (sim2) has stored the MT's record in the group.
            CorrelationRecord bySim2 = new CorrelationRecord("sim2", "7f3a", "00000000000000d1", "smppclient1", null, "10086",
               "8613800138000", null, 0, null, null, null, parkedAt - 1_000, parkedAt + 600_000, 0, 0, 0, 1,
               SmsProtocol.SMPP, "3.4", false, null, false, CorrelationRecord.ABSENT, CorrelationRecord.ABSENT,
               CorrelationRecord.ABSENT, CorrelationRecord.ABSENT, group);
            long firstTry = SmscLinkService.PARKED_RECEIPT_RETRIES.get(0);
            ParkedReceiptRetrier retrier = new ParkedReceiptRetrier(broker.server(), storeWith(bySim2),
               Map.of("sim", link), SmscLinkService.PARKED_RECEIPT_RETRIES, Runnable::run, () -> parkedAt + firstTry,
               () -> 1_000_000L + firstTry);
            retrier.scan();

            Wait.until("the parked receipt rematched", Duration.ofSeconds(10), () -> link.receiptsRematched.get() == 1);
            Wait.until("the parked copy gone", Duration.ofSeconds(10), () -> parking.getMessageCount() == 0);
            assertTrue(lookedIn.contains(group), "looked in the group: " + lookedIn);
            assertEquals(1, broker.messageCount(SmsAddresses.DR), "its DR stored");
            assertEquals(0, link.parkedReceiptsExhausted.get(), "not set aside");
         } finally {
            service.stop();
         }
      }
   }

   /** A store that holds {@code record} under its correlation group only, and notes where it was asked. */
   private CorrelationStore storeWith(CorrelationRecord record) {
      return (CorrelationStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CorrelationStore.class},
         (proxy, method, args) -> switch (method.getName()) {
            case "get" -> {
               lookedIn.add((String) args[0]);
               boolean held = record.correlationGroup().equals(args[0]) && record.smscMessageId().equals(args[1]);
               yield CompletableFuture.completedFuture(held ? Optional.of(record) : Optional.empty());
            }
            case "toString" -> "one-record store";
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
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4, correlation-group = "acct"
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
}
