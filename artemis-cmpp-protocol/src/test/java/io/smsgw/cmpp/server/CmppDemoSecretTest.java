package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.SubmitResp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start's demo shared secret ("secret" of SP 901234) is printed in the README: a gateway that still has it
 * takes 901234's CONNECT from this host only (decision 133). The SP connects through a second CMPP acceptor on this
 * host's non-loopback address, so the gateway sees it come from that address, as an SP on another host would.
 */
class CmppDemoSecretTest {

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

   @Test
   void theDemoSecretConnectsFromThisHostOnlyAndEachRefusalIsLoggedOncePerAccount() throws Exception {
      Optional<InetAddress> lan = nonLoopbackAddress();
      assumeTrue(lan.isPresent(), "this host has no address besides loopback");
      String host = lan.get().getHostAddress();
      try (TestBroker broker = TestBroker.cmpp(dir, "")
              .configure(cfg -> {
                 try {
                    cfg.addAcceptorConfiguration("cmpp-lan", "tcp://" + host + ":0?protocols=CMPP");
                 } catch (Exception e) {
                    throw new IllegalStateException(e);
                 }
              }).start();
           LogCapture log = LogCapture.start()) {
         int lanPort = broker.server().getRemotingService().getAcceptor("cmpp-lan").getActualPort();

         // An SP with a secret of its own connects from any address, as before.
         try (RawCmppClient sp = new RawCmppClient(new RawFrameSocket(new Socket(host, lanPort)))) {
            assertEquals(CmppResult.CONNECT_OK, sp.connect("901237", "secret7", 0x30).status());
         }
         for (int version : new int[] {0x20, 0x30, 0x30}) {
            try (RawCmppClient sp = new RawCmppClient(new RawFrameSocket(new Socket(host, lanPort)))) {
               assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, sp.connect("901234", "secret", version).status(),
                            "the demo secret from " + host + " is refused as a wrong one is (version 0x" + Integer.toHexString(version) + ")");
               assertTrue(sp.closedByServer(5_000));
            }
         }
         Wait.until("the refusals logged", java.time.Duration.ofSeconds(10),
                    () -> log.count("CONNECT from", "901234", "demo shared secret") == 3);
         assertEquals(1, log.count("WARN", "901234", host, "demo shared secret shipped with the quick start"),
                      "one WARN naming the account and the SP's address, the other refusals counted");

         // The quick start's own SP runs on the gateway's host, and submits as before.
         try (RawCmppClient local = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, local.connect("901234", "secret", 0x30).status());
            local.send(RawCmppClient.ascii(local.nextSequence(), "901234", "hello", "13800138000"));
            assertEquals(CmppResult.OK, assertInstanceOf(SubmitResp.class, local.read()).result());
         }
      }
   }
}
