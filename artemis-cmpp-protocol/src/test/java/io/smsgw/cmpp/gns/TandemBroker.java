package io.smsgw.cmpp.gns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;

import io.smsgw.broker.testing.FreePorts;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * An embedded broker acting as the tandem gateway: the shared {@link TestBroker} configuration with its CMPP
 * acceptor (for gateways: {@code cmppAcceptPeers=true}; SPs connect there too) on a given port, and the gateway configuration installed before the broker starts (so no
 * connection ever sees the class-path file).
 */
final class TandemBroker implements AutoCloseable {

   private final EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
   private final int port;

   private final TestBroker helpers = TestBroker.wrap(embedded, "CMPP");

   private TandemBroker(int port) {
      this.port = port;
   }

   /** Stops the broker on another thread ({@link TestBroker#closeInBackground}). */
   java.util.concurrent.CompletableFuture<Long> closeInBackground() {
      return helpers.closeInBackground();
   }

   /** Until the stop has told every client session to end ({@link TestBroker#waitUntilSessionsEnding}). */
   void waitUntilSessionsEnding() {
      helpers.waitUntilSessionsEnding();
   }

   static TandemBroker start(Path dataDir, int port, String gatewayConf) throws Exception {
      return start(dataDir, port, gatewayConf, cfg -> { });
   }

   /** As above, its acceptor for gateways on {@code port}, with the configuration adjusted (e.g. an SP acceptor added). */
   static TandemBroker start(Path dataDir, int port, String gatewayConf, Consumer<Configuration> customizer) throws Exception {
      Configuration cfg = TestBroker.configuration(dataDir, "CMPP", "");
      cfg.getAcceptorConfigurations().removeIf(acceptor -> acceptor.getName().equals("cmpp"));
      cfg.addAcceptorConfiguration("cmpp", "tcp://127.0.0.1:" + port + "?protocols=CMPP;cmppAcceptPeers=true");
      customizer.accept(cfg);
      TandemBroker broker = new TandemBroker(port);
      broker.embedded.setConfiguration(cfg);
      broker.embedded.createActiveMQServer();
      GatewayRuntime.of(broker.embedded.getActiveMQServer()).configure(GatewayConfigLoader.parse(gatewayConf, "tandem.conf"));
      broker.embedded.getActiveMQServer().start();
      return broker;
   }

   /** A port nobody listens on right now, never handed out twice in this JVM ({@link FreePorts}). */
   static int freePort() {
      try {
         return FreePorts.pick();
      } catch (IOException e) {
         throw new UncheckedIOException(e);
      }
   }

   int port() {
      return port;
   }

   /** The tandem's management bean, as management messages and the console reach it. */
   TandemControlMBean control() {
      return (TandemControlMBean) embedded.getActiveMQServer().getManagementService().getUntypedControl(TandemLifecycle.RESOURCE_NAME);
   }

   /** Installs a new gateway configuration while the broker runs, as the reload of a changed file does. */
   void reload(String gatewayConf) {
      GatewayRuntime.of(embedded.getActiveMQServer()).configure(GatewayConfigLoader.parse(gatewayConf, "tandem.conf"));
   }

   org.apache.activemq.artemis.core.server.ActiveMQServer server() {
      return embedded.getActiveMQServer();
   }

   TandemService tandem() {
      return TandemService.of(GatewayRuntime.of(embedded.getActiveMQServer()));
   }

   @Override
   public void close() throws Exception {
      embedded.stop();
   }
}
