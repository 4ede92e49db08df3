package io.smsgw.core.config;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Finds {@code sms-gateway.conf}, first match wins:
 * <ol>
 *   <li>system property {@value #PATH_PROPERTY} (a path),</li>
 *   <li>environment variable {@value #PATH_ENVIRONMENT_VARIABLE} (a path),</li>
 *   <li>{@code ${artemis.instance}/etc/sms-gateway.conf}; the Artemis start script sets
 *       {@value #ARTEMIS_INSTANCE_PROPERTY},</li>
 *   <li>class-path resource {@code sms-gateway.conf}.</li>
 * </ol>
 * A path named explicitly in (1) or (2) must exist: falling back to another file would start the
 * gateway with accounts the operator did not choose.
 */
public final class GatewayConfigLocator {

   public static final String PATH_PROPERTY = "smsgw.config";
   public static final String PATH_ENVIRONMENT_VARIABLE = "SMSGW_CONFIG";
   public static final String ARTEMIS_INSTANCE_PROPERTY = "artemis.instance";

   private final UnaryOperator<String> systemProperties;
   private final UnaryOperator<String> environment;
   private final ClassLoader classLoader;

   /** Looks at the real system properties, environment and this class's class loader. */
   public GatewayConfigLocator() {
      this(System::getProperty, System::getenv, defaultClassLoader());
   }

   /** For tests and embedding: every source of information injected. */
   public GatewayConfigLocator(UnaryOperator<String> systemProperties, UnaryOperator<String> environment,
                               ClassLoader classLoader) {
      this.systemProperties = Objects.requireNonNull(systemProperties);
      this.environment = Objects.requireNonNull(environment);
      this.classLoader = Objects.requireNonNull(classLoader);
   }

   /** Where the configuration is. @throws GatewayConfigException listing every place looked at */
   public Location locate() {
      List<String> looked = new ArrayList<>();
      Location explicit = explicitPath(systemProperties.apply(PATH_PROPERTY), "system property " + PATH_PROPERTY, looked);
      if (explicit == null) {
         explicit = explicitPath(environment.apply(PATH_ENVIRONMENT_VARIABLE),
            "environment variable " + PATH_ENVIRONMENT_VARIABLE, looked);
      }
      if (explicit != null) {
         return explicit;
      }
      String instance = systemProperties.apply(ARTEMIS_INSTANCE_PROPERTY);
      if (isSet(instance)) {
         Path candidate = Path.of(instance, "etc", GatewayConfigLoader.FILE_NAME);
         if (Files.isRegularFile(candidate)) {
            return new FileLocation(candidate, "system property " + ARTEMIS_INSTANCE_PROPERTY);
         }
         looked.add(candidate + " (from system property " + ARTEMIS_INSTANCE_PROPERTY + "): no such file");
      } else {
         looked.add("system property " + ARTEMIS_INSTANCE_PROPERTY + ": not set");
      }
      URL resource = classLoader.getResource(GatewayConfigLoader.FILE_NAME);
      if (resource != null) {
         return new ResourceLocation(GatewayConfigLoader.FILE_NAME, classLoader, resource);
      }
      looked.add("class-path resource " + GatewayConfigLoader.FILE_NAME + ": not found");
      throw new GatewayConfigException("no " + GatewayConfigLoader.FILE_NAME + " found; looked at:\n  "
         + String.join("\n  ", looked));
   }

   /**
    * Whether a configuration was named explicitly or can be found; components that are optional without one
    * (SMSC links) ask this first. A path named explicitly but missing still fails in {@link #locate()}.
    */
   public boolean isAvailable() {
      if (isSet(systemProperties.apply(PATH_PROPERTY)) || isSet(environment.apply(PATH_ENVIRONMENT_VARIABLE))) {
         return true;
      }
      String instance = systemProperties.apply(ARTEMIS_INSTANCE_PROPERTY);
      return isSet(instance) && Files.isRegularFile(Path.of(instance, "etc", GatewayConfigLoader.FILE_NAME))
         || classLoader.getResource(GatewayConfigLoader.FILE_NAME) != null;
   }

   /** Locates and loads the configuration. */
   public GatewayConfig load() {
      return locate().load();
   }

   private Location explicitPath(String value, String source, List<String> looked) {
      if (!isSet(value)) {
         looked.add(source + ": not set");
         return null;
      }
      Path path = Path.of(value.trim());
      if (!Files.isRegularFile(path)) {
         looked.add(source + " = " + path + ": no such file");
         throw new GatewayConfigException("configuration file named by " + source + " does not exist: " + path
            + "\nlooked at:\n  " + String.join("\n  ", looked));
      }
      return new FileLocation(path, source);
   }

   private static boolean isSet(String value) {
      return value != null && !value.isBlank();
   }

   private static ClassLoader defaultClassLoader() {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      return context != null ? context : GatewayConfigLocator.class.getClassLoader();
   }

   /** A place the configuration was found. */
   public sealed interface Location permits FileLocation, ResourceLocation {
      GatewayConfig load();
   }

   /** A file, and which setting led to it (for the startup log). */
   public record FileLocation(Path file, String foundThrough) implements Location {
      @Override
      public GatewayConfig load() {
         return GatewayConfigLoader.load(file);
      }

      @Override
      public String toString() {
         return file + " (from " + foundThrough + ")";
      }
   }

   /** A class-path resource. */
   public record ResourceLocation(String resourceName, ClassLoader classLoader, URL url) implements Location {
      @Override
      public GatewayConfig load() {
         return GatewayConfigLoader.load(resourceName, classLoader);
      }

      @Override
      public String toString() {
         return "class-path resource " + resourceName + " (" + url + ")";
      }
   }
}
