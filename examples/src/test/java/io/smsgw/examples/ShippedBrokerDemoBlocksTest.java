package io.smsgw.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.contract.SmsAddresses;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin's step from the quick start to a real instance (broker-config/etc/README.md, step 4): the shipped
 * broker.xml marks what only the demo needs, and with those blocks deleted the broker starts with the message
 * contract's addresses and none of the demo's queues, so no billing-demo.records keeps every billing record; the
 * configured accounts' queues are there all the same, made by routing.
 */
class ShippedBrokerDemoBlocksTest {

   /** A demo block as an admin deletes it: from its "begin demo" comment to its "end demo" comment, both included. */
   private static final Pattern DEMO_BLOCK = Pattern.compile("(?s)[ \\t]*<!-- =+ begin demo.*?<!-- =+ end demo =+ -->[ \\t]*\\n");

   @TempDir
   Path dir;

   @Test
   void withTheMarkedDemoBlocksDeletedTheBrokerHasNoDemoQueues() throws Exception {
      Path shipped = QuickStartGateway.Settings.fromSystemProperties().etcDir();
      String xml = Files.readString(shipped.resolve("broker.xml"), StandardCharsets.UTF_8);
      Matcher blocks = DEMO_BLOCK.matcher(xml);
      int count = 0;
      while (blocks.find()) {
         count++;
      }
      assertEquals(2, count, "the billing subscription and the demo link's and accounts' queues are marked");
      String real = DEMO_BLOCK.matcher(xml).replaceAll("");
      assertTrue(!real.contains("billing-demo.records") && !real.contains("<queue name=\"sms.smsc.sim\"/>")
                    && !real.contains("<queue name=\"sms.sp."), "every demo queue is in a block");

      Path etc = Files.createDirectories(dir.resolve("etc"));
      Files.writeString(etc.resolve("broker.xml"), real);
      Files.copy(shipped.resolve(GatewayConfigLoader.FILE_NAME), etc.resolve(GatewayConfigLoader.FILE_NAME));
      try (QuickStartGateway gateway = QuickStartGateway.start(new QuickStartGateway.Settings(etc, dir.resolve("data"), 0, 0, 0,
              new QuickStartGateway.SimulatorSettings(0, Duration.ofMillis(100), 1.0)))) {
         ActiveMQServer server = gateway.server();
         for (String queue : new String[] {SmsAddresses.MT, SmsAddresses.MO, SmsAddresses.DR, "sms.dlq"}) {
            assertNotNull(server.locateQueue(queue), queue + " stays");
         }
         assertNotNull(server.getAddressInfo(org.apache.activemq.artemis.api.core.SimpleString.of(SmsAddresses.BILLING)), "sms.billing stays");
         assertNull(server.locateQueue("billing-demo.records"), "billing-demo.records is gone");
         // The demo accounts are configured in the shipped sms-gateway.conf: routing creates their queues when it starts
         // (decisions.md, "Account queues exist before their MO and reports"), so deleting the block loses nothing.
         for (String account : new String[] {"sms.sp.smppclient1", "sms.sp.901234"}) {
            assertNotNull(server.locateQueue(account), account + " made by routing for its configured account");
         }
      }
   }
}
