package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.smsgw.broker.testing.ConsumerNotifications;
import io.smsgw.broker.testing.FailureMidConsumer;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.DeliverSmResp;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.Tlvs;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ESME's socket closing while the gateway creates the consumer of its queue for the bind just accepted: the
 * broker's failure of the connection must not overtake the consumer's creation.
 */
class SmppConsumerCreationRaceTest {

   private static final String ESME = "smppclient1";
   private static final int CONNECTIONS = 20;

   @TempDir
   Path dir;

   @Test
   void aConnectionFailingWhileItsConsumerIsCreatedLeavesNoConsumerAndNoBrokerError() throws Exception {
      String queue = SmsAddresses.accountQueue(ESME);
      FailureMidConsumer race = new FailureMidConsumer(queue, CONNECTIONS);
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(race)).start()) {
         ConsumerNotifications notifications = ConsumerNotifications.on(broker.server(), queue);
         for (int i = 1; i <= CONNECTIONS; i++) {
            try (RawSmppClient client = new RawSmppClient(broker.port())) {
               client.send(new BindRequest(1, BindType.RECEIVER, ESME, "password", "", 0x34, 0, 0, ""));
               assertTrue(client.closedByServer(10_000), "the failed connection closed");
            }
            int failed = i;
            Wait.until("connection " + i + " failed mid-consumer, its session and consumer gone", Duration.ofSeconds(10),
                       () -> race.failed() == failed && !broker.hasSessionOf(ESME) && broker.consumerCount(queue) == 0,
                       () -> "failed " + race.failed() + ", session " + broker.hasSessionOf(ESME) + ", consumers "
                             + broker.consumerCount(queue));
         }
         race.check();
         assertEquals(List.of(), log.lines("AMQ224095"), "the broker's consumer count for " + queue + " went wrong");
         assertEquals(List.of(), notifications.closedBeforeCreated(),
                      "consumers announced closed before they were announced created");

         // The ESME binds again and gets what waits on its queue, on the one consumer it now has.
         try (RawSmppClient client = new RawSmppClient(broker.port());
              Connection app = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            client.send(new BindRequest(2, BindType.RECEIVER, ESME, "password", "", 0x34, 0, 0, ""));
            assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
            assertEquals(1, broker.consumerCount(queue));
            try (Session session = app.createSession(false, Session.AUTO_ACKNOWLEDGE);
                 MessageProducer producer = session.createProducer(session.createQueue(queue))) {
               TextMessage mo = session.createTextMessage("after the race");
               mo.setStringProperty("smsKind", "MO");
               mo.setStringProperty("smsSource", "13800138010");
               mo.setStringProperty("smsDestination", "1065712345");
               producer.send(mo);
            }
            DeliverSm deliver = assertInstanceOf(DeliverSm.class, client.read());
            assertEquals("after the race", new String(deliver.shortMessage(), StandardCharsets.US_ASCII));
            client.send(new DeliverSmResp(deliver.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
            Wait.until("the MO acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
         }
      }
   }
}
