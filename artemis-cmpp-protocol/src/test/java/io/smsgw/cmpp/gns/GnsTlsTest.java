package io.smsgw.cmpp.gns;

import static io.smsgw.cmpp.gns.GnsTandemTest.BEIJING;
import static io.smsgw.cmpp.gns.GnsTandemTest.GUANGXI;
import static io.smsgw.cmpp.gns.GnsTandemTest.SINA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestCertificate;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.gns.client.GnsQueryException;
import io.smsgw.cmpp.gns.client.RouteCacheControlMBean;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.NetworkRoutes;
import org.apache.activemq.artemis.core.config.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway role's connection to the tandem (GNS) over TLS: the tandem's acceptor for gateways has
 * {@code sslEnabled=true}, the gateway's {@code gns} section {@code tls = true} with the trust store that holds the
 * tandem's certificate. Tianjin (022001, north) asks; self-signed certificates made in the test.
 */
class GnsTlsTest {

   private static final String TIANJIN = "022001";
   private static final String PASSWORD = TestCertificate.PASSWORD;

   @TempDir
   Path dir;

   private TestCertificate tandemCert;
   private TestCertificate tianjinCert;

   @BeforeEach
   void certificates() {
      tandemCert = TestCertificate.create(dir, "tandem");
      tianjinCert = TestCertificate.create(dir, "tianjin");
   }

   private static String tianjinConf(int tandemPort, String secret, TestCertificate trusted, TestCertificate own) {
      return """
         gateway { code = "%s" }
         gns { host = "127.0.0.1", port = %d, shared-secret = "%s", refresh = 0s, reconnect-min = 50ms, reconnect-max = 200ms,
               tls = true, tls-trust-store = "%s", tls-trust-store-password = "%s"%s }
         """.formatted(TIANJIN, tandemPort, secret, trusted.trustStore(), PASSWORD,
                       own == null ? "" : ", tls-key-store = \"" + own.keyStore() + "\", tls-key-store-password = \"" + PASSWORD + "\"");
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

   private static <T> T now(java.util.concurrent.CompletionStage<T> stage) throws Exception {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
   }

   private static RouteCacheControlMBean control(TandemBroker gateway) {
      return (RouteCacheControlMBean) gateway.server().getManagementService().getUntypedControl("sms-route-cache");
   }

   @Test
   void routeLookupsWorkOverMutualTls() throws Exception {
      int tandemPort = TandemBroker.freePort();
      try (TandemBroker tandem = TandemBroker.start(dir.resolve("tandem"), tandemPort, GnsTandemTest.tandemConf(),
                                                    tlsAcceptor(tandemPort, tandemCert.mutualAcceptorParameters(tianjinCert)));
           TandemBroker tianjin = TandemBroker.start(dir.resolve("tianjin"), otherFreePort(tandemPort),
                                                     tianjinConf(tandemPort, "tj", tandemCert, tianjinCert))) {
         NetworkRoutes routes = GatewayRuntime.of(tianjin.server()).networkRoutes().orElseThrow();
         now(routes.whenAvailable());
         assertEquals("CONNECTED", control(tianjin).getTandemConnectionState());
         assertEquals(1 + GnsTandemTest.EXTRA_MT, control(tianjin).getMtRouteCount(), "the bulk load came over TLS");
         assertEquals(Optional.of(GUANGXI), now(routes.mtGateway("+8613800138000")));
         assertEquals(Optional.of(BEIJING), now(routes.moGateway(SINA + "99")), "an MO_ROUTE query over TLS");
         assertEquals(Optional.empty(), now(routes.mtGateway("13300000000")), "an MT_ROUTE query over TLS: no route");
      }
   }

   @Test
   void overTlsTheTandemStillChecksTheSecret() throws Exception {
      int tandemPort = TandemBroker.freePort();
      try (LogCapture log = LogCapture.start();
           TandemBroker tandem = TandemBroker.start(dir.resolve("tandem"), tandemPort, GnsTandemTest.tandemConf(),
                                                    tlsAcceptor(tandemPort, tandemCert.acceptorParameters()));
           TandemBroker tianjin = TandemBroker.start(dir.resolve("tianjin"), otherFreePort(tandemPort),
                                                     tianjinConf(tandemPort, "guess", tandemCert, null))) {
         Wait.until("the CONNECT over TLS refused", Duration.ofSeconds(10),
                    () -> log.count("refused CONNECT of gateway " + TIANJIN + ": status 3 (check gns.shared-secret)") > 0);
         assertFalse(control(tianjin).isAvailable(), "a wrong secret is refused over TLS as in plain text");
         assertNotEquals("CONNECTED", control(tianjin).getTandemConnectionState());
         assertEquals(0, log.count("WARN", "TLS with the tandem gateway"), "the handshake itself went through");
      }
   }

   /**
    * The gateway trusts another certificate than the tandem's. Here the tandem's TLS port is a bare TLS server with the
    * tandem's certificate that counts the handshakes tried: several attempts, one WARN. Then the operator fixes the
    * trust store and restarts; the real tandem answers on that port.
    */
   @Test
   void aWrongTrustStoreNeverConnectsAndLookupsFailFastUntilFixed() throws Exception {
      TestCertificate stranger = TestCertificate.create(dir, "stranger");
      AtomicInteger handshakes = new AtomicInteger();
      int tandemPort;
      try (LogCapture log = LogCapture.start();
           SSLServerSocket tlsPort = (SSLServerSocket) TestCertificate.context(tandemCert, tandemCert).getServerSocketFactory()
              .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
         tandemPort = tlsPort.getLocalPort();
         Thread acceptor = new Thread(() -> {
            while (!tlsPort.isClosed()) {
               try (SSLSocket socket = (SSLSocket) tlsPort.accept()) {
                  handshakes.incrementAndGet();
                  socket.startHandshake();
               } catch (IOException refusedOrClosed) {
                  // the gateway does not trust this certificate
               }
            }
         }, "tls-tandem");
         acceptor.setDaemon(true);
         acceptor.start();
         try (TandemBroker tianjin = TandemBroker.start(dir.resolve("tianjin"), otherFreePort(tandemPort),
                                                        tianjinConf(tandemPort, "tj", stranger, null))) {
            NetworkRoutes routes = GatewayRuntime.of(tianjin.server()).networkRoutes().orElseThrow();
            Wait.until("three handshakes tried", Duration.ofSeconds(10), () -> handshakes.get() >= 3);
            assertFalse(control(tianjin).isAvailable());
            assertNotEquals("CONNECTED", control(tianjin).getTandemConnectionState());
            ExecutionException miss = assertThrows(ExecutionException.class,
               () -> routes.mtGateway("+8613800138000").toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertInstanceOf(GnsQueryException.class, miss.getCause(), "a miss fails fast while the tandem is unreachable");
            Wait.until("the WARN", Duration.ofSeconds(5), () -> log.count("WARN", "TLS with the tandem gateway") > 0);
            assertEquals(1, log.count("WARN", "TLS with the tandem gateway 127.0.0.1:" + tandemPort + " failed"),
                         "one WARN for the episode: " + log.lines("tandem gateway"));
            assertTrue(log.lines("WARN", "TLS with the tandem gateway").get(0).contains("certification path"),
                       log.lines("WARN", "TLS with the tandem gateway").get(0));
            assertEquals(0, log.count(PASSWORD), "no password in the log");
         }
      }
      // fixed at the restart: the gns section changes with the next start (a reload says so)
      try (TandemBroker tandem = TandemBroker.start(dir.resolve("tandem"), tandemPort, GnsTandemTest.tandemConf(),
                                                    tlsAcceptor(tandemPort, tandemCert.acceptorParameters()));
           TandemBroker tianjin = TandemBroker.start(dir.resolve("tianjin"), otherFreePort(tandemPort),
                                                     tianjinConf(tandemPort, "tj", tandemCert, null))) {
         NetworkRoutes routes = GatewayRuntime.of(tianjin.server()).networkRoutes().orElseThrow();
         now(routes.whenAvailable());
         assertEquals(Optional.of(GUANGXI), now(routes.mtGateway("+8613800138000")));
      }
   }

   /** A free port other than {@code taken}, which is free too until its broker binds it (two calls may give the same). */
   private static int otherFreePort(int taken) {
      int port;
      do {
         port = TandemBroker.freePort();
      } while (port == taken);
      return port;
   }
}
