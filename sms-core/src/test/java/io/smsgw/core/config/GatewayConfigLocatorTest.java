package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigLocatorTest {

   @TempDir
   Path dir;

   private final Map<String, String> properties = new HashMap<>();
   private final Map<String, String> environment = new HashMap<>();
   private ClassLoader classPath = new URLClassLoader(new URL[0], null);

   private GatewayConfigLocator locator() {
      return new GatewayConfigLocator(properties::get, environment::get, classPath);
   }

   private Path config(String relative, String code) throws IOException {
      Path file = dir.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, "gateway { code = \"" + code + "\" }\n");
      return file;
   }

   @Test
   void systemPropertyComesFirst() throws IOException {
      properties.put("smsgw.config", config("a/explicit.conf", "000001").toString());
      environment.put("SMSGW_CONFIG", config("b/env.conf", "000002").toString());
      properties.put("artemis.instance", dir.resolve("broker").toString());
      config("broker/etc/sms-gateway.conf", "000003");
      GatewayConfigLocator.Location location = locator().locate();
      assertEquals(new GatewayConfigLocator.FileLocation(dir.resolve("a/explicit.conf"), "system property smsgw.config"),
         location);
      assertEquals("000001", location.load().code());
   }

   @Test
   void environmentVariableComesSecond() throws IOException {
      environment.put("SMSGW_CONFIG", config("b/env.conf", "000002").toString());
      properties.put("artemis.instance", dir.resolve("broker").toString());
      config("broker/etc/sms-gateway.conf", "000003");
      assertEquals("000002", locator().load().code());
   }

   @Test
   void artemisInstanceEtcComesThird() throws IOException {
      properties.put("artemis.instance", dir.resolve("broker").toString());
      config("broker/etc/sms-gateway.conf", "000003");
      config("cp/sms-gateway.conf", "000004");
      classPath = new URLClassLoader(new URL[] {dir.resolve("cp").toUri().toURL()}, null);
      assertEquals("000003", locator().load().code());
   }

   @Test
   void classPathResourceIsTheLastResort() throws IOException {
      properties.put("artemis.instance", dir.resolve("broker-without-file").toString());
      config("cp/sms-gateway.conf", "000004");
      classPath = new URLClassLoader(new URL[] {dir.resolve("cp").toUri().toURL()}, null);
      GatewayConfigLocator.Location location = locator().locate();
      assertInstanceOf(GatewayConfigLocator.ResourceLocation.class, location);
      assertEquals("000004", location.load().code());
   }

   @Test
   void nothingFoundListsEveryPlaceLookedAt() {
      properties.put("artemis.instance", dir.resolve("broker").toString());
      GatewayConfigException e = assertThrows(GatewayConfigException.class, () -> locator().locate());
      assertEquals("no sms-gateway.conf found; looked at:\n"
         + "  system property smsgw.config: not set\n"
         + "  environment variable SMSGW_CONFIG: not set\n"
         + "  " + dir.resolve("broker/etc/sms-gateway.conf") + " (from system property artemis.instance): no such file\n"
         + "  class-path resource sms-gateway.conf: not found", e.getMessage());
   }

   @Test
   void blankSettingsCountAsNotSet() {
      properties.put("smsgw.config", " ");
      environment.put("SMSGW_CONFIG", "");
      GatewayConfigException e = assertThrows(GatewayConfigException.class, () -> locator().locate());
      assertEquals("no sms-gateway.conf found; looked at:\n"
         + "  system property smsgw.config: not set\n"
         + "  environment variable SMSGW_CONFIG: not set\n"
         + "  system property artemis.instance: not set\n"
         + "  class-path resource sms-gateway.conf: not found", e.getMessage());
   }

   @Test
   void anExplicitPathThatDoesNotExistIsAnErrorNotAFallback() throws IOException {
      Path missing = dir.resolve("missing.conf");
      environment.put("SMSGW_CONFIG", missing.toString());
      properties.put("artemis.instance", dir.resolve("broker").toString());
      config("broker/etc/sms-gateway.conf", "000003");
      GatewayConfigException e = assertThrows(GatewayConfigException.class, () -> locator().locate());
      assertEquals("configuration file named by environment variable SMSGW_CONFIG does not exist: " + missing + "\n"
         + "looked at:\n"
         + "  system property smsgw.config: not set\n"
         + "  environment variable SMSGW_CONFIG = " + missing + ": no such file", e.getMessage());
   }
}
