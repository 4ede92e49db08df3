package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.smsgw.broker.LoginPenalties;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.SmppStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections that never bind: at most smppMaxUnboundPerAddress of them per client address, the ones over it closed
 * at once and counted as failed binds; a bind timeout counts as a failed bind; refusals that name no credentials (a
 * transceiver bind in SMPP 3.3) are penalized and logged once per address like the others.
 */
class SmppUnboundConnectionsTest {

   @TempDir
   Path dir;

   private static List<RawSmppClient> open(String from, int port, int n) throws Exception {
      List<RawSmppClient> clients = new ArrayList<>();
      for (int i = 0; i < n; i++) {
         clients.add(new RawSmppClient(from, port));
      }
      return clients;
   }

   /**
    * A client that starts a bind and sends nothing more (slowloris): the first 8 bytes of a bind_transmitter header.
    * (A socket that sends nothing at all never reaches the acceptor: the broker's handshake-timeout closes it.)
    */
   private static RawSmppClient stalled(String from, int port) throws Exception {
      RawSmppClient client = new RawSmppClient(from, port);
      client.sendBytes(java.nio.ByteBuffer.allocate(8).putInt(40).putInt(io.smsgw.smpp.codec.SmppCommandId.BIND_TRANSMITTER).array());
      return client;
   }

   private static void closeAll(List<RawSmppClient> clients) throws Exception {
      for (RawSmppClient client : clients) {
         client.close();
      }
   }

   private static LoginPenalties.Entry addressEntry(TestBroker broker, String address) {
      return SmppLoginPenaltyTest.manager(broker).loginPenalties().entries().stream()
         .filter(e -> e.address() && e.id().equals(address)).findFirst().orElse(null);
   }

   @Test
   void silentConnectionsOverTheAddressCapAreClosedAtOnceAndCountAsFailedBinds() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, "").start(); LogCapture log = LogCapture.start()) {
         List<RawSmppClient> silent = new ArrayList<>();
         for (int i = 0; i < 40; i++) {
            silent.add(stalled("127.0.3.1", broker.port()));
         }
         List<RawSmppClient> closed = new ArrayList<>();
         Wait.until("the 24 connections over the cap of 16 closed", Duration.ofSeconds(10), () -> {
            for (RawSmppClient client : silent) {
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
         assertEquals(24, closed.size(), "the 16 under the cap stay, well before the 30 s bind timeout");
         List<RawSmppClient> held = new ArrayList<>(silent);
         held.removeAll(closed);
         assertFalse(held.get(0).closedByServer(200), "a connection under the cap is left open");
         LoginPenalties.Entry entry = addressEntry(broker, "127.0.3.1");
         assertTrue(entry != null && entry.failures() == 24, "each closed connection a failed bind of the address: " + entry);
         assertEquals(1, log.count("WARN", "127.0.3.1", "smppMaxUnboundPerAddress"), "one line for the address, the others counted");
         try (RawSmppClient other = new RawSmppClient("127.0.3.2", broker.port())) {
            other.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
            assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, other.read()).commandStatus(),
                         "another address is not limited by the first's connections");
         }
         closeAll(silent);
         InetAddress address = InetAddress.getByName("127.0.3.1");
         Wait.until("the closed connections no longer counted", Duration.ofSeconds(10),
                    () -> SmppLoginPenaltyTest.manager(broker).preLoginConnections(address) == 0);
      }
   }

   @Test
   void connectionsThatNeverBindCountTowardTheAddressPenalty() throws Exception {
      String params = ";smppBindTimeout=200ms;smppAuthFailureLimit=3;smppAuthFailureWindow=30s;smppAuthFailureDelay=1s";
      try (TestBroker broker = TestBroker.smpp(dir, params).start(); LogCapture log = LogCapture.start()) {
         for (int i = 0; i < 4; i++) {
            try (RawSmppClient silent = stalled("127.0.3.4", broker.port())) {
               assertTrue(silent.closedByServer(10_000), "closed at the bind timeout");
            }
         }
         assertEquals(1, log.count("127.0.3.4", "no bind within"), "one line for the address, the others counted");
         try (RawSmppClient esme = new RawSmppClient("127.0.3.4", broker.port())) {
            esme.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
            assertNull(esme.read(300), "four timeouts over a limit of 3: the address's penalty runs");
            assertEquals(SmppStatus.ESME_RBINDFAIL, assertInstanceOf(BindResponse.class, esme.read()).commandStatus());
         }
      }
   }

   @Test
   void refusedTransceiverBindsInSmpp33ArePenalizedAndLoggedOncePerAddress() throws Exception {
      String params = ";smppMaxUnboundPerAddress=0;smppAuthFailureLimit=5;smppAuthFailureWindow=30s;smppAuthFailureDelay=1s";
      try (TestBroker broker = TestBroker.smpp(dir, params).start(); LogCapture log = LogCapture.start()) {
         List<RawSmppClient> clients = open("127.0.3.5", broker.port(), 200);
         try {
            for (RawSmppClient client : clients) {
               client.send(new BindRequest(1, BindType.TRANSCEIVER, "smppclient1", "password", "", 0x33, 0, 0, ""));
            }
            for (RawSmppClient client : clients) {
               assertEquals(SmppStatus.ESME_RBINDFAIL, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
            }
         } finally {
            closeAll(clients);
         }
         assertTrue(log.count("Refused bind_transceiver") <= 1, "at most one refusal line, not " + log.count("Refused bind_transceiver"));
         assertTrue(log.count("transceiver bind in SMPP 3.3") <= 2, "at most the line and one summary");
         assertTrue(SmppLoginPenaltyTest.manager(broker).getSmppAuthFailuresPenalized() > 0, "the later ones were penalized");
         try (RawSmppClient again = new RawSmppClient("127.0.3.5", broker.port())) {
            again.send(new BindRequest(1, BindType.TRANSCEIVER, "smppclient1", "password", "", 0x33, 0, 0, ""));
            assertNull(again.read(300), "answered after the address's penalty");
            assertEquals(SmppStatus.ESME_RBINDFAIL, assertInstanceOf(BindResponse.class, again.read()).commandStatus());
         }
      }
   }

   @Test
   void malformedPdusBeforeTheBindAreLoggedOncePerAddressAndCountAsFailedBinds() throws Exception {
      String params = ";smppAuthFailureLimit=2;smppAuthFailureWindow=30s;smppAuthFailureDelay=1s";
      try (TestBroker broker = TestBroker.smpp(dir, params).start(); LogCapture log = LogCapture.start()) {
         for (int i = 0; i < 3; i++) {
            try (RawSmppClient client = new RawSmppClient("127.0.3.6", broker.port())) {
               // A submit_sm cut short after its service_type: malformed, sent instead of a bind.
               client.sendBytes(SmppAcceptorTest.hex("00000015000000040000000000000001" + "0001013836"));
               assertInstanceOf(io.smsgw.smpp.codec.GenericNack.class, client.read(), "answered as ever");
            }
         }
         Wait.until("the first connection's line", Duration.ofSeconds(10), () -> log.count("Malformed submit_sm", "127.0.3.6") >= 1);
         assertEquals(1, log.count("Malformed submit_sm", "127.0.3.6"), "one line for the address, the others counted");
         try (RawSmppClient esme = new RawSmppClient("127.0.3.6", broker.port())) {
            esme.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
            assertNull(esme.read(300), "three garbage connections over a limit of 2: the address's penalty runs");
            assertEquals(SmppStatus.ESME_RBINDFAIL, assertInstanceOf(BindResponse.class, esme.read()).commandStatus());
         }
      }
   }
}
