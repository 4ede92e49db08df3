package io.smsgw.broker.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for tests that must name a port before anything binds it (peers that name each other, a gateway process told
 * its ports on the command line). A port the kernel hands out for {@code new ServerSocket(0)} is in its ephemeral
 * range, which outgoing connections take their source ports from, and the next such pick may hand out the same port
 * again: a peer's connection attempt or a second pick could take it before its broker binds it. These are picked in
 * 20000-29999, below the ephemeral range (32768 and up on Linux), free when picked and never handed out twice in one
 * JVM. Other processes picking in the same range can still meet them.
 */
public final class FreePorts {

   private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

   private FreePorts() {
   }

   public static int pick() throws IOException {
      for (int attempt = 0; attempt < 100; attempt++) {
         int port = 20_000 + ThreadLocalRandom.current().nextInt(10_000);
         if (HANDED_OUT.contains(port)) {
            continue;
         }
         try (ServerSocket socket = new ServerSocket(port)) {
            if (HANDED_OUT.add(port)) {
               return port;
            }
         } catch (IOException busy) {
            // try another
         }
      }
      throw new IOException("no free port in 20000-29999");
   }
}
