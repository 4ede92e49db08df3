package io.smsgw.cmpp.gns;

/** Management view of the tandem gateway's route service (GNS role). */
public interface TandemControlMBean {

   int getMtRouteCount();

   int getMoRouteCount();

   /** Codes of the gateways with an open GNS session (they receive the pushes). */
   String[] getConnectedGateways();

   /** MT/MO_ROUTE_UPDATEs answered Result 0 (applied, on disk, pushed). */
   long getUpdatesApplied();

   /** Updates answered with another Result. */
   long getUpdatesRefused();

   /**
    * Updates refused with Result 4 because they would change, delete or create a route of another gateway than
    * the sender (also counted in {@link #getUpdatesRefused()}).
    */
   long getUpdatesOfOtherGatewaysRefused();

   /** PUSH_MT/MO_ROUTE_UPDATEs sent to gateways. */
   long getPushesSent();

   /** The file the routes are kept in across restarts; empty when they live in memory only. */
   String getRouteFile();

   /** What loading the route file at start found wrong (damaged line, routes changed in the configuration); empty if nothing. */
   String getRouteFileProblem();
}
