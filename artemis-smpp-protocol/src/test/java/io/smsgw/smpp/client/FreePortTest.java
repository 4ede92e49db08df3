package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * A test network picks the ports of its gateways and SMSCs before anything binds them. Two picks of one port made the
 * second gateway's acceptor fail to bind and the gateway never start (NetworkRoutingTest, "gateway ... active" timed
 * out); picks in one JVM are all different.
 */
class FreePortTest {

   @Test
   void portsPickedBeforeTheyAreBoundAreAllDifferent() throws Exception {
      Set<Integer> picked = new HashSet<>();
      // 400 random picks of 10,000 ports meet at least once in all but about 3 of 10,000 runs
      for (int i = 0; i < 400; i++) {
         int port = JsmppSmsc.freePort();
         assertTrue(picked.add(port), "port " + port + " picked again after " + i + " picks");
      }
   }
}
