package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.SmppStatus;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees of the deliveries to an ESME (a jSMPP receiver): MO and reports sent, acknowledged, refused
 * by the ESME's application, unanswered until the response timeout and sent again, and what waits on the account's
 * queue, as meters tagged with protocol and account and in the counts the routing bean shows.
 */
class SmppDeliveryMetricsTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(10);
   private static final String ESME = "smppclient1";

   @TempDir
   Path dir;

   /**
    * Answers each deliver_sm by its text: "refuse" with ESME_RX_T_APPN the first time, "silent" not at all the first
    * time (until the test ends), anything else (and every later attempt) with ESME_ROK.
    */
   static class Esme implements MessageReceiverListener {
      final BlockingQueue<String> received = new LinkedBlockingQueue<>();
      private final Set<String> seen = ConcurrentHashMap.newKeySet();
      final CountDownLatch release = new CountDownLatch(1);

      @Override
      public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
         String text = MessageType.SMSC_DEL_RECEIPT.containedIn(deliverSm.getEsmClass()) ? "report"
            : new String(deliverSm.getShortMessage(), StandardCharsets.US_ASCII);
         received.add(text);
         boolean first = seen.add(text);
         if (first && text.equals("refuse")) {
            throw new ProcessRequestException("application busy", SmppStatus.ESME_RX_T_APPN);
         }
         if (first && text.equals("silent")) {
            try {
               release.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
               Thread.currentThread().interrupt();
            }
         }
      }

      @Override
      public void onAcceptAlertNotification(AlertNotification alertNotification) {
      }

      @Override
      public DataSmResult onAcceptDataSm(DataSm dataSm, org.jsmpp.session.Session source) {
         return null;
      }

      String next() throws InterruptedException {
         String text = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
         assertNotNull(text, "a deliver_sm");
         return text;
      }
   }

   private static double counter(MeterRegistry registry, String name, String... tags) {
      FunctionCounter counter = registry.find("sms.gateway." + name).tags("broker", "test-broker", "protocol", "SMPP", "account", ESME)
         .tags(tags).functionCounter();
      assertNotNull(counter, name + " " + String.join(",", tags));
      return counter.count();
   }

   private static Gauge gauge(MeterRegistry registry, String name) {
      return registry.find("sms.gateway." + name).tags("broker", "test-broker", "account", ESME).gauge();
   }

   private static void send(Connection jms, String text, String... properties) throws JMSException {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue(ESME)))) {
         TextMessage message = session.createTextMessage(text);
         for (int i = 0; i < properties.length; i += 2) {
            message.setStringProperty(properties[i], properties[i + 1]);
         }
         producer.send(message);
      }
   }

   private static void sendMo(Connection jms, String text) throws JMSException {
      send(jms, text, "smsKind", "MO", "smsSource", "8613800138002", "smsDestination", "8610086");
   }

   @Test
   void deliveriesToAnEsmeAreCountedByKindAndByHowTheyEndedAndTheWaitingCountFollowsTheQueue() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      String queue = SmsAddresses.accountQueue(ESME);
      Esme esme = new Esme();
      try (TestBroker broker = TestBroker.smpp(dir, ";smppEnquireLinkInterval=0;smppResponseTimeout=500")
              .configure(cfg -> cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin))).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         assertNull(gauge(registry, "account.deliveries.waiting"), "no meters for an account before its first bind");
         SMPPSession session = new SMPPSession();
         session.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
         session.setMessageReceiverListener(esme);
         session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(BindType.BIND_RX, ESME, "password", "",
            TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
         try {
            // An MO and a report, acknowledged.
            sendMo(jms, "hello");
            assertEquals("hello", esme.next());
            send(jms, "", "smsKind", "DR", "smsId", "0a1b2c", "smsStatus", "DELIVRD",
                 "smsSource", "8613800138002", "smsDestination", "8610086");
            assertEquals("report", esme.next());
            Wait.until("both acknowledged", TIMEOUT, () -> broker.messageCount(queue) == 0);
            assertEquals(1.0, counter(registry, "account.deliveries", "kind", "mo"));
            assertEquals(1.0, counter(registry, "account.deliveries", "kind", "report"));
            Wait.until("both counted ok", TIMEOUT, () -> counter(registry, "account.deliveries.settled", "outcome", "ok") == 2.0);

            // Refused by the ESME's application, then accepted when it comes again.
            sendMo(jms, "refuse");
            assertEquals("refuse", esme.next());
            assertEquals("refuse", esme.next(), "sent again after the refusal");
            Wait.until("the second attempt acknowledged", TIMEOUT, () -> broker.messageCount(queue) == 0);
            assertEquals(1.0, counter(registry, "account.deliveries.settled", "outcome", "rejected"));
            assertEquals(1.0, counter(registry, "account.deliveries.redelivered", "kind", "mo"));

            // Not answered: waiting and in flight until the response timeout, then sent again and acknowledged.
            sendMo(jms, "silent");
            assertEquals("silent", esme.next());
            assertEquals(1.0, gauge(registry, "account.deliveries.waiting").value(), "the unanswered MO is still on the queue");
            assertEquals(1.0, gauge(registry, "account.deliveries.in.flight").value());
            assertEquals("silent", esme.next(), "sent again after the response timeout");
            Wait.until("the second attempt acknowledged", TIMEOUT, () -> broker.messageCount(queue) == 0);
            assertEquals(1.0, counter(registry, "account.deliveries.settled", "outcome", "timed-out"));
            assertEquals(2.0, counter(registry, "account.deliveries.redelivered", "kind", "mo"));
            Wait.until("every acknowledgement counted", TIMEOUT,
                       () -> counter(registry, "account.deliveries.settled", "outcome", "ok") == 4.0);
            assertEquals(5.0, counter(registry, "account.deliveries", "kind", "mo"), "hello, refuse twice, silent twice");
            assertEquals(0.0, counter(registry, "account.deliveries.settled", "outcome", "throttled"));
            assertEquals(0.0, gauge(registry, "account.deliveries.waiting").value());

            long[] bean = AcceptorMeters.deliveries(broker.server(), ESME);
            assertEquals(5, bean[AcceptorMeters.MO_SENT]);
            assertEquals(1, bean[AcceptorMeters.REPORTS_SENT]);
            assertEquals(2, bean[AcceptorMeters.REDELIVERED]);
            assertEquals(4, bean[AcceptorMeters.OK]);
            assertEquals(1, bean[AcceptorMeters.REJECTED]);
            assertEquals(1, bean[AcceptorMeters.TIMED_OUT]);
            assertEquals(0, bean[AcceptorMeters.WAITING]);
         } finally {
            esme.release.countDown();
            session.unbindAndClose();
         }
         // With nobody bound, what is sent to the account waits on its queue, and the gauge shows it.
         Wait.until("unbound", TIMEOUT, () -> !broker.hasSessionOf(ESME));
         sendMo(jms, "later 1");
         sendMo(jms, "later 2");
         Wait.until("two waiting", TIMEOUT, () -> gauge(registry, "account.deliveries.waiting").value() == 2.0);
         assertEquals(0.0, gauge(registry, "account.deliveries.in.flight").value());
         assertEquals(2, AcceptorMeters.deliveries(broker.server(), ESME)[AcceptorMeters.WAITING]);
      }
      assertNull(gauge(registry, "account.deliveries.waiting"), "the broker's stop removed the account's meters");
   }

   @Test
   void aLongMoSentAsPartsCountsAsOneDelivery() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      Esme esme = new Esme();
      try (TestBroker broker = TestBroker.smpp(dir, "")
              .configure(cfg -> cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin))).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         SMPPSession session = new SMPPSession();
         session.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
         session.setMessageReceiverListener(esme);
         session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(BindType.BIND_RX, ESME, "password", "",
            TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
         try {
            sendMo(jms, "x".repeat(200)); // two GSM parts
            esme.next();
            esme.next();
            Wait.until("the MO acknowledged", TIMEOUT, () -> broker.messageCount(SmsAddresses.accountQueue(ESME)) == 0);
            assertEquals(1.0, counter(registry, "account.deliveries", "kind", "mo"), "one message, however many parts");
            assertEquals(1.0, counter(registry, "account.deliveries.settled", "outcome", "ok"));
         } finally {
            session.unbindAndClose();
         }
      }
   }

   /** Refuses every deliver_sm of "never" for good (ESME_RX_P_APPN) and of "busy" for now (ESME_RX_T_APPN). */
   static final class RefusingEsme extends Esme {
      @Override
      public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
         String text = new String(deliverSm.getShortMessage(), StandardCharsets.US_ASCII);
         received.add(text);
         if (text.equals("never")) {
            throw new ProcessRequestException("never for this number", SmppStatus.ESME_RX_P_APPN);
         }
         if (text.equals("busy")) {
            throw new ProcessRequestException("application busy", SmppStatus.ESME_RX_T_APPN);
         }
      }
   }

   @Test
   void deliveriesDeadLetteredAreCountedPerAccountByWhyRefusedForGoodOrAtTheLastAttempt() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      String queue = SmsAddresses.accountQueue(ESME);
      RefusingEsme esme = new RefusingEsme();
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
         cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin));
         TestBroker.withDeadLetterQueue(cfg);
         cfg.getAddressSettings().get("sms.#").setMaxDeliveryAttempts(3);
      }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         SMPPSession session = new SMPPSession();
         session.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
         session.setMessageReceiverListener(esme);
         session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(BindType.BIND_RX, ESME, "password", "",
            TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
         try {
            sendMo(jms, "never");
            assertEquals("never", esme.next());
            Wait.until("refused for good, on the dead-letter queue", TIMEOUT,
                       () -> broker.messageCount(TestBroker.DEAD_LETTERS) == 1);
            sendMo(jms, "busy");
            for (int attempt = 1; attempt <= 3; attempt++) {
               assertEquals("busy", esme.next(), "attempt " + attempt);
            }
            Wait.until("dead-lettered after its third refusal", TIMEOUT, () -> broker.messageCount(TestBroker.DEAD_LETTERS) == 2);
            // The broker adds the copy to the dead-letter queue before the move's acknowledgement leaves the account's.
            Wait.until("gone from the account's queue", TIMEOUT, () -> broker.messageCount(queue) == 0);
            Wait.until("both counted", TIMEOUT,
                       () -> counter(registry, "account.deliveries.settled", "outcome", "rejected") == 4.0);
            assertEquals(1.0, counter(registry, "account.deliveries.dead-lettered", "reason", "refused"));
            assertEquals(1.0, counter(registry, "account.deliveries.dead-lettered", "reason", "attempts"),
                         "only the last of the three refusals sent it to the dead-letter address");
            long[] bean = AcceptorMeters.deliveries(broker.server(), ESME);
            assertEquals(1, bean[AcceptorMeters.DEAD_LETTERED_REFUSED]);
            assertEquals(1, bean[AcceptorMeters.DEAD_LETTERED_ATTEMPTS]);
            assertEquals(4, bean[AcceptorMeters.MO_SENT]);
         } finally {
            session.unbindAndClose();
         }
      }
   }

   @Test
   void aDeliveryAnOutgoingInterceptorVetoesIsNotCountedSentNorTimedOutAndComesAgain() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      String queue = SmsAddresses.accountQueue(ESME);
      Esme esme = new Esme();
      java.util.concurrent.atomic.AtomicInteger vetoes = new java.util.concurrent.atomic.AtomicInteger();
      try (TestBroker broker = TestBroker.smpp(dir, ";smppEnquireLinkInterval=0;smppResponseTimeout=500")
              .configure(cfg -> cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin))).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         // Vetoes the first two deliver_sm of "vetoed"; they reach the ESME from the third hand-over.
         broker.server().getRemotingService().addOutgoingInterceptor((SmppInterceptor) (pdu, connection) ->
            !(pdu instanceof io.smsgw.smpp.codec.DeliverSm deliver
              && new String(deliver.shortMessage(), StandardCharsets.US_ASCII).equals("vetoed")
              && vetoes.incrementAndGet() <= 2));
         SMPPSession session = new SMPPSession();
         session.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
         session.setMessageReceiverListener(esme);
         session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(BindType.BIND_RX, ESME, "password", "",
            TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
         try {
            sendMo(jms, "vetoed");
            assertEquals("vetoed", esme.next(), "put back at the response timeout and handed over again, not lost");
            Wait.until("acknowledged", TIMEOUT, () -> broker.messageCount(queue) == 0);
            assertEquals(3, vetoes.get(), "two hand-overs vetoed, the third let through");
            Wait.until("counted ok", TIMEOUT, () -> counter(registry, "account.deliveries.settled", "outcome", "ok") == 1.0);
            assertEquals(1.0, counter(registry, "account.deliveries", "kind", "mo"), "only the deliver_sm written counts as sent");
            assertEquals(0.0, counter(registry, "account.deliveries.settled", "outcome", "timed-out"),
                         "the ESME never had the vetoed ones to answer");
            assertNull(esme.received.poll(), "one deliver_sm reached the ESME");
         } finally {
            session.unbindAndClose();
         }
      }
   }
}
