package io.smsgw.cmpp.gns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.gns.client.GnsClient;
import io.smsgw.cmpp.gns.client.RouteCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may open a GNS session with the tandem, over real sockets: only on its acceptor for gateways
 * ({@code cmppAcceptPeers=true}), only from the gateway's addresses (its {@code allowed-ips}, else its host), and
 * up to its max-sessions.
 */
class GnsAdmissionTest {

   private static final String CONF = """
      gateway { code = "000001" }
      tandem {
        gateways {
          "001001" { host = "127.0.0.1", region = north, shared-secret = "bj", max-sessions = 1 }
          "022001" { host = "10.0.22.1", region = north, shared-secret = "tj" }
          "077101" { host = "10.0.77.1", region = south, shared-secret = "gx", allowed-ips = [ "127.0.0.0/8" ] }
        }
        mt-routes = [ { start = "1380000", end = "1389999", gateway = "077101" } ]
      }
      """;

   @TempDir
   Path dir;

   private static int login(int port, String code, String secret) throws IOException {
      try (CmppSocket socket = CmppSocket.connect(port)) {
         return socket.login(code, secret).status();
      }
   }

   @Test
   void gatewaysConnectOnlyToTheAcceptorForGatewaysFromTheirAddresses() throws Exception {
      int gatewayPort = TandemBroker.freePort();
      int spPort = TandemBroker.freePort();
      try (TandemBroker tandem = TandemBroker.start(dir, gatewayPort, CONF, cfg -> {
         try {
            cfg.addAcceptorConfiguration("sp", "tcp://127.0.0.1:" + spPort + "?protocols=CMPP");
         } catch (Exception e) {
            throw new IllegalStateException(e);
         }
      })) {
         assertEquals(CmppResult.CONNECT_ILLEGAL_SOURCE_ADDR, login(spPort, "001001", "bj"), "the SP acceptor takes no gateway");
         try (RouteCache onSpPort = new RouteCache(new GnsClient(GnsTandemTest.clientConfig(spPort, "gx"), "077101"))) {
            onSpPort.start();
            Wait.until("the route cache's CONNECT answered", Duration.ofSeconds(10), () -> onSpPort.client().lastConnectStatus() >= 0);
            assertEquals(CmppResult.CONNECT_ILLEGAL_SOURCE_ADDR, onSpPort.client().lastConnectStatus());
            assertEquals(false, onSpPort.isAvailable());
         }

         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, login(gatewayPort, "022001", "tj"),
                      "Tianjin's host is 10.0.22.1, not this machine");
         try (RouteCache guangxi = new RouteCache(new GnsClient(GnsTandemTest.clientConfig(gatewayPort, "gx"), "077101"))) {
            guangxi.start();
            GnsTandemTest.await(guangxi.whenAvailable());
            assertEquals("077101", guangxi.lookupMt("13800138000").orElseThrow().gatewayId(), "allowed-ips lets Guangxi in");
         }

         try (CmppSocket beijing = CmppSocket.connect(gatewayPort)) {
            assertEquals(CmppResult.CONNECT_OK, beijing.login("001001", "bj").status(), "Beijing from its host");
            assertEquals(CmppResult.CONNECT_OTHER_ERROR, login(gatewayPort, "001001", "bj"), "its max-sessions is 1");
            assertTrue(tandem.tandem().registeredSessions() >= 1);
         }
      }
   }
}
