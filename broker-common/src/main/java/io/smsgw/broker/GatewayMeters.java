package io.smsgw.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.metrics.MetricsManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's meters of one component (an SMSC link, the routing counters, an account's acceptor counters), on the
 * broker's Micrometer registry when a metrics plugin is configured, and nothing at all otherwise
 * ({@code server.getMetricsManager()} is null then). Every meter reads a counter or state the component already
 * keeps (a function counter or a gauge): registering costs the component's hot path nothing.
 * <p>
 * A component registers its meters when it starts and {@link #close() removes} them when it stops, so a link a restart
 * no longer has, or an acceptor started again, leaves neither a stale meter nor a duplicate: Micrometer hands back the
 * meter already registered under the same name and tags, still reading the old object. A meter of that id left
 * behind by someone else is therefore replaced, not reused. Every meter carries the {@code broker} tag (the broker's
 * name), which Artemis adds only to its own meters. Names start with {@link #PREFIX}, in Micrometer's dotted style
 * (docs/metrics.md lists them).
 */
public final class GatewayMeters implements AutoCloseable {

   private static final Logger logger = LoggerFactory.getLogger(GatewayMeters.class);

   /** The prefix of every gateway meter's name. */
   public static final String PREFIX = "sms.gateway.";

   private static final GatewayMeters NONE = new GatewayMeters(null, "");

   private final MeterRegistry registry;
   private final Tags common;
   private final List<Meter> registered = new ArrayList<>();

   private GatewayMeters(MeterRegistry registry, String broker) {
      this.registry = registry;
      this.common = Tags.of(MetricsManager.BROKER_TAG_NAME, broker);
   }

   /** A new group of meters on the broker's registry; one that registers nothing when no metrics plugin is configured. */
   public static GatewayMeters of(ActiveMQServer server) {
      MetricsManager metrics = server.getMetricsManager();
      MeterRegistry registry = metrics == null ? null : metrics.getMeterRegistry();
      return registry == null ? NONE : new GatewayMeters(registry, server.getConfiguration().getName());
   }

   /** Whether meters registered here reach a registry. */
   public boolean enabled() {
      return registry != null;
   }

   /**
    * A gauge {@code PREFIX + name} reading {@code source} through {@code value}; {@code tags} are key, value pairs.
    * The gauge holds {@code source} strongly until {@link #close()}.
    */
   public <T> GatewayMeters gauge(String name, String description, T source, ToDoubleFunction<T> value, String... tags) {
      if (registry != null) {
         Tags all = common.and(tags);
         replaceStale(name, all);
         add(Gauge.builder(PREFIX + name, source, value).description(description).tags(all).strongReference(true).register(registry));
      }
      return this;
   }

   /**
    * A counter {@code PREFIX + name} whose count {@code value} reads from {@code source} (a count that only grows);
    * {@code source} must be held by its component (Micrometer keeps a weak reference).
    */
   public <T> GatewayMeters counter(String name, String description, T source, ToDoubleFunction<T> value, String... tags) {
      if (registry != null) {
         Tags all = common.and(tags);
         replaceStale(name, all);
         add(FunctionCounter.builder(PREFIX + name, source, value).description(description).tags(all).register(registry));
      }
      return this;
   }

   private synchronized void add(Meter meter) {
      registered.add(meter);
   }

   /** Removes a meter of that id this group did not register (one a component failed to remove), so the new one is used. */
   private void replaceStale(String name, Tags tags) {
      long size = tags.stream().count();
      Meter found = registry.find(PREFIX + name).tags(tags).meters().stream()
         .filter(m -> m.getId().getTags().size() == size).findFirst().orElse(null);
      if (found != null && !mine(found)) {
         logger.debug("Replacing meter {} left behind by a component that did not remove it", found.getId());
         registry.remove(found);
      }
   }

   private synchronized boolean mine(Meter meter) {
      return registered.contains(meter);
   }

   /** Removes every meter of this group from the registry; the group may register again afterwards. */
   @Override
   public synchronized void close() {
      if (registry == null) {
         return;
      }
      for (Meter meter : registered) {
         try {
            registry.remove(meter);
         } catch (RuntimeException e) {
            logger.debug("Removing meter {}", meter.getId(), e);
         }
      }
      registered.clear();
   }
}
