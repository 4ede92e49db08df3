package io.smsgw.cmpp.gns;

import java.io.File;
import java.nio.file.Path;

import javax.management.ObjectName;

import io.smsgw.broker.GatewayMeters;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker-lifetime component of the tandem role: at start, when the configuration has a {@code tandem} section,
 * loads the route table from its file next to the journal ({@code <data>/sms-tandem/routes.log}) and registers
 * the management bean ({@code component=sms-tandem}); at stop, lets pending updates finish and closes the file.
 * Does nothing on a gateway that is not a tandem.
 */
public final class TandemLifecycle implements ActiveMQComponent {

   private static final Logger logger = LoggerFactory.getLogger(TandemLifecycle.class);
   /** Resource name of the management bean: {@code ManagementService.getUntypedControl("sms-tandem")}. */
   public static final String RESOURCE_NAME = "sms-tandem";
   static final String STORE_DIRECTORY = "sms-tandem";

   private final ActiveMQServer server;
   private final GatewayRuntime runtime;
   private TandemService service;
   private ObjectName objectName;
   /** The tandem's meters (none without a metrics plugin), removed at the stop. */
   private GatewayMeters meters;
   private volatile boolean started;

   public TandemLifecycle(ActiveMQServer server, GatewayRuntime runtime) {
      this.server = server;
      this.runtime = runtime;
   }

   @Override
   public synchronized void start() {
      if (started || !runtime.isConfigured() || runtime.config().tandem() == null) {
         return;
      }
      service = TandemService.of(runtime);
      service.start(storeDirectory());
      register();
      meters = GatewayMeters.of(server);
      TandemMeters.register(meters, service);
      started = true;
   }

   @Override
   public synchronized void stop() {
      if (!started) {
         return;
      }
      started = false;
      if (meters != null) {
         meters.close(); // before the service forgets its table: reading it then would seed it again
         meters = null;
      }
      if (objectName != null) {
         try {
            server.getManagementService().unregisterUntypedControl(RESOURCE_NAME, objectName);
         } catch (Exception e) {
            logger.debug("Unregistering {}", objectName, e);
         }
         objectName = null;
      }
      service.stop();
   }

   @Override
   public boolean isStarted() {
      return started;
   }

   /** Next to the journal, so it moves, backs up and fails over with the broker's data. */
   private Path storeDirectory() {
      File journal = server.getConfiguration().getJournalLocation();
      File parent = journal.getAbsoluteFile().getParentFile();
      return (parent == null ? journal : parent).toPath().resolve(STORE_DIRECTORY);
   }

   private void register() {
      try {
         var config = server.getConfiguration();
         ObjectName name = ObjectName.getInstance(config.getJMXDomain() + ":broker=" + ObjectName.quote(config.getName())
            + ",component=sms-tandem,name=\"tandem\"");
         server.getManagementService().registerUntypedControl(RESOURCE_NAME, new TandemControl(service), name);
         objectName = name;
      } catch (Exception e) {
         logger.warn("Could not register the tandem management bean", e);
      }
   }
}
