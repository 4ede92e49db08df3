package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code billing.cdr} section: its defaults, and a directory the writer could not use refused with the load. */
class CdrConfigTest {

   private static final String FILE = "sms-gateway.conf";

   @TempDir
   Path dir;

   private static GatewayConfig load(String text) {
      return GatewayConfigLoader.parse("gateway.code = \"001001\"\n" + text, FILE);
   }

   private static String problems(String text) {
      return String.join("\n", assertThrows(GatewayConfigException.class, () -> load(text)).problems());
   }

   @Test
   void withoutTheSectionThereAreNoCdrFiles() {
      assertNull(load("billing { billable-states = [ DELIVRD ] }").billing().cdr());
      assertNull(load("").billing().cdr());
   }

   @Test
   void aSectionWithOnlyTheDirectoryTakesTheDocumentedDefaults() {
      CdrConfig cdr = load("billing.cdr { directory = \"" + dir + "\" }").billing().cdr();
      assertEquals(dir.toAbsolutePath(), cdr.directory());
      assertEquals("cdr", cdr.prefix());
      assertEquals("billing-cdr.records", cdr.queue());
      assertEquals(Duration.ofMinutes(5), cdr.rotateInterval());
      assertEquals(100_000, cdr.maxRecords());
      assertEquals(64L * 1024 * 1024, cdr.maxBytes());
   }

   @Test
   void everySettingIsRead() {
      CdrConfig cdr = load("billing.cdr { directory = \"" + dir + "\", prefix = gw1, queue = mediation, rotate-interval = 30s, "
                              + "max-records = 500, max-bytes = 1M }").billing().cdr();
      assertEquals(new CdrConfig(dir.toAbsolutePath(), "gw1", "mediation", Duration.ofSeconds(30), 500, 1024 * 1024), cdr);
   }

   @Test
   void aDirectoryThatIsMissingOrAFileIsRefusedWithItsPathAndLine() throws Exception {
      Path missing = dir.resolve("missing");
      assertTrue(problems("billing {\n  cdr { directory = \"" + missing + "\" }\n}")
                    .contains(FILE + " line 3: billing.cdr.directory: " + missing + " does not exist"));
      Path file = Files.writeString(dir.resolve("a-file"), "");
      assertTrue(problems("billing.cdr { directory = \"" + file + "\" }").contains("billing.cdr.directory: " + file + " is not a directory"));
   }

   @Test
   void aDirectoryTheBrokerCannotWriteIsRefused() throws Exception {
      Path readOnly = Files.createDirectory(dir.resolve("read-only"));
      assertTrue(readOnly.toFile().setWritable(false));
      try {
         org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(readOnly), "running as root: every directory is writable");
         assertTrue(problems("billing.cdr { directory = \"" + readOnly + "\" }")
                       .contains("billing.cdr.directory: " + readOnly + " is not writable by the broker"));
      } finally {
         readOnly.toFile().setWritable(true);
      }
   }

   @Test
   void badValuesAreAllNamed() {
      String text = problems("billing.cdr { prefix = \"a/b\", rotate-interval = 0s, max-records = 0, max-bytes = lots, colour = red }");
      assertTrue(text.contains("billing.cdr.directory: required"), text);
      assertTrue(text.contains("billing.cdr.prefix: letters, digits"), text);
      assertTrue(text.contains("billing.cdr.rotate-interval: must be longer than 0"), text);
      assertTrue(text.contains("billing.cdr.max-records: must be >= 1"), text);
      assertTrue(text.contains("billing.cdr.max-bytes: expected a size"), text);
      assertTrue(text.contains("billing.cdr.colour: unknown key"), text);
   }
}
