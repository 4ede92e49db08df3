package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a link leaves its SMSC: a broker stop and a management reconnect() unbind first, so an SMSC that keeps a session
 * until it times out does not refuse the next bind with ESME_RALYBND; and what the bind itself says.
 */
class SmscLinkUnbindTest {

   private static final String LINK_QUEUE = SmsAddresses.smscLinkQueue("sim");

   @TempDir
   Path dir;

   @BeforeEach
   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void configureLink(int smscPort, String extra) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 200ms, response-timeout = 1s, reconnect-min = 100ms, reconnect-max = 400ms %s }
         }
         """.formatted(smscPort, extra));
      System.setProperty("smsgw.config", file.toString());
   }

   private static void sendMt(TestBroker broker, String smsId) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(LINK_QUEUE))) {
         Message mt = session.createTextMessage("leaving");
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "smppclient1");
         mt.setStringProperty("smsProtocol", "SMPP");
         mt.setStringProperty("smsSource", "8610086");
         mt.setStringProperty("smsDestination", "8613800138000");
         mt.setIntProperty("smsRegisteredDelivery", 1);
         producer.send(mt);
      }
   }

   private static SmscLinkControlMBean control(TestBroker broker) {
      return (SmscLinkControlMBean) broker.server().getManagementService().getUntypedControl("smsc-link.sim");
   }

   @Test
   void aBrokerStopUnbindsBeforeItCloses() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
         }
         assertEquals(1, smsc.unbinds.poll(10, TimeUnit.SECONDS), "the SMSC got unbind on the link's connection");
      }
   }

   @Test
   void reconnectUnbindsTheOldSessionBeforeTheNewBind() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
            control(broker).reconnect();
            Wait.until("bound again", Duration.ofSeconds(10), () -> smsc.binds.get() == 2);
            assertEquals(1, smsc.unbinds.poll(10, TimeUnit.SECONDS), "the first session was unbound");
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
         }
      }
   }

   /**
    * An SMSC that answers the submit_sm it holds when it gets unbind, before unbind_resp: those answers settle their MT
    * (acknowledged, not sent again after the restart).
    */
   @Test
   void answersThatComeBeforeUnbindRespSettleTheirMessages() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.answerSubmitsOnUnbind = true;
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
            sendMt(broker, "00000000000000f1");
            assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "submit_sm at the SMSC");
         }
         assertEquals(1, smsc.unbinds.poll(10, TimeUnit.SECONDS), "unbind sent");
         smsc.answerSubmitsOnUnbind = false;
         try (TestBroker restarted = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound again", Duration.ofSeconds(10), () -> "BOUND".equals(control(restarted).getState()));
            assertEquals(0, restarted.messageCount(LINK_QUEUE), "the MT answered before unbind_resp was acknowledged");
            assertNull(smsc.submits.poll(), "and not sent again");
         }
      }
   }
}
