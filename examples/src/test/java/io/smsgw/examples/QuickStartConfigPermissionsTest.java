package io.smsgw.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh clone checks broker-config/etc/sms-gateway.conf out readable by all, and the gateway WARNs about such a file
 * (decision 181); the quick start makes the checkout's own file readable by its owner only instead of opening with
 * that WARN.
 */
class QuickStartConfigPermissionsTest {

   @TempDir
   Path dir;

   @Test
   void theCheckoutsConfigFileBecomesReadableByItsOwnerOnly() throws Exception {
      assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX file permissions");
      Path file = Files.writeString(dir.resolve("sms-gateway.conf"), "gateway { code = \"001001\" }\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

      QuickStartGateway.ownerOnly(file);

      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      QuickStartGateway.ownerOnly(file); // already so: unchanged
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
   }
}
