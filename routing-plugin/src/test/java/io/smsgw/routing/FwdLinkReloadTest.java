package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import io.smsgw.broker.testing.FreePorts;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.TestCertificate;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.fwd.FwdLinkControlMBean;
import io.smsgw.cmpp.fwd.FwdLinkService;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload of {@code peers} takes effect at once for the outgoing FWD links, as for the SMSC links. Before, a peer added,
 * removed or moved, and a TLS store renewed in place, waited for a broker restart: the reload logged that {@code peers}
 * needed one. The peers here are raw CMPP sockets that answer CONNECT and ACTIVE_TEST (over TLS where the link uses it).
 */
class FwdLinkReloadTest {

   private static final String OWN = "001001";
   private static final String B = "020001";
   private static final String C = "030001";
   private static final String SECRET = "pair-secret";

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private static String peer(String code, int port, String extra) {
      return "\"" + code + "\" { host = \"127.0.0.1\", port = " + port + ", shared-secret = \"" + SECRET + "\", window = 4,"
         + " reconnect-min = 50ms, reconnect-max = 300ms, response-timeout = 2s" + extra + " }\n";
   }

   private static String trusting(Path trustStore) {
      return ", tls = true, tls-trust-store = \"" + trustStore + "\", tls-trust-store-password = " + TestCertificate.PASSWORD;
   }

   private void writeConfig(String peers) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "%s", max-hops = 5 }
         peers {
         %s
         }
         """.formatted(OWN, peers));
      System.setProperty("smsgw.config", file.toString());
   }

   private TestBroker startBroker() throws Exception {
      return TestBroker.cmpp(dir.resolve("broker"), "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
   }

   private static SmsRoutingControlMBean routing(TestBroker broker) {
      return (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
   }

   private static FwdLinkControlMBean fwdLink(TestBroker broker, String peer) {
      return (FwdLinkControlMBean) broker.server().getManagementService().getUntypedControl(FwdLinkService.resourceName(peer));
   }

   private static boolean connected(TestBroker broker, String peer) {
      FwdLinkControlMBean link = fwdLink(broker, peer);
      return link != null && "connected".equals(link.getState());
   }

   /**
    * The peer renews its certificate and the trust store file is replaced at the same path: the reload restarts the
    * FWD link with the new trust, and it connects. A store replaced by one that no longer loads leaves the link as it
    * is, and the reload says so. Before, the link kept refusing the renewed certificate until a broker restart.
    */
   @Test
   void aTrustStoreReplacedAtTheSamePathRestartsTheFwdLinkAtTheReload() throws Exception {
      TestCertificate expiring = TestCertificate.create(Files.createDirectories(dir.resolve("expiring")), "gw-b");
      TestCertificate renewed = TestCertificate.create(Files.createDirectories(dir.resolve("renewed")), "gw-b");
      Path trust = dir.resolve("peers-trust.p12");
      Files.copy(expiring.trustStore(), trust);
      int port = FreePorts.pick();
      writeConfig(peer(B, port, trusting(trust)));
      try (TestBroker broker = startBroker()) {
         try (RawPeer peer = new RawPeer(port, TestCertificate.context(expiring, expiring))) {
            Wait.until("the link connected over TLS", Duration.ofSeconds(15), () -> connected(broker, B));
            assertEquals("", routing(broker).reload());
            assertEquals(1, peer.connects.get(), "the same store bytes: the link is not restarted");
         }
         try (RawPeer peer = new RawPeer(port, TestCertificate.context(renewed, renewed))) {
            Wait.until("the link refuses the renewed certificate", Duration.ofSeconds(15),
                       () -> fwdLink(broker, B).getLastError().contains("TLS"), () -> fwdLink(broker, B).getLastError());
            assertEquals(0, peer.connects.get());

            Files.copy(renewed.trustStore(), trust, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("", routing(broker).reload());
            Wait.until("the restarted link connected to the renewed peer", Duration.ofSeconds(15),
                       () -> peer.connects.get() == 1 && connected(broker, B));

            Files.writeString(trust, "half-copied");
            String answer = routing(broker).reload();
            assertTrue(answer.contains("FWD link to gateway " + B + ": kept running as it was")
                          && answer.contains("tls-trust-store \"" + trust + "\""), answer);
            assertTrue(connected(broker, B), "still connected");
            assertEquals(1, peer.connects.get(), "on its connection");
         }
      }
   }

   /**
    * A peer added by a reload gets its link at once, one whose port changed reconnects to the new port, and one removed
    * has its link stopped (its bean goes) while what waits on its queue stays there. Before, each waited for a restart.
    */
   @Test
   void peersAddedChangedAndRemovedByAReloadApplyAtOnce() throws Exception {
      int portB = FreePorts.pick();
      int movedPortB = FreePorts.pick();
      int portC = FreePorts.pick();
      writeConfig(peer(B, portB, ""));
      try (RawPeer b = new RawPeer(portB, null);
           RawPeer movedB = new RawPeer(movedPortB, null);
           RawPeer c = new RawPeer(portC, null);
           TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Wait.until("the link to B connected", Duration.ofSeconds(15), () -> connected(broker, B));
         assertNull(fwdLink(broker, C));

         writeConfig(peer(B, portB, "") + peer(C, portC, ""));
         assertEquals("", routing(broker).reload());
         Wait.until("the link to the added peer connected", Duration.ofSeconds(15), () -> connected(broker, C) && c.connects.get() == 1);
         assertEquals(1, b.connects.get(), "the unchanged peer's link was not restarted");

         writeConfig(peer(B, movedPortB, "") + peer(C, portC, ""));
         assertEquals("", routing(broker).reload());
         Wait.until("the changed link connected to the new port", Duration.ofSeconds(15),
                    () -> movedB.connects.get() == 1 && connected(broker, B));
         Wait.until("and left the old one", Duration.ofSeconds(10), () -> b.open() == 0);
         assertEquals(1, c.connects.get(), "the unchanged peer's link was not restarted");

         writeConfig(peer(B, movedPortB, ""));
         assertEquals("", routing(broker).reload());
         assertNull(fwdLink(broker, C), "the removed peer's bean is gone");
         Wait.until("its connection closed", Duration.ofSeconds(10), () -> c.open() == 0);
         String queueC = SmsAddresses.gatewayQueue(C);
         assertEquals(0, broker.consumerCount(queueC), "nothing reads the removed peer's queue");
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         try (MessageProducer producer = session.createProducer(session.createQueue(queueC))) {
            producer.send(session.createTextMessage("for the removed peer"));
         }
         // the queue counts a durable message a moment after the send returns (journal completion, then the queue's executor)
         Wait.until("what waits for the removed peer is on its queue", Duration.ofSeconds(10), () -> broker.messageCount(queueC) == 1);
         assertEquals(0, broker.consumerCount(queueC), "and stays there: nothing reads it");
         assertEquals(1, c.connects.get());
         assertTrue(connected(broker, B));
      }
   }

   /** A peer gateway's acceptor for gateways, raw: answers each CONNECT of the gateway with the pair's secret, and ACTIVE_TEST. */
   static final class RawPeer implements AutoCloseable {
      final AtomicInteger connects = new AtomicInteger();
      /** The Source_Addr of each CONNECT read, in order, taken or not. */
      final List<String> sources = new CopyOnWriteArrayList<>();
      private final ServerSocket server;
      private final List<Socket> sockets = new CopyOnWriteArrayList<>();

      RawPeer(int port, SSLContext tls) throws IOException {
         server = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
         server.setReuseAddress(true);
         server.bind(new java.net.InetSocketAddress("127.0.0.1", port));
         Thread acceptor = new Thread(this::accept, "raw-peer-" + port);
         acceptor.setDaemon(true);
         acceptor.start();
      }

      /** Connections logged in and not closed yet. */
      long open() {
         return sockets.stream().filter(s -> !s.isClosed()).count();
      }

      private void accept() {
         while (!server.isClosed()) {
            try {
               Socket socket = server.accept();
               Thread session = new Thread(() -> serve(socket), "raw-peer-session");
               session.setDaemon(true);
               session.start();
            } catch (IOException e) {
               return;
            }
         }
      }

      private void serve(Socket socket) {
         try (CmppSocket link = new CmppSocket(socket)) {
            Connect connect = link.read(Connect.class); // over TLS the handshake happens here, and may fail
            sources.add(connect.sourceAddr());
            if (!connect.sourceAddr().equals(OWN) || !CmppAuthenticator.verifySource(connect, SECRET)) {
               return;
            }
            link.send(connect.response(CmppResult.CONNECT_OK,
               CmppAuthenticator.authenticatorIsmg(CmppResult.CONNECT_OK, connect.authenticatorSource(), SECRET, CmppVersion.V30),
               CmppVersion.V30.code()));
            sockets.add(socket);
            connects.incrementAndGet();
            while (!socket.isClosed()) {
               CmppPdu pdu = link.read(500);
               if (pdu instanceof ActiveTest test) {
                  link.send(test.response());
               }
            }
         } catch (IOException | RuntimeException e) {
            // a refused handshake, the link closing its side
         } finally {
            try {
               socket.close();
            } catch (IOException ignored) {
               // closed already
            }
         }
      }

      @Override
      public void close() throws IOException {
         server.close();
         for (Socket socket : sockets) {
            socket.close();
         }
      }
   }
}
