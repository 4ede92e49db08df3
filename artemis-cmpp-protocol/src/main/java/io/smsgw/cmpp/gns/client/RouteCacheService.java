package io.smsgw.cmpp.gns.client;

import javax.management.ObjectName;

import io.smsgw.broker.GatewayMeters;
import io.smsgw.broker.GatewayConfigServices;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.GatewayConfigLocator;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker-lifetime component of the gateway role: when {@code sms-gateway.conf} has a {@code gns} section, it
 * connects to the tandem gateway ({@link GnsClient}), keeps the {@link RouteCache}, registers it on the
 * {@link GatewayRuntime} as the protocol-neutral {@link io.smsgw.core.runtime.NetworkRoutes} the routing plugin
 * uses, and exposes it as a management bean. Stops with the broker. A {@code gns} section added by a reload
 * takes effect with the next broker start.
 */
public final class RouteCacheService implements ActiveMQComponent {

   private static final Logger logger = LoggerFactory.getLogger(RouteCacheService.class);
   static final String RESOURCE_NAME = "sms-route-cache";

   private final ActiveMQServer server;
   private final GatewayRuntime runtime;
   private RouteCache cache;
   private CachedNetworkRoutes routes;
   private ObjectName objectName;
   /** The cache's meters (none without a metrics plugin), removed at the stop. */
   private GatewayMeters meters;

   public RouteCacheService(ActiveMQServer server, GatewayRuntime runtime) {
      this.server = server;
      this.runtime = runtime;
   }

   @Override
   public synchronized void start() throws Exception {
      if (cache != null) {
         return;
      }
      if (!runtime.isConfigured()) {
         if (!new GatewayConfigLocator().isAvailable()) {
            return;
         }
         GatewayConfigServices.of(server, runtime).start();
      }
      GatewayConfig config = runtime.config();
      if (config.gns() == null) {
         return;
      }
      // Built once here, off the event loop: a trust or key store that cannot be read fails the start, naming the file.
      io.netty.handler.ssl.SslContext ssl = config.gns().tls().enabled()
         ? io.smsgw.broker.TlsClientContexts.build("gns (the connection to the tandem)", config.gns().tls()) : null;
      cache = new RouteCache(new GnsClient(config.gns(), config.code(), null,
         // The CONNECT Timestamp in the CMPP acceptors' zone (cmppTimeZone), as the tandem reads it.
         java.time.Clock.system(io.smsgw.cmpp.server.CmppZone.of(server)), ssl));
      cache.start();
      routes = new CachedNetworkRoutes(cache);
      runtime.networkRoutes(routes);
      registerControl();
      meters = GatewayMeters.of(server);
      RouteCacheMeters.register(meters, cache);
      logger.info("Gateway {}: route cache started, tandem gateway at {}:{}{}", config.code(), config.gns().host(),
                  config.gns().port(), ssl == null ? "" : " over TLS");
   }

   private void registerControl() {
      try {
         Configuration config = server.getConfiguration();
         objectName = ObjectName.getInstance(config.getJMXDomain() + ":broker=" + ObjectName.quote(config.getName())
                                                + ",component=sms-route-cache,name=\"route-cache\"");
         server.getManagementService().registerUntypedControl(RESOURCE_NAME, new RouteCacheControl(cache), objectName);
      } catch (Exception e) {
         objectName = null;
         logger.warn("Could not register the route cache management bean", e);
      }
   }

   @Override
   public synchronized void stop() throws Exception {
      if (cache == null) {
         return;
      }
      runtime.withdrawNetworkRoutes(routes);
      if (meters != null) {
         meters.close();
         meters = null;
      }
      if (objectName != null) {
         try {
            server.getManagementService().unregisterUntypedControl(RESOURCE_NAME, objectName);
         } catch (Exception e) {
            logger.debug("Unregistering the route cache bean", e);
         }
      }
      cache.close();
      cache = null;
      routes = null;
      objectName = null;
   }

   @Override
   public synchronized boolean isStarted() {
      return cache != null;
   }

   /** The running cache, or null. */
   public synchronized RouteCache cache() {
      return cache;
   }
}
