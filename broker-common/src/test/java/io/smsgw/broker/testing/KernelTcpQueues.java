package io.smsgw.broker.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Linux kernel's view of one TCP socket, for failure messages: its state and the bytes in its send queue (not yet
 * acknowledged by the other end) and receive queue (not yet read by the application), from {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}. Tells whether a stalled connection waits for the application to read or for the other end.
 */
final class KernelTcpQueues {

   private KernelTcpQueues() {
   }

   /** The socket with the given local and remote ports, or why it is not known. */
   static String describe(int localPort, int remotePort) {
      String local = String.format(":%04X", localPort);
      String remote = String.format(":%04X", remotePort);
      for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
         List<String> lines;
         try {
            lines = Files.readAllLines(Path.of(table));
         } catch (IOException | RuntimeException e) {
            continue;
         }
         for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 4 && f[1].endsWith(local) && f[2].endsWith(remote)) {
               String[] queues = f[4].split(":");
               return "tcp state 0x" + f[3] + ", send queue " + Long.parseLong(queues[0], 16) + " bytes, receive queue "
                  + Long.parseLong(queues[1], 16) + " bytes";
            }
         }
      }
      return "(no kernel socket " + localPort + " -> " + remotePort + " found)";
   }
}
