package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import javax.management.ObjectName;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * failoverLink moves an MT a peer gateway forwarded by its destination alone, as routing routes it (decision 189): an
 * account here with the same name as the SP's and narrower {@code mt-routes} does not keep it on the link that is down.
 */
class ForwardedMtFailoverTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void aForwardedMtWaitingOnADownLinkMovesToTheRoutesOtherLink() throws Exception {
      int portA = JsmppSmsc.freePort();
      int portB = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "020001" }
         accounts { "901234" { password = "unused", protocols = [CMPP], mt-routes = [ "86139" ] } }
         links {
           a { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 300ms }
           b { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 300ms }
         }
         routes { mt = [ { prefix = "86138", links = [ a, b ] } ] }
         """.formatted(portA, portB));
      System.setProperty("smsgw.config", file.toString());
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
              cfg.setJMXManagementEnabled(true);
              cfg.registerBrokerPlugin(new SmsRoutingPlugin());
           }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         String queueA = SmsAddresses.smscLinkQueue("a");
         // As routing left it: a peer's MT waiting on link a, whose carrier is down
         try (MessageProducer producer = session.createProducer(session.createQueue(queueA))) {
            TextMessage mt = session.createTextMessage("forwarded, waiting for link a");
            mt.setStringProperty("smsKind", "MT");
            mt.setStringProperty("smsId", "be346cc003e90001");
            mt.setStringProperty("smsAccount", "901234");
            mt.setStringProperty("smsOriginGateway", "001001");
            mt.setStringProperty("smsSource", "1065901234");
            mt.setStringProperty("smsDestination", "8613807710001");
            mt.setStringProperty("smsLink", "a");
            producer.send(mt);
         }
         Wait.until("the MT waiting on link a", Duration.ofSeconds(10), () -> broker.messageCount(queueA) == 1);
         try (JsmppSmsc smscB = new JsmppSmsc(portB)) {
            Wait.until("link b bound", Duration.ofSeconds(10), () -> GatewayRuntime.of(broker.server()).links().isUp("b"));
            var config = broker.server().getConfiguration();
            ObjectName name = ObjectName.getInstance(config.getJMXDomain() + ":broker=" + ObjectName.quote(config.getName())
                                                        + ",component=sms-routing,name=\"routing\"");
            String result = (String) ManagementFactory.getPlatformMBeanServer().invoke(name, "failoverLink", new Object[] {"a"},
                                                                                       new String[] {String.class.getName()});
            assertTrue(result.contains("1"), "one MT moved: " + result);
            assertNotNull(smscB.submits.poll(10, TimeUnit.SECONDS), "the forwarded MT reached link b's SMSC");
         }
      }
   }
}
