package io.smsgw.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import io.smsgw.broker.BrokerExposure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the shipped {@code broker-config/etc} exposes. As shipped (security off) the application acceptor answers on the
 * loopback interface only, while the SMPP and CMPP acceptors, which authenticate every account themselves, stay open.
 */
class ShippedBrokerSecurityTest {

   @TempDir
   Path dir;

   private static Path shippedEtc() {
      return QuickStartGateway.Settings.fromSystemProperties().etcDir().toAbsolutePath().normalize();
   }

   private QuickStartGateway start(Path etc) throws Exception {
      return QuickStartGateway.start(new QuickStartGateway.Settings(etc, dir.resolve("data"), 0, 0, 0,
         new QuickStartGateway.SimulatorSettings(0, Duration.ofMillis(100), 1.0)));
   }

   /** An IPv4 address of this host that is not loopback, if it has one. */
   private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
      for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
         if (network.isUp() && !network.isLoopback()) {
            for (InetAddress address : Collections.list(network.getInetAddresses())) {
               if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                  return Optional.of(address);
               }
            }
         }
      }
      return Optional.empty();
   }

   private static boolean accepts(InetAddress address, int port) {
      try (Socket socket = new Socket()) {
         socket.connect(new InetSocketAddress(address, port), 5000);
         return true;
      } catch (IOException e) {
         return false;
      }
   }

   @Test
   void asShippedTheApplicationAcceptorAnswersOnLoopbackOnly() throws Exception {
      Optional<InetAddress> external = nonLoopbackAddress();
      assumeTrue(external.isPresent(), "this host has no address besides loopback");
      try (QuickStartGateway gateway = start(shippedEtc())) {
         assertTrue(accepts(InetAddress.getLoopbackAddress(), gateway.corePort()), "applications on the same host reach it");
         assertTrue(accepts(external.get(), gateway.smppPort()), "the SMPP acceptor is open to the network as before");
         assertTrue(accepts(external.get(), gateway.cmppPort()), "the CMPP acceptor is open to the network as before");
         assertFalse(accepts(external.get(), gateway.corePort()),
                      "with security off, the application acceptor does not answer on " + external.get().getHostAddress());
         assertEquals(List.of(), BrokerExposure.exposedApplicationAcceptors(gateway.server().getConfiguration()),
                      "nothing for the start-up warning to name");
      }
   }
}
