package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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
 * With the shipped broker.xml's redelivery settings for {@code sms.#} (1 s, doubling), an MO an ESME throttles comes
 * again before the MO behind it. Before, Artemis gave the throttled MO the address's redelivery delay when it was put
 * back: it became a scheduled message for a second while the next MO was delivered after the 100 ms pause.
 */
class SmppThrottledMoOrderTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(10);
   private static final String ESME = "smppclient1";

   @TempDir
   Path dir;

   /** Throttles the first deliver_sm it gets, takes every other one. */
   static final class ThrottlesTheFirst implements MessageReceiverListener {
      final BlockingQueue<String> received = new LinkedBlockingQueue<>();
      private boolean throttled;

      @Override
      public synchronized void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
         received.add(new String(deliverSm.getShortMessage(), StandardCharsets.US_ASCII));
         if (!throttled) {
            throttled = true;
            throw new ProcessRequestException("slow down", SmppStatus.ESME_RTHROTTLED);
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

   /** The shipped broker.xml's sms.# redelivery settings. */
   static void shippedRedelivery(org.apache.activemq.artemis.core.config.Configuration cfg) {
      cfg.getAddressSettings().get("sms.#").setRedeliveryDelay(1000).setRedeliveryMultiplier(2)
         .setMaxRedeliveryDelay(300_000).setMaxDeliveryAttempts(200);
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

   @Test
   void aThrottledMoComesAgainBeforeTheMoBehindItWithTheShippedRedeliveryDelay() throws Exception {
      ThrottlesTheFirst esme = new ThrottlesTheFirst();
      try (TestBroker broker = TestBroker.smpp(dir, ";smppEnquireLinkInterval=0;smppWindowSize=1;smppThrottlePause=100")
              .configure(SmppThrottledMoOrderTest::shippedRedelivery).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         sendMo(jms, "MO1");
         sendMo(jms, "MO2");
         SMPPSession session = new SMPPSession();
         session.setMessageReceiverListener(esme);
         session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(BindType.BIND_RX, ESME, "password", "",
            TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
         try {
            List<String> order = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
               order.add(esme.next());
            }
            assertEquals(List.of("MO1", "MO1", "MO2"), order, "the throttled MO1 again, then MO2");
            Wait.until("both acknowledged", TIMEOUT, () -> broker.messageCount(SmsAddresses.accountQueue(ESME)) == 0);
         } finally {
            session.unbindAndClose();
         }
      }
   }
}
