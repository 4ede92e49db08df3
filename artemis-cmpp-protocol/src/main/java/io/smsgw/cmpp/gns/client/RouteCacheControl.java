package io.smsgw.cmpp.gns.client;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reads and reloads a route cache for management; holds no state of its own. */
public final class RouteCacheControl implements RouteCacheControlMBean {

   private static final long RELOAD_WAIT_SECONDS = 60;

   private final RouteCache cache;

   RouteCacheControl(RouteCache cache) {
      this.cache = cache;
   }

   @Override
   public int getMtRouteCount() {
      return cache.mtRouteCount();
   }

   @Override
   public int getMoRouteCount() {
      return cache.moRouteCount();
   }

   @Override
   public boolean isAvailable() {
      return cache.isAvailable();
   }

   @Override
   public String getTandemConnectionState() {
      return cache.client().state().name();
   }

   @Override
   public long getLoads() {
      return cache.loads();
   }

   @Override
   public int getRememberedMtMisses() {
      return cache.rememberedMtMisses();
   }

   @Override
   public int getRememberedMoMisses() {
      return cache.rememberedMoMisses();
   }

   @Override
   public String reload() {
      // a management thread, never an event loop: waiting here is fine
      try {
         cache.reload().toCompletableFuture().get(RELOAD_WAIT_SECONDS, TimeUnit.SECONDS);
         return "loaded " + cache.mtRouteCount() + " MT and " + cache.moRouteCount() + " MO routes";
      } catch (ExecutionException e) {
         return "reload failed: " + e.getCause().getMessage() + "; the cached routes stay";
      } catch (TimeoutException e) {
         return "reload still running after " + RELOAD_WAIT_SECONDS + " s";
      } catch (InterruptedException e) {
         Thread.currentThread().interrupt();
         return "interrupted";
      }
   }
}
