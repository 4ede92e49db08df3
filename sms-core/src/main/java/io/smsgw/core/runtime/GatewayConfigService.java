package io.smsgw.core.runtime;

import java.lang.invoke.MethodHandles;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;

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
 * first to start loads the file, the others find it loaded. Before the load it places the message id generators'
 * high-water marks in the broker's data directory ({@link GatewayRuntime#persistIds}).
 */
public final class GatewayConfigService implements ActiveMQComponent {

   private static final Logger logger = LoggerFactory.getLogger(MethodHandles.lookup().lookupClass());

   private final String brokerName;
   private final GatewayRuntime runtime;
   private final Path idMarks;
   private final ScheduledExecutorService scheduler;
   private volatile boolean started;

   /** Message id generators with their state in memory only (no broker data directory). */
   public GatewayConfigService(String brokerName, GatewayRuntime runtime) {
      this(brokerName, runtime, null, null);
   }

   /**
    * @param idMarks   the directory of the message id marks (the broker's data directory's
    *                  {@value GatewayRuntime#ID_MARKS_DIRECTORY}); null: in memory only
    * @param scheduler the broker's scheduled pool, which keeps the marks ahead
    */
   public GatewayConfigService(String brokerName, GatewayRuntime runtime, Path idMarks, ScheduledExecutorService scheduler) {
      this.brokerName = brokerName;
      this.runtime = runtime;
      this.idMarks = idMarks;
      this.scheduler = scheduler;
   }

   @Override
   public void start() throws Exception {
      synchronized (runtime) {
         if (idMarks != null) {
            runtime.persistIds(idMarks, scheduler);
         }
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
