package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MT a peer gateway forwarded was held to its SP's limits where the SP submitted it: at the serving gateway, an
 * account of the same name with narrower {@code mt-routes} neither refuses it (after the FWD was answered Result 0)
 * nor counts it as its own submit (multi-gateway.md, "Trust between gateways").
 */
class ForwardedMtAccountTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void aForwardedMtIsRoutedWithoutTheLocalAccountsRestrictionsAndNotCountedAsItsSubmit() throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      // 901234 is also an account here, allowed only 86138020; the forwarded MT is for 861380771..., which link one serves
      Files.writeString(file, """
         gateway { code = "020001" }
         accounts { "901234" { password = "unused", protocols = [CMPP], mt-routes = [ "86138020" ] } }
         links {
           one { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 200ms }
         }
         routes { mt = [ { prefix = "86138", links = [ one ] } ] }
         """.formatted(JsmppSmsc.freePort()));
      System.setProperty("smsgw.config", file.toString());
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT));
         producer.send(mt(session, "86138077100001", "001001")); // as the FWD acceptor stores a peer's MT
         producer.send(mt(session, "86138077100002", null)); // the account's own submit here, for contrast
         Wait.until("the forwarded MT on link one", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("one")) == 1);
         SmsRoutingControlMBean routing =
            (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         Wait.until("the account's own MT refused by its mt-routes", Duration.ofSeconds(10),
                    () -> routing.accountCounters("901234").get("unrouted") == 1);
         assertEquals(1, routing.accountCounters("901234").get("submitted"), "only the account's own MT counts as its submit");
         assertEquals(1, broker.messageCount(SmsAddresses.smscLinkQueue("one")), "the forwarded MT went to the link");
      }
   }

   private static TextMessage mt(Session session, String destination, String originGateway) throws Exception {
      TextMessage mt = session.createTextMessage("forwarded");
      mt.setStringProperty("smsKind", "MT");
      mt.setStringProperty("smsAccount", "901234");
      mt.setStringProperty("smsSource", "1065901234");
      mt.setStringProperty("smsDestination", destination);
      if (originGateway != null) {
         mt.setStringProperty("smsOriginGateway", originGateway);
      }
      return mt;
   }
}
