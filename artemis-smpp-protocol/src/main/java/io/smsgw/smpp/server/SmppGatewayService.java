package io.smsgw.smpp.server;

import java.lang.invoke.MethodHandles;

import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.GatewayConfigLocator;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker-lifetime component that loads the gateway configuration when the broker starts. Its start()
 * throws on a broken configuration, which stops the broker with the loader's message (file, line,
 * account, field).
 */
final class SmppGatewayService implements ActiveMQComponent {

   private static final Logger logger = LoggerFactory.getLogger(MethodHandles.lookup().lookupClass());

   private final ActiveMQServer server;
   private final SmppGatewayContext context;
   private volatile boolean started;

   SmppGatewayService(ActiveMQServer server, SmppGatewayContext context) {
      this.server = server;
      this.context = context;
   }

   @Override
   public void start() throws Exception {
      GatewayConfigLocator.Location location = new GatewayConfigLocator().locate();
      GatewayConfig config = location.load();
      context.configure(config);
      started = true;
      logger.info("SMS gateway {} (code {}) on broker {}: configuration {} loaded with {} accounts",
                  config.name(), config.code(), server.getConfiguration().getName(), location,
                  config.accounts().all().size());
   }

   @Override
   public void stop() {
      started = false;
   }

   @Override
   public boolean isStarted() {
      return started;
   }
}
