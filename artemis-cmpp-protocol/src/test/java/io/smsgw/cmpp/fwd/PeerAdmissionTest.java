package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.FwdResp;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may open a FWD session, over real sockets: gateway B (020001) with peer A (001001). A peer's CONNECT is taken
 * only on an acceptor with {@code cmppAcceptPeers=true}, only from its addresses, and up to its max-sessions; an
 * SP-facing acceptor answers it as it answers an unknown SP, and SPs connect there as before.
 */
class PeerAdmissionTest {

   private static final String A = "001001";
   private static final String B = "020001";
   private static final String SP = "901234";

   @TempDir
   Path dir;

   /** B with its peer acceptor on {@code portB} and the SP acceptors {@code spPorts} (the first with an explicit false). */
   private static PeerBroker startB(Path dir, int portB, int portA, String extra, int... spPorts) throws Exception {
      return PeerBroker.start(dir, B, portB, A, portA, """
         accounts { "%s" { password = "secret", protocols = [CMPP] } }
         %s
         """.formatted(SP, extra), cfg -> {
            for (int i = 0; i < spPorts.length; i++) {
               acceptor(cfg, "sp" + i, "tcp://127.0.0.1:" + spPorts[i] + "?protocols=CMPP" + (i == 0 ? ";cmppAcceptPeers=false" : ""));
            }
         });
   }

   private static void acceptor(org.apache.activemq.artemis.core.config.Configuration cfg, String name, String url) {
      try {
         cfg.addAcceptorConfiguration(name, url);
      } catch (Exception e) {
         throw new IllegalStateException(url, e);
      }
   }

   private static int login(int port, String code, String secret) throws IOException {
      try (CmppSocket socket = CmppSocket.connect(port)) {
         return socket.login(code, secret).status();
      }
   }

   /** The CONNECT Status, or -1 when the connection failed. */
   private static int tryLogin(int port, String code, String secret) {
      try {
         return login(port, code, secret);
      } catch (IOException e) {
         return -1;
      }
   }

   @Test
   void aPeerIsRefusedOnAnSpAcceptorAndTakenOnlyOnThePeerAcceptor() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      int spExplicit = PeerBroker.freePort();
      int spDefault = PeerBroker.freePort();
      String log = logOf(() -> {
         try (PeerBroker b = startB(dir, portB, portA, "", spExplicit, spDefault)) {
            for (int sp : new int[] {spExplicit, spDefault}) {
               try (CmppSocket peer = CmppSocket.connect(sp)) {
                  assertEquals(CmppResult.CONNECT_ILLEGAL_SOURCE_ADDR, peer.login(A, "pair-secret").status(),
                               "a peer with the right secret is answered as an unknown SP on port " + sp);
                  assertTrue(peer.closedByPeer(10_000));
               }
               assertEquals(CmppResult.CONNECT_OK, login(sp, SP, "secret"), "SPs still connect on port " + sp);
            }
            try (CmppSocket peer = CmppSocket.connect(portB)) {
               assertEquals(CmppResult.CONNECT_OK, peer.login(A, "pair-secret").status(), "the peer acceptor takes it");
               peer.send(FwdEndToEndTest.fwd(peer.nextSequence(), "13800138000", 0x41L));
               assertEquals(CmppResult.OK, peer.read(FwdResp.class).result());
            }
            Wait.until("the forwarded MT stored", Duration.ofSeconds(10), () -> b.messageCount(SmsAddresses.MT) == 1);
         }
      });
      assertTrue(log.lines().anyMatch(l -> l.contains("WARN") && l.contains("peer gateway " + A) && l.contains("cmppAcceptPeers=true")),
                 "the refusal names the parameter: " + log);
      assertFalse(log.contains("no CMPP acceptor has"), "B has an acceptor for gateways, so no warning at start: " + log);
   }

   /**
    * Gateway codes are public, so a client could send a peer's CONNECT to an SP acceptor in a loop: each refusal wrote
    * a WARN and none counted as a failed login. Now they count against the address, and the WARN is written once.
    */
   @Test
   void aPeersConnectsOnAnSpAcceptorCountAsFailedLoginsAndWarnOnce() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      int sp = PeerBroker.freePort();
      String log = logOf(() -> {
         try (PeerBroker b = startB(dir, portB, portA, "", sp)) {
            for (int i = 0; i < 5; i++) {
               assertEquals(CmppResult.CONNECT_ILLEGAL_SOURCE_ADDR, login(sp, A, "pair-secret"), "failure " + (i + 1) + " at once");
            }
            try (CmppSocket sixth = CmppSocket.connect(sp)) {
               sixth.send(CmppSocket.connectOf(A, "pair-secret", io.smsgw.cmpp.codec.CmppTimestamp.forConnect(java.time.Clock.systemDefaultZone(), A)));
               org.junit.jupiter.api.Assertions.assertNull(sixth.read(300), "the sixth comes after the address's penalty");
               assertEquals(CmppResult.CONNECT_ILLEGAL_SOURCE_ADDR, sixth.read(ConnectResp.class).status(), "then refused as before");
            }
         }
      });
      assertEquals(1, log.lines().filter(l -> l.contains("WARN") && l.contains("takes SPs only")).count(), log);
   }

   @Test
   void withoutAnAcceptorForGatewaysTheStartSaysSo() throws Exception {
      int portA = PeerBroker.freePort();
      int spOnly = PeerBroker.freePort();
      String log = logOf(() -> {
         try (PeerBroker b = PeerBroker.start(dir, B, spOnly, A, portA, "", cfg -> {
            cfg.getAcceptorConfigurations().removeIf(acceptor -> acceptor.getName().equals("cmpp"));
            acceptor(cfg, "cmpp", "tcp://127.0.0.1:" + spOnly + "?protocols=CMPP");
         })) {
            assertEquals(CmppResult.CONNECT_ILLEGAL_SOURCE_ADDR, login(spOnly, A, "pair-secret"));
         }
      });
      assertTrue(log.lines().anyMatch(l -> l.contains("WARN") && l.contains("no CMPP acceptor has cmppAcceptPeers=true")),
                 "one line at start tells a deployment with a single acceptor what to add: " + log);
   }

   @Test
   void aPeerConnectsOnlyFromItsAddresses() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      // 127.0.0.1 is where every test connection comes from: a list without it stands for "some other machine"
      try (PeerBroker b = startB(dir, portB, portA, "peers { \"" + A + "\" { allowed-ips = [ \"192.0.2.0/24\", \"::1\" ] } }")) {
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, login(portB, A, "pair-secret"),
                      "the right secret from an address not in allowed-ips is refused as a wrong one");
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, login(portB, A, "wrong"));

         // a reload applies at once: allowed-ips naming this address, then a host elsewhere without allowed-ips
         reload(b, portA, "peers { \"" + A + "\" { allowed-ips = [ \"10.0.0.0/8\", \"127.0.0.0/8\" ] } }");
         assertEquals(CmppResult.CONNECT_OK, login(portB, A, "pair-secret"));
         reload(b, portA, "peers { \"" + A + "\" { host = \"192.0.2.1\" } }");
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, login(portB, A, "pair-secret"),
                      "without allowed-ips the peer connects from its host only");
         reload(b, portA, "peers { \"" + A + "\" { host = \"localhost\" } }");
         assertEquals(CmppResult.CONNECT_OK, login(portB, A, "pair-secret"), "a host name is resolved at load");
      }
   }

   @Test
   void aPeerHasAtMostMaxSessionsOpen() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker b = startB(dir, portB, portA, "")) {
         List<CmppSocket> open = new ArrayList<>();
         try {
            for (int i = 1; i <= 2; i++) {
               CmppSocket session = CmppSocket.connect(portB);
               open.add(session);
               assertEquals(CmppResult.CONNECT_OK, session.login(A, "pair-secret").status(), "session " + i + " of the default 2");
            }
            try (CmppSocket third = CmppSocket.connect(portB)) {
               ConnectResp refused = third.login(A, "pair-secret");
               assertEquals(CmppResult.CONNECT_OTHER_ERROR, refused.status(), "as an SP over its max-sessions");
               assertTrue(third.closedByPeer(10_000));
            }
            open.remove(0).close();
            Wait.until("a session free again once one closed", Duration.ofSeconds(10),
                       () -> tryLogin(portB, A, "pair-secret") == CmppResult.CONNECT_OK);
         } finally {
            for (CmppSocket session : open) {
               session.close();
            }
         }
         reload(b, portA, "peers { \"" + A + "\" { max-sessions = 1 } }");
         Wait.until("every test session closed", Duration.ofSeconds(10),
                    () -> GatewayRuntime.of(b.server()).openGatewaySessions("fwd:" + A) == 0);
         try (CmppSocket only = CmppSocket.connect(portB)) {
            assertEquals(CmppResult.CONNECT_OK, only.login(A, "pair-secret").status());
            assertEquals(CmppResult.CONNECT_OTHER_ERROR, login(portB, A, "pair-secret"), "max-sessions = 1");
         }
      }
   }

   /** Installs B's configuration again with {@code extra}, as the reload of a changed file does. */
   private static void reload(PeerBroker b, int portA, String extra) {
      GatewayRuntime.of(b.server()).configure(GatewayConfigLoader.parse("""
         gateway { code = "%s", max-hops = 5 }
         peers {
           "%s" { host = "127.0.0.1", port = %d, shared-secret = "pair-secret", window = 4,
                  reconnect-min = 50ms, reconnect-max = 200ms, response-timeout = 5s }
         }
         accounts { "%s" { password = "secret", protocols = [CMPP] } }
         %s
         """.formatted(B, A, portA, SP, extra), B + ".conf"));
   }

   private interface ThrowingRunnable {
      void run() throws Exception;
   }

   /** What the gateway logs (slf4j-simple writes to System.err) while {@code action} runs, still shown as usual. */
   private static String logOf(ThrowingRunnable action) throws Exception {
      PrintStream original = System.err;
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      PrintStream tee = new PrintStream(new OutputStream() {
         @Override
         public synchronized void write(int b) {
            original.write(b);
            captured.write(b);
         }

         @Override
         public synchronized void write(byte[] b, int off, int len) {
            original.write(b, off, len);
            captured.write(b, off, len);
         }
      }, true, StandardCharsets.UTF_8);
      System.setErr(tee);
      try {
         action.run();
      } finally {
         System.setErr(original);
      }
      synchronized (tee) {
         return captured.toString(StandardCharsets.UTF_8);
      }
   }

   @Test
   void theCapCountsEachClosedSessionBackOnce() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker b = startB(dir, portB, portA, "")) {
         for (int i = 0; i < 5; i++) {
            assertEquals(CmppResult.CONNECT_OK, login(portB, A, "pair-secret"), "session " + i);
            Wait.until("session " + i + " given back", Duration.ofSeconds(10),
                       () -> GatewayRuntime.of(b.server()).openGatewaySessions("fwd:" + A) == 0);
         }
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, login(portB, A, "wrong"));
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, login(portB, "077101", "pair-secret"));
         assertEquals(0, GatewayRuntime.of(b.server()).openGatewaySessions("fwd:" + A), "refused CONNECTs count nothing");
      }
   }
}
