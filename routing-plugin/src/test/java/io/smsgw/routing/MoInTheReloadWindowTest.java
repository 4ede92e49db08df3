package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.LinkReconfiguration;
import io.smsgw.smpp.client.JsmppSmsc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MO for an account a reload adds, routed while the reload is still under way (its accounts and MO routes live, its
 * links being brought in line): it reaches the new account's queue, not sms.mo.unrouted, where nothing would move it
 * back. The reload is held inside that window by the link service's side of it (wrapped here), the MO comes from the
 * SMSC over the real link.
 */
class MoInTheReloadWindowTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void anMoForAnAccountTheReloadAddsReachesItsQueueWhileTheReloadIsStillUnderWay() throws Exception {
      int port = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           sp9 { password = "sp9", protocols = [SMPP] }
         }
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
           TestBroker broker = TestBroker.smpp(dir.resolve("broker"), "")
              .configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         GatewayRuntime runtime = GatewayRuntime.of(broker.server());
         LinkReconfiguration links = runtime.linkReconfiguration();
         assertNotNull(links, "the link service runs");
         CountDownLatch inWindow = new CountDownLatch(1);
         CountDownLatch release = new CountDownLatch(1);
         runtime.linkReconfiguration(configs -> {
            inWindow.countDown();
            try {
               release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
               Thread.currentThread().interrupt();
            }
            return links.apply(configs);
         });

         Files.writeString(file, Files.readString(file)
            .replace("sp9 { password = \"sp9\", protocols = [SMPP] }", "sp9 { password = \"sp9\", protocols = [SMPP] }\n  app3 { password = \"app3\", protocols = [SMPP] }")
            .replace("account = sp9 } ]", "account = sp9 }, { prefix = \"1065733\", account = app3 } ]"));
         SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         CompletableFuture<String> reload = CompletableFuture.supplyAsync(control::reload);
         try {
            assertTrue(inWindow.await(10, TimeUnit.SECONDS), "the reload reached the links");
            String app3 = SmsAddresses.accountQueue("app3");
            smsc.sendMo("8613800138000", "10657331", "Inside the reload");
            Wait.until("the MO stored somewhere", Duration.ofSeconds(10),
                       () -> broker.messageCount(app3) + broker.messageCount(MoRouteTransformer.UNROUTED) == 1);
            assertEquals(0, broker.messageCount(MoRouteTransformer.UNROUTED), "not parked on " + MoRouteTransformer.UNROUTED);
            assertEquals(1, broker.messageCount(app3), "the MO waits on the new account's queue");
         } finally {
            release.countDown();
         }
         assertEquals("", reload.get(20, TimeUnit.SECONDS), "the reload applied");
      }
   }
}
