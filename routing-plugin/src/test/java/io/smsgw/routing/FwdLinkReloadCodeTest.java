package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.smsgw.broker.testing.FreePorts;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.fwd.FwdLinkControlMBean;
import io.smsgw.cmpp.fwd.FwdLinkService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that changes {@code gateway.code} together with a peer (decision 150): the running FWD links keep the code
 * they started with until a restart, so a link the reload starts must use that code too. Before, the added link
 * CONNECTed under the new code while the others went on under the old one, and the peer, which knows this gateway by
 * its code, refused it.
 */
class FwdLinkReloadCodeTest {

   private static final String OWN = "001001";
   private static final String B = "020001";
   private static final String C = "030001";
   private static final String SECRET = "pair-secret";

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void writeConfig(String code, String peers) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "%s", max-hops = 5 }
         peers {
         %s
         }
         """.formatted(code, peers));
      System.setProperty("smsgw.config", file.toString());
   }

   private static String peer(String code, int port) {
      return "\"" + code + "\" { host = \"127.0.0.1\", port = " + port + ", shared-secret = \"" + SECRET + "\", window = 4,"
         + " reconnect-min = 50ms, reconnect-max = 300ms, response-timeout = 2s }\n";
   }

   private static boolean connected(TestBroker broker, String peer) {
      FwdLinkControlMBean link = (FwdLinkControlMBean) broker.server().getManagementService()
         .getUntypedControl(FwdLinkService.resourceName(peer));
      return link != null && "connected".equals(link.getState());
   }

   @Test
   void aLinkAddedByAReloadThatAlsoChangesTheGatewayCodeConnectsUnderTheCodeOfTheStart() throws Exception {
      int portB = FreePorts.pick();
      int portC = FreePorts.pick();
      writeConfig(OWN, peer(B, portB));
      try (LogCapture log = LogCapture.start();
           FwdLinkReloadTest.RawPeer b = new FwdLinkReloadTest.RawPeer(portB, null);
           FwdLinkReloadTest.RawPeer c = new FwdLinkReloadTest.RawPeer(portC, null);
           TestBroker broker = TestBroker.cmpp(dir.resolve("broker"), "")
              .configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Wait.until("the link to B connected", Duration.ofSeconds(15), () -> connected(broker, B));

         writeConfig("001002", peer(B, portB) + peer(C, portC));
         SmsRoutingControlMBean routing = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         assertEquals("", routing.reload());
         Wait.until("the link to the added peer connected", Duration.ofSeconds(15),
                    () -> connected(broker, C) && c.connects.get() == 1,
                    () -> "CONNECTs the added peer read from " + c.sources);
         assertEquals(List.of(OWN), c.sources, "the added link CONNECTs as the gateway it started as");
         assertEquals(List.of(OWN), b.sources, "the running link was not restarted");
         Wait.until("the restart the code needs is logged", Duration.ofSeconds(5),
                    () -> !log.lines("gateway.code 001002 applies to the FWD links only after a restart").isEmpty());
      }
   }
}
