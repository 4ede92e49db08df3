package io.smsgw.core.config;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;

/**
 * Reads {@code sms-gateway.conf} (HOCON, via Typesafe Config) into a {@link GatewayConfig}.
 * Validation is strict: unknown keys, missing required settings and bad values all fail with one
 * {@link GatewayConfigException} listing every problem with file and line. Substitutions such as
 * {@code password = ${?SP1_SECRET}} may read environment variables.
 */
public final class GatewayConfigLoader {

   /** The file name the locator looks for. */
   public static final String FILE_NAME = "sms-gateway.conf";

   private static final ConfigParseOptions OPTIONS =
      ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false);

   private GatewayConfigLoader() {
   }

   public static GatewayConfig load(Path file) {
      if (!Files.isRegularFile(file)) {
         throw new GatewayConfigException(file + ": no such file");
      }
      return read(() -> ConfigFactory.parseFile(file.toFile(), OPTIONS), file.toString());
   }

   /** Loads the first resource of that name visible to {@code classLoader}. */
   public static GatewayConfig load(String resourceName, ClassLoader classLoader) {
      URL url = classLoader.getResource(resourceName);
      if (url == null) {
         throw new GatewayConfigException("class-path resource " + resourceName + ": not found");
      }
      return read(() -> ConfigFactory.parseURL(url, OPTIONS), resourceName);
   }

   /**
    * @param text   the file content
    * @param origin how messages name the source, e.g. "sms-gateway.conf"
    */
   public static GatewayConfig parse(String text, String origin) {
      return read(() -> ConfigFactory.parseString(text, OPTIONS.setOriginDescription(origin)), origin);
   }

   private static GatewayConfig read(Supplier<Config> parser, String sourceName) {
      Config config;
      try {
         config = parser.get().resolve();
      } catch (ConfigException e) {
         throw new GatewayConfigException(describe(e, sourceName), e);
      }
      return new GatewayConfigReader(sourceName).read(config.root());
   }

   /** Syntax, include and substitution errors, reworded to our "file line N: ..." form. */
   private static String describe(ConfigException e, String sourceName) {
      String message = String.valueOf(e.getMessage());
      if (e.origin() == null) {
         return sourceName + ": " + message;
      }
      String libraryPrefix = e.origin().description() + ": ";
      if (message.startsWith(libraryPrefix)) {
         message = message.substring(libraryPrefix.length());
      }
      return GatewayConfigReader.where(e.origin(), sourceName) + ": " + message;
   }
}
