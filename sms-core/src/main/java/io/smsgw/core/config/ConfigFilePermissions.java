package io.smsgw.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sms-gateway.conf} holds the accounts' passwords and shared secrets, and the links' and peers' secrets, in plain
 * text: at each load and reload the gateway says so once when users other than the file's owner may read it.
 */
public final class ConfigFilePermissions {

   private static final Logger logger = LoggerFactory.getLogger(ConfigFilePermissions.class);

   private ConfigFilePermissions() {
   }

   /**
    * Logs one WARN naming {@code file} when its group or other users may read it; nothing when only its owner may, and
    * nothing on a file system without POSIX permissions (Windows) or when they cannot be read.
    */
   public static void warnIfReadableByOthers(Path file) {
      Set<PosixFilePermission> permissions;
      try {
         permissions = Files.getPosixFilePermissions(file);
      } catch (UnsupportedOperationException | IOException | SecurityException e) {
         return;
      }
      List<String> readers = new ArrayList<>(2);
      if (permissions.contains(PosixFilePermission.GROUP_READ)) {
         readers.add("its group");
      }
      if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
         readers.add("all users");
      }
      if (!readers.isEmpty()) {
         logger.warn("{} holds the accounts' and links' passwords and shared secrets in plain text and is readable by {} ({}): "
                     + "let only the broker's user read it: chmod 600 {} (README, \"Security\")",
                     file, String.join(" and ", readers), PosixFilePermissions.toString(permissions), file);
      }
   }
}
