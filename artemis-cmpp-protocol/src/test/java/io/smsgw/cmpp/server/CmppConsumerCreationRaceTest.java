package io.smsgw.cmpp.server;

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
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SP's socket closing while the gateway creates the consumer of its queue for the CONNECT just accepted (seen once
 * in 1,500 fuzz cases): the broker's failure of the connection must not overtake the consumer's creation.
 */
class CmppConsumerCreationRaceTest {

   private static final String SP = "901241";
   private static final String SECRET = "secret41";
   private static final int CONNECTIONS = 20;

   @TempDir
   Path dir;

   @Test
   void aConnectionFailingWhileItsConsumerIsCreatedLeavesNoConsumerAndNoBrokerError() throws Exception {
      String queue = SmsAddresses.accountQueue(SP);
      FailureMidConsumer race = new FailureMidConsumer(queue, CONNECTIONS);
      // Skew 0: the CONNECTs of one second are not refused as replays of each other.
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.cmpp(dir, ";cmppConnectTimeSkew=0").configure(cfg -> cfg.registerBrokerPlugin(race)).start()) {
         ConsumerNotifications notifications = ConsumerNotifications.on(broker.server(), queue);
         for (int i = 1; i <= CONNECTIONS; i++) {
            try (RawCmppClient client = new RawCmppClient(broker.port())) {
               client.sendConnect(SP, SECRET, 0x30);
               assertTrue(client.closedByServer(10_000), "the failed connection closed");
            }
            int failed = i;
            Wait.until("connection " + i + " failed mid-consumer, its session and consumer gone", Duration.ofSeconds(10),
                       () -> race.failed() == failed && !broker.hasSessionOf(SP) && broker.consumerCount(queue) == 0,
                       () -> "failed " + race.failed() + ", session " + broker.hasSessionOf(SP) + ", consumers "
                             + broker.consumerCount(queue));
         }
         race.check();
         List<String> errors = log.lines("AMQ224095");
         assertEquals(List.of(), errors, "the broker's consumer count for " + queue + " went wrong");
         assertEquals(List.of(), notifications.closedBeforeCreated(),
                      "consumers announced closed before they were announced created");

         // The SP connects again and gets what waits on its queue, on the one consumer it now has.
         try (RawCmppClient client = new RawCmppClient(broker.port());
              Connection app = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            assertEquals(CmppResult.CONNECT_OK, client.connect(SP, SECRET, 0x30).status());
            assertEquals(1, broker.consumerCount(queue));
            try (Session session = app.createSession(false, Session.AUTO_ACKNOWLEDGE);
                 MessageProducer producer = session.createProducer(session.createQueue(queue))) {
               TextMessage mo = session.createTextMessage("after the race");
               mo.setStringProperty("smsKind", "MO");
               mo.setStringProperty("smsSource", "13800138010");
               mo.setStringProperty("smsDestination", "1065712345");
               producer.send(mo);
            }
            Deliver mo = assertInstanceOf(Deliver.class, client.read());
            assertEquals("after the race", new String(mo.msgContent(), StandardCharsets.US_ASCII));
            client.send(new DeliverResp(mo.sequenceId(), mo.msgId(), CmppResult.OK));
            Wait.until("the MO acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
         }
      }
   }
}
