package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code smppAccountQueuePrefix} set, the account's waiting and in-flight gauges and the management counts read the
 * queue the acceptor delivers from ({@code <prefix><account>}), not {@code sms.sp.<account>}: before they read 0 while
 * MO waited.
 */
class SmppCustomQueuePrefixMetricsTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(10);
   private static final String ESME = "smppclient1";
   private static final String QUEUE = "esme.in." + ESME;

   @TempDir
   Path dir;

   private static Gauge gauge(MeterRegistry registry, String name) {
      Gauge gauge = registry.find("sms.gateway." + name).tags("broker", "test-broker", "account", ESME).gauge();
      assertNotNull(gauge, name);
      return gauge;
   }

   private static void sendMo(Connection jms, String text) throws Exception {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(QUEUE))) {
         TextMessage message = session.createTextMessage(text);
         message.setStringProperty("smsKind", "MO");
         message.setStringProperty("smsSource", "8613800138002");
         message.setStringProperty("smsDestination", "8610086");
         producer.send(message);
      }
   }

   @Test
   void theQueueGaugesAndCountsFollowTheAcceptorsPrefix() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      SmppDeliveryMetricsTest.Esme esme = new SmppDeliveryMetricsTest.Esme();
      try (TestBroker broker = TestBroker.smpp(dir, ";smppEnquireLinkInterval=0;smppAccountQueuePrefix=esme.in.")
              .configure(cfg -> cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin))).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         SMPPSession session = new SMPPSession();
         session.setMessageReceiverListener(esme);
         session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(BindType.BIND_RX, ESME, "password", "",
            TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
         try {
            // Not answered until released: on the queue and in flight.
            sendMo(jms, "silent");
            assertEquals("silent", esme.next());
            Wait.until("the MO counted waiting and in flight", TIMEOUT,
                       () -> gauge(registry, "account.deliveries.waiting").value() == 1.0
                          && gauge(registry, "account.deliveries.in.flight").value() == 1.0);
            long[] counts = AcceptorMeters.deliveries(broker.server(), ESME);
            assertEquals(1, counts[AcceptorMeters.WAITING]);
            assertEquals(1, counts[AcceptorMeters.IN_FLIGHT]);
         } finally {
            esme.release.countDown();
            session.unbindAndClose();
         }
         Wait.until("answered and unbound", TIMEOUT, () -> !broker.hasSessionOf(ESME) && broker.messageCount(QUEUE) == 0);
         sendMo(jms, "later 1");
         sendMo(jms, "later 2");
         Wait.until("two waiting", TIMEOUT, () -> gauge(registry, "account.deliveries.waiting").value() == 2.0);
         assertEquals(2, AcceptorMeters.deliveries(broker.server(), ESME)[AcceptorMeters.WAITING]);
      }
   }
}
