package io.smsgw.cmpp.gns;

import static io.smsgw.cmpp.gns.GnsTandemTest.GUANGXI;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestCertificate;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.gns.client.RouteCacheControlMBean;
import io.smsgw.core.config.TlsPeerIdentity;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.NetworkRoutes;
import org.apache.activemq.artemis.core.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's connection to the tandem pinned to the tandem's certificate ({@code gns.tls-peer-sha256}): a tandem
 * port showing a certificate the trust store vouches for and that names the host, but not the pinned one, is never
 * connected to (no CONNECT, so no authenticator, reaches it); pinned to the tandem's own, the routes load.
 */
class GnsPeerCertificateTest {

   private static final String TIANJIN = "022001";
   private static final String PASSWORD = TestCertificate.PASSWORD;

   @TempDir
   Path dir;

   private static String tianjinConf(int tandemPort, TestCertificate trusted, String pinned) {
      return """
         gateway { code = "%s" }
         gns { host = "127.0.0.1", port = %d, shared-secret = "tj", refresh = 0s, reconnect-min = 50ms, reconnect-max = 200ms,
               tls = true, tls-trust-store = "%s", tls-trust-store-password = "%s", tls-peer-sha256 = "%s" }
         """.formatted(TIANJIN, tandemPort, trusted.trustStore(), PASSWORD, pinned);
   }

   private static Consumer<Configuration> tlsAcceptor(int port, String parameters) {
      return cfg -> {
         cfg.getAcceptorConfigurations().removeIf(acceptor -> acceptor.getName().equals("cmpp"));
         try {
            cfg.addAcceptorConfiguration("cmpp", "tcp://127.0.0.1:" + port + "?protocols=CMPP;cmppAcceptPeers=true" + parameters);
         } catch (Exception e) {
            throw new IllegalStateException(e);
         }
      };
   }

   private static RouteCacheControlMBean control(TandemBroker gateway) {
      return (RouteCacheControlMBean) gateway.server().getManagementService().getUntypedControl("sms-route-cache");
   }

   @Test
   void theGnsClientConnectsOnlyToTheTandemCertificateItPins() throws Exception {
      TestCertificate tandemCert = TestCertificate.create(dir, "tandem");
      TestCertificate other = TestCertificate.create(dir, "other-tandem");
      int tandemPort = TandemBroker.freePort();
      int tianjinPort = TandemBroker.freePort();
      try (TandemBroker tandem = TandemBroker.start(dir.resolve("tandem"), tandemPort, GnsTandemTest.tandemConf(),
                                                    tlsAcceptor(tandemPort, tandemCert.acceptorParameters()))) {
         try (LogCapture log = LogCapture.start();
              TandemBroker tianjin = TandemBroker.start(dir.resolve("tianjin"), tianjinPort,
                                                        tianjinConf(tandemPort, tandemCert, TlsPeerIdentity.sha256Of(other.certificate())))) {
            Wait.until("the handshake refused for the tandem's certificate", Duration.ofSeconds(10),
                       () -> log.count("WARN", "TLS with the tandem gateway 127.0.0.1:" + tandemPort + " failed",
                                       "is not the configured gateway's") > 0,
                       () -> String.join("\n", log.lines("tandem gateway")));
            assertFalse(control(tianjin).isAvailable());
            assertNotEquals("CONNECTED", control(tianjin).getTandemConnectionState());
            assertEquals(0, log.count("Gateway " + TIANJIN + " connected to the tandem"), "no CONNECT reached the tandem");
            assertTrue(log.count("WARN", "TLS with the tandem gateway") == 1, "one WARN: " + log.lines("tandem gateway"));
         }
         try (TandemBroker tianjin = TandemBroker.start(dir.resolve("tianjin2"), tianjinPort,
                                                        tianjinConf(tandemPort, tandemCert, TlsPeerIdentity.sha256Of(tandemCert.certificate())))) {
            NetworkRoutes routes = GatewayRuntime.of(tianjin.server()).networkRoutes().orElseThrow();
            routes.whenAvailable().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(Optional.of(GUANGXI), routes.mtGateway("+8613800138000").toCompletableFuture().get(10, TimeUnit.SECONDS));
         }
      }
   }
}
