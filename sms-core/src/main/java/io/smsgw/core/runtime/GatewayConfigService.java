package io.smsgw.core.runtime;

import java.lang.invoke.MethodHandles;

import io.smsgw.core.config.ConfigFilePermissions;
import io.smsgw.core.config.DemoSecrets;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.GatewayConfigLocator;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker-lifetime component that loads the gateway configuration into the broker's {@link GatewayRuntime}
 * when the broker starts. Its start() throws on a broken configuration, which stops the broker with the
 * loader's message (file, line, account, field). Several protocol plugins may each register one; the
 * first to start loads the file, the others find it loaded.
 */
public final class GatewayConfigService implements ActiveMQComponent {

   private static final Logger logger = LoggerFactory.getLogger(MethodHandles.lookup().lookupClass());

   private final String brokerName;
   private final GatewayRuntime runtime;
   private volatile boolean started;

   public GatewayConfigService(String brokerName, GatewayRuntime runtime) {
      this.brokerName = brokerName;
      this.runtime = runtime;
   }

   @Override
   public void start() throws Exception {
      synchronized (runtime) {
         if (!runtime.isConfigured()) {
            GatewayConfigLocator.Location location = new GatewayConfigLocator().locate();
            GatewayConfig config = location.load();
            runtime.configure(config);
            logger.info("SMS gateway {} (code {}) on broker {}: configuration {} loaded with {} accounts",
                        config.name(), config.code(), brokerName, location, config.accounts().all().size());
            DemoSecrets.warnIfUsed(config, location);
            if (location instanceof GatewayConfigLocator.FileLocation file) {
               ConfigFilePermissions.warnIfReadableByOthers(file.file());
            }
         }
      }
      started = true;
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
