package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two MT with the same duplicate id wait on a removed link's queue (the ingress and the link's address remember one id
 * only, so the second was taken long after the first) and are moved in one batch (decision 152). The broker adds a
 * routed id to its duplicate cache only when the transaction commits, so within a batch it checked the second against
 * a cache without the first and stored both. Moved one per transaction, as before 152, the second was refused as a
 * duplicate and stayed; it must still.
 */
class BatchedDuplicateIdTest {

   private static final String RECIPIENT = "8613800138000";
   private static final String OLD_QUEUE = SmsAddresses.smscLinkQueue("old");
   private static final String NEW_QUEUE = SmsAddresses.smscLinkQueue("new");

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void writeConfig(int oldPort, int newPort, boolean withOld, String link) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      String old = withOld ? "old { host = \"127.0.0.1\", port = %d, system-id = \"gw\", password = \"pw\", reconnect-min = 1s, reconnect-max = 2s }"
         .formatted(oldPort) : "";
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         links {
           %s
           new { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 1s, reconnect-max = 2s }
         }
         routes { mt = [ { prefix = "86", links = [ %s ] } ] }
         """.formatted(old, newPort, link));
      System.setProperty("smsgw.config", file.toString());
   }

   @Test
   void twoMtWithOneDuplicateIdInOneBatchMoveOnceTheOtherStaysAsADuplicate() throws Exception {
      int oldPort = JsmppSmsc.freePort();
      int newPort = JsmppSmsc.freePort();
      writeConfig(oldPort, newPort, true, "old");
      String reports = SmsAddresses.accountQueue("app1");
      AddressSettings oneId = new AddressSettings().setIDCacheSize(1);
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
              cfg.registerBrokerPlugin(new SmsRoutingPlugin());
              cfg.addQueueConfiguration(QueueConfiguration.of(reports).setAddress(reports).setRoutingType(RoutingType.ANYCAST));
              cfg.addAddressSetting(SmsAddresses.MT, oneId);
              cfg.addAddressSetting(OLD_QUEUE, oneId);
           }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
              MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
            producer.send(mt(session, "a000000000000001", "order-17"));
            producer.send(mt(session, "a000000000000002", "order-18")); // the one id remembered is now this one
            producer.send(mt(session, "a000000000000003", "order-17"));
         }
         Wait.until("the three MT on the old link's queue", Duration.ofSeconds(30), () -> broker.messageCount(OLD_QUEUE) == 3);

         writeConfig(oldPort, newPort, false, "new");
         assertEquals("", routing(broker).reload());
         List<String> moved = List.of("a000000000000001", "a000000000000002");
         List<String> stays = List.of("a000000000000003");
         Wait.until("the first two MT moved, the duplicate left on the removed link's queue", Duration.ofSeconds(15),
                    () -> moved.equals(browse(jms, NEW_QUEUE)) && stays.equals(browse(jms, OLD_QUEUE)),
                    () -> "new link's queue " + browse(jms, NEW_QUEUE) + ", removed link's queue " + browse(jms, OLD_QUEUE));
      }
   }

   private static TextMessage mt(Session session, String smsId, String duplicateId) throws JMSException {
      TextMessage mt = session.createTextMessage("waits for a link that is down");
      mt.setStringProperty("smsKind", "MT");
      mt.setStringProperty("smsId", smsId);
      mt.setStringProperty("smsAccount", "app1");
      mt.setStringProperty("smsSource", "10086");
      mt.setStringProperty("smsDestination", RECIPIENT);
      mt.setStringProperty("_AMQ_DUPL_ID", duplicateId);
      return mt;
   }

   private static SmsRoutingControlMBean routing(TestBroker broker) {
      return (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
   }

   /** The smsIds waiting on a queue, in its order. */
   private static List<String> browse(Connection jms, String queue) {
      List<String> ids = new ArrayList<>();
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
         Enumeration<?> messages = browser.getEnumeration();
         while (messages.hasMoreElements()) {
            String id = ((Message) messages.nextElement()).getStringProperty("smsId");
            if (id != null) {
               ids.add(id);
            }
         }
      } catch (JMSException e) {
         throw new IllegalStateException(e);
      }
      return ids;
   }
}
