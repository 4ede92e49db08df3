package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.AccountQueues;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MO routed to its account but parked on sms.mo.unrouted because the account's queue was missing was counted in
 * moRouted then; rerouteUnroutedMo sends it on to the queue (created meanwhile) without counting it a second time.
 */
class MoRerouteCountsOnceTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void anMoParkedForWantOfItsAccountsQueueIsCountedOnceWhenRerouted() throws Exception {
      int port = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { sp9 { password = "sp9", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes {
           mt = [ { prefix = "86138", links = [ sim ] } ]
           mo = [ { prefix = "1065799", account = sp9 } ]
         }
         """.formatted(port));
      System.setProperty("smsgw.config", file.toString());
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         SimpleString queue = SimpleString.of(SmsAddresses.accountQueue("sp9"));
         broker.server().destroyQueue(queue); // an operator deleted it
         assertDoesNotThrow(() -> smsc.sendMo("8613800138000", "10657990", "for sp9"), "ESME_ROK");
         Wait.until("the MO parked for want of sp9's queue", Duration.ofSeconds(10),
                    () -> broker.messageCount(MoRouteTransformer.UNROUTED) == 1);
         assertEquals(1, control.accountCounters("sp9").get("moRouted"));
         Wait.until("sp9's queue created again", Duration.ofSeconds(10), () -> AccountQueues.hasQueue(broker.server(), queue));

         String outcome = control.rerouteUnroutedMo();
         assertTrue(outcome.startsWith("1 MO sent through MO routing again"), outcome);
         Wait.until("the MO on sp9's queue", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.accountQueue("sp9")) == 1);
         assertEquals(0, broker.messageCount(MoRouteTransformer.UNROUTED));
         assertEquals(1, control.accountCounters("sp9").get("moRouted"), "counted once, when it was first routed");
      }
   }
}
