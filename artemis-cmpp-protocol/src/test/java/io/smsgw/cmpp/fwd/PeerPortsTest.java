package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Peers name each other's ports before either binds its own, so a test picks them all first. Picked as the kernel's
 * free port of the moment (new ServerSocket(0)), two picks could be one port, and the second gateway's acceptor then
 * failed to bind; picks in one JVM are all different.
 */
class PeerPortsTest {

   @Test
   void portsPickedBeforeThePeersBindThemAreAllDifferent() {
      Set<Integer> picked = new HashSet<>();
      // 400 picks from the kernel's ~28,000 ephemeral ports meet at least once in about 19 runs of 20
      for (int i = 0; i < 400; i++) {
         int port = PeerBroker.freePort();
         assertTrue(picked.add(port), "port " + port + " picked again after " + i + " picks");
      }
   }
}
