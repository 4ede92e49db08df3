package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.smpp.codec.SmppStatus;
import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.type.SmppBindException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start's demo password ("password" of smppclient1) is printed in the README: a gateway that still has it
 * takes smppclient1's binds from this host only (decision 133). cloudhopper-smpp binds through a second SMPP acceptor on this
 * host's non-loopback address, so the gateway sees it come from that address, as a client on another host would.
 */
class SmppDemoSecretTest {

   @TempDir
   Path dir;

   static Optional<InetAddress> nonLoopbackAddress() throws IOException {
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

   private final DefaultSmppClient client = new DefaultSmppClient();

   @AfterEach
   void stopClient() {
      client.destroy();
   }

   private SmppSession bind(String host, int port, String systemId, String password) throws Exception {
      SmppSessionConfiguration cfg = new SmppSessionConfiguration(SmppBindType.TRANSCEIVER, systemId, password);
      cfg.setHost(host);
      cfg.setPort(port);
      cfg.setBindTimeout(10_000);
      return client.bind(cfg, new DefaultSmppSessionHandler());
   }

   private static void unbind(SmppSession session) {
      session.unbind(5_000);
      session.destroy();
   }

   @Test
   void theDemoPasswordBindsFromThisHostOnlyAndEachRefusalIsLoggedOncePerAccount() throws Exception {
      Optional<InetAddress> lan = nonLoopbackAddress();
      assumeTrue(lan.isPresent(), "this host has no address besides loopback");
      String host = lan.get().getHostAddress();
      try (TestBroker broker = TestBroker.smpp(dir, "")
              .configure(cfg -> {
                 try {
                    cfg.addAcceptorConfiguration("smpp-lan", "tcp://" + host + ":0?protocols=SMPP");
                 } catch (Exception e) {
                    throw new IllegalStateException(e);
                 }
              }).start();
           LogCapture log = LogCapture.start()) {
         int lanPort = broker.server().getRemotingService().getAcceptor("smpp-lan").getActualPort();

         // An account with a secret of its own binds from any address, as before.
         unbind(bind(host, lanPort, "esme2", "secret2"));

         for (int i = 0; i < 3; i++) {
            SmppBindException refused = assertThrows(SmppBindException.class, () -> bind(host, lanPort, "smppclient1", "password"),
                                                     "the demo password from " + host + " is refused");
            assertEquals(SmppStatus.ESME_RBINDFAIL, refused.getBindResponse().getCommandStatus(), "answered as a wrong password is");
         }
         Wait.until("the refusals logged", java.time.Duration.ofSeconds(10),
                    () -> log.count("Refused bind_transceiver", "smppclient1", "demo password") == 3);
         assertEquals(1, log.count("WARN", "smppclient1", host, "demo password shipped with the quick start"),
                      "one WARN naming the account and the client's address, the other refusals counted");

         // The quick start's own clients run on the gateway's host.
         SmppSession local = bind("127.0.0.1", broker.port(), "smppclient1", "password");
         assertTrue(local.isBound());
         unbind(local);
      }
   }
}
