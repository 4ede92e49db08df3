package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sms-gateway.conf holds every secret in plain text: a file other users may read gets one WARN naming it and the fix
 * (chmod 600) at the broker's start and at each reload; a file only its owner reads gets none. Before, nothing looked.
 */
class ConfigFilePermissionsWarningTest {

   @TempDir
   Path dir;

   @BeforeEach
   void posixOnly() {
      assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
   }

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private Path writeConfig(String permissions) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         """);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
      System.setProperty("smsgw.config", file.toString());
      return file;
   }

   private static int warnings(LogCapture log, Path file) {
      return log.count("WARN", file.toString(), "readable by", "chmod 600 " + file);
   }

   @Test
   void aFileOthersMayReadGetsOneWarnAtStartAndAtEachReload() throws Exception {
      Path file = writeConfig("rw-r--r--");
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         assertEquals(1, warnings(log, file), () -> "at start: " + log.lines("WARN"));
         assertEquals(1, log.count("WARN", "its group and all users", "rw-r--r--"), () -> log.lines("WARN").toString());
         SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         assertEquals("", control.reload());
         assertEquals(2, warnings(log, file), () -> "after a reload: " + log.lines("WARN"));
      }
   }

   @Test
   void aFileOnlyItsOwnerReadsGetsNone() throws Exception {
      Path file = writeConfig("rw-------");
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         assertEquals("", control.reload());
         assertEquals(0, log.count("WARN", "chmod 600"), () -> log.lines("WARN").toString());
         assertEquals(0, warnings(log, file));
      }
   }
}
