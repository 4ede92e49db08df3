package io.smsgw.cmpp.gns;

import java.nio.file.Path;

/** Reads the tandem service for management; holds no state of its own. */
public final class TandemControl implements TandemControlMBean {

   private final TandemService service;

   TandemControl(TandemService service) {
      this.service = service;
   }

   @Override
   public int getMtRouteCount() {
      return service.table().mtRouteCount();
   }

   @Override
   public int getMoRouteCount() {
      return service.table().moRouteCount();
   }

   @Override
   public String[] getConnectedGateways() {
      return service.connectedGateways().toArray(new String[0]);
   }

   @Override
   public long getUpdatesApplied() {
      return service.updatesApplied.sum();
   }

   @Override
   public long getUpdatesRefused() {
      return service.updatesRefused.sum();
   }

   @Override
   public long getUpdatesOfOtherGatewaysRefused() {
      return service.updatesOfOthersRefused.sum();
   }

   @Override
   public long getPushesSent() {
      return service.pushesSent.sum();
   }

   @Override
   public String getRouteFile() {
      Path file = service.routeFile();
      return file == null ? "" : file.toString();
   }

   @Override
   public String getRouteFileProblem() {
      return service.routeFileProblem();
   }
}
