package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.smsgw.broker.LoginPenalties;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppCommandId;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.ConnectResp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections that never CONNECT: at most cmppMaxUnconnectedPerAddress of them per client address, the ones over it
 * closed at once and counted as failed CONNECTs; a CONNECT timeout counts as a failed CONNECT; a CONNECT with an
 * unknown Version is penalized and logged once per address like the other refusals.
 */
class CmppUnconnectedConnectionsTest {

   @TempDir
   Path dir;

   /**
    * A client that starts a CONNECT and sends nothing more (slowloris): the first 8 bytes of its header. (A socket that
    * sends nothing at all never reaches the acceptor: the broker's handshake-timeout closes it.)
    */
   private static RawCmppClient stalled(String from, int port) throws Exception {
      RawCmppClient client = new RawCmppClient(from, port);
      client.sendBytes(ByteBuffer.allocate(8).putInt(39).putInt(CmppCommandId.CONNECT).array());
      return client;
   }

   private static void closeAll(List<RawCmppClient> clients) throws Exception {
      for (RawCmppClient client : clients) {
         client.close();
      }
   }

   private static LoginPenalties.Entry addressEntry(TestBroker broker, String address) {
      return CmppLoginPenaltyTest.manager(broker).loginPenalties().entries().stream()
         .filter(e -> e.address() && e.id().equals(address)).findFirst().orElse(null);
   }

   @Test
   void connectionsOverTheAddressCapAreClosedAtOnceAndCountAsFailedConnects() throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, "").start(); LogCapture log = LogCapture.start()) {
         List<RawCmppClient> stalled = new ArrayList<>();
         for (int i = 0; i < 40; i++) {
            stalled.add(stalled("127.0.4.1", broker.port()));
         }
         List<RawCmppClient> closed = new ArrayList<>();
         Wait.until("the 24 connections over the cap of 16 closed", Duration.ofSeconds(10), () -> {
            for (RawCmppClient client : stalled) {
               try {
                  if (!closed.contains(client) && client.closedByServer(1)) {
                     closed.add(client);
                  }
               } catch (Exception e) {
                  throw new IllegalStateException(e);
               }
            }
            return closed.size() >= 24;
         });
         assertEquals(24, closed.size(), "the 16 under the cap stay, well before the 30 s CONNECT timeout");
         List<RawCmppClient> held = new ArrayList<>(stalled);
         held.removeAll(closed);
         assertFalse(held.get(0).closedByServer(200), "a connection under the cap is left open");
         LoginPenalties.Entry entry = addressEntry(broker, "127.0.4.1");
         assertTrue(entry != null && entry.failures() == 24, "each closed connection a failed CONNECT of the address: " + entry);
         assertEquals(1, log.count("WARN", "127.0.4.1", "cmppMaxUnconnectedPerAddress"), "one line for the address, the others counted");
         try (RawCmppClient sp = new RawCmppClient("127.0.4.2", broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, sp.connect("901234", "secret", 0x30).status(),
                         "another address is not limited by the first's connections");
         }
         closeAll(stalled);
         InetAddress address = InetAddress.getByName("127.0.4.1");
         Wait.until("the closed connections no longer counted", Duration.ofSeconds(10),
                    () -> CmppLoginPenaltyTest.manager(broker).preLoginConnections(address) == 0);
      }
   }

   @Test
   void connectionsThatNeverConnectCountTowardTheAddressPenalty() throws Exception {
      String params = ";cmppConnectTimeout=200ms;cmppAuthFailureLimit=3;cmppAuthFailureWindow=30s;cmppAuthFailureDelay=1s";
      try (TestBroker broker = TestBroker.cmpp(dir, params).start(); LogCapture log = LogCapture.start()) {
         for (int i = 0; i < 4; i++) {
            try (RawCmppClient silent = stalled("127.0.4.4", broker.port())) {
               assertTrue(silent.closedByServer(10_000), "closed at the CONNECT timeout");
            }
         }
         assertEquals(1, log.count("127.0.4.4", "no CONNECT within"), "one line for the address, the others counted");
         try (RawCmppClient sp = new RawCmppClient("127.0.4.4", broker.port())) {
            sp.sendConnect("901234", "secret", 0x30);
            assertNull(sp.read(300), "four timeouts over a limit of 3: the address's penalty runs");
            assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, assertInstanceOf(ConnectResp.class, sp.read()).status());
         }
      }
   }

   @Test
   void connectsWithAnUnknownVersionArePenalizedAndLoggedOncePerAddress() throws Exception {
      String params = ";cmppMaxUnconnectedPerAddress=0;cmppAuthFailureLimit=5;cmppAuthFailureWindow=30s;cmppAuthFailureDelay=1s";
      try (TestBroker broker = TestBroker.cmpp(dir, params).start(); LogCapture log = LogCapture.start()) {
         List<RawCmppClient> clients = new ArrayList<>();
         try {
            for (int i = 0; i < 200; i++) {
               clients.add(new RawCmppClient("127.0.4.5", broker.port()));
            }
            for (RawCmppClient client : clients) {
               client.sendConnect("901234", "secret", 0x40);
            }
            for (RawCmppClient client : clients) {
               int status = assertInstanceOf(ConnectResp.class, client.read()).status();
               assertTrue(status == CmppResult.CONNECT_VERSION_TOO_HIGH || status == CmppResult.CONNECT_AUTHENTICATION_ERROR,
                          "refused: " + status);
            }
         } finally {
            closeAll(clients);
         }
         assertTrue(log.count("Refused CONNECT") <= 1, "at most one refusal line, not " + log.count("Refused CONNECT"));
         assertTrue(log.count("unknown or too high Version") <= 1, "at most one summary");
         assertTrue(CmppLoginPenaltyTest.manager(broker).getCmppAuthFailuresPenalized() > 0, "the later ones were penalized");
         try (RawCmppClient again = new RawCmppClient("127.0.4.5", broker.port())) {
            again.sendConnect("901234", "secret", 0x40);
            assertNull(again.read(300), "answered after the address's penalty");
            assertInstanceOf(ConnectResp.class, again.read());
         }
      }
   }

   @Test
   void aMalformedConnectOrOtherPduBeforeTheConnectIsLoggedOncePerAddressAndCountsAsAFailedConnect() throws Exception {
      String params = ";cmppAuthFailureLimit=2;cmppAuthFailureWindow=30s;cmppAuthFailureDelay=1s";
      try (TestBroker broker = TestBroker.cmpp(dir, params).start(); LogCapture log = LogCapture.start()) {
         for (int i = 0; i < 3; i++) {
            try (RawCmppClient client = new RawCmppClient("127.0.4.6", broker.port())) {
               // A CONNECT cut short after its Source_Addr: malformed, in place of a CONNECT.
               client.sendBytes(ByteBuffer.allocate(18).putInt(18).putInt(CmppCommandId.CONNECT).putInt(1)
                                   .put("901234".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).array());
               assertTrue(client.closedByServer(10_000), "closed as ever");
            }
         }
         Wait.until("the first connection's line", Duration.ofSeconds(10), () -> log.count("127.0.4.6", "before CONNECT") >= 1);
         assertEquals(1, log.count("127.0.4.6", "before CONNECT"), "one line for the address, the others counted");
         try (RawCmppClient sp = new RawCmppClient("127.0.4.6", broker.port())) {
            sp.sendConnect("901234", "secret", 0x30);
            assertNull(sp.read(300), "three garbage connections over a limit of 2: the address's penalty runs");
            assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, assertInstanceOf(ConnectResp.class, sp.read()).status());
         }
      }
   }
}
