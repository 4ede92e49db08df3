package io.smsgw.cmpp.gns.client;

/**
 * Management view of a gateway's route cache:
 * {@code org.apache.activemq.artemis:broker="<name>",component=sms-route-cache,name="route-cache"}.
 */
public interface RouteCacheControlMBean {

   int getMtRouteCount();

   int getMoRouteCount();

   /** Whether the tandem is reachable and the routes are loaded. */
   boolean isAvailable();

   /** NEW, CONNECTING, CONNECTED or CLOSED. */
   String getTandemConnectionState();

   /** Full loads completed since the broker started. */
   long getLoads();

   int getRememberedMtMisses();

   int getRememberedMoMisses();

   /** Loads every route from the tandem now; waits up to a minute and says what happened. */
   String reload();
}
