package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.SmppStatus;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.InterfaceVersion;
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
 * An ESME that answers deliver_sm with ESME_RTHROTTLED or ESME_RMSGQFUL slows its session down: no deliver_sm goes out
 * for {@code smppThrottlePause}, and the throttled MO comes again without the attempt counting toward
 * max-delivery-attempts. Before, the MO was put back and handed over again at once, each throttling answer used one of
 * its attempts, and an ESME that throttled a while sent it to the dead-letter address.
 */
class SmppThrottledDeliveriesTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(10);
   private static final String ESME = "smppclient1";

   @TempDir
   Path dir;

   /** Throttles the first {@code throttles} attempts of each text (alternating the two throttling statuses), then takes it. */
   static final class ThrottlingEsme implements MessageReceiverListener {
      final BlockingQueue<String> received = new LinkedBlockingQueue<>();
      final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
      final int throttles;
      /** When the last throttling answer was about to be written (System.nanoTime). */
      volatile long lastThrottledAt;
      /** When each deliver_sm arrived, in order of arrival (System.nanoTime). */
      final BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();

      ThrottlingEsme(int throttles) {
         this.throttles = throttles;
      }

      @Override
      public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
         arrivals.add(System.nanoTime());
         String text = new String(deliverSm.getShortMessage(), StandardCharsets.US_ASCII);
         int attempt = attempts.computeIfAbsent(text, t -> new AtomicInteger()).incrementAndGet();
         if (attempt <= throttles) {
            lastThrottledAt = System.nanoTime(); // before the test can see this delivery
         }
         received.add(text);
         if (attempt <= throttles) {
            throw new ProcessRequestException("slow down", attempt % 2 == 1 ? SmppStatus.ESME_RTHROTTLED : SmppStatus.ESME_RMSGQFUL);
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

   private static void sendMo(Connection jms, String text) throws Exception {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue(ESME)))) {
         TextMessage message = session.createTextMessage(text);
         message.setStringProperty("smsKind", "MO");
         message.setStringProperty("smsSource", "8613800138002");
         message.setStringProperty("smsDestination", "8610086");
         producer.send(message);
      }
   }

   private static SMPPSession bind(TestBroker broker, MessageReceiverListener listener) throws Exception {
      SMPPSession session = new SMPPSession();
      session.setMessageReceiverListener(listener);
      session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(BindType.BIND_RX, ESME, "password", "",
         TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
      return session;
   }

   @Test
   void anMoThrottledMoreOftenThanMaxDeliveryAttemptsStillReachesTheEsmeAndIsNotDeadLettered() throws Exception {
      String queue = SmsAddresses.accountQueue(ESME);
      ThrottlingEsme esme = new ThrottlingEsme(5);
      try (TestBroker broker = TestBroker.smpp(dir, ";smppEnquireLinkInterval=0;smppThrottlePause=10").configure(cfg -> {
         TestBroker.withDeadLetterQueue(cfg);
         cfg.getAddressSettings().get("sms.#").setMaxDeliveryAttempts(3);
      }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         SMPPSession session = bind(broker, esme);
         try {
            sendMo(jms, "busy");
            for (int attempt = 1; attempt <= 6; attempt++) {
               assertEquals("busy", esme.next(), "attempt " + attempt + ": five throttled, the sixth taken");
            }
            Wait.until("acknowledged", TIMEOUT, () -> broker.messageCount(queue) == 0);
            assertEquals(0, broker.messageCount(TestBroker.DEAD_LETTERS), "throttling answers do not use up attempts");
            long[] counts = AcceptorMeters.deliveries(broker.server(), ESME);
            assertEquals(6, counts[AcceptorMeters.MO_SENT]);
            assertEquals(5, counts[AcceptorMeters.REDELIVERED], "each throttled MO sent again counts as redelivered");
            assertEquals(5, counts[AcceptorMeters.THROTTLED]);
            assertEquals(1, counts[AcceptorMeters.OK]);
            assertEquals(0, counts[AcceptorMeters.DEAD_LETTERED_ATTEMPTS]);
         } finally {
            session.unbindAndClose();
         }
      }
   }

   @Test
   void aThrottlingAnswerHoldsTheSessionsDeliveriesForThePauseAndTheThrottledMoGoesFirstAfterIt() throws Exception {
      long pauseMillis = 400;
      ThrottlingEsme esme = new ThrottlingEsme(1);
      try (TestBroker broker = TestBroker.smpp(dir, ";smppEnquireLinkInterval=0;smppWindowSize=1;smppThrottlePause=" + pauseMillis).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         // Three MO wait before the ESME binds; it throttles the first attempt of each.
         sendMo(jms, "first");
         sendMo(jms, "second");
         sendMo(jms, "third");
         SMPPSession session = bind(broker, esme);
         try {
            assertEquals("first", esme.next());
            long throttledAt = esme.lastThrottledAt;
            esme.arrivals.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS); // the first arrival
            assertEquals("first", esme.next(), "the throttled MO comes again before those behind it");
            Long again = esme.arrivals.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(again);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(again - throttledAt);
            assertTrue(waitedMillis >= pauseMillis - 50, "no deliver_sm for the pause after the throttling answer; came after "
                                                          + waitedMillis + " ms");
            // The next ones are throttled once each too, and every MO ends acknowledged, in order.
            assertEquals("second", esme.next());
            assertEquals("second", esme.next());
            assertEquals("third", esme.next());
            assertEquals("third", esme.next());
            Wait.until("all acknowledged", TIMEOUT, () -> broker.messageCount(SmsAddresses.accountQueue(ESME)) == 0);
         } finally {
            session.unbindAndClose();
         }
      }
   }
}
