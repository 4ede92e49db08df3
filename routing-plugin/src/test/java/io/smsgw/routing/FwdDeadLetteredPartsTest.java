package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.smsgw.broker.testing.FreePorts;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long MT goes to a peer gateway as two FWDs. The peer (a raw CMPP socket) stores part 1 (Result 0) and refuses part 2
 * with Result 9 every time, so the MT is put back, counted, and dead-lettered after max-delivery-attempts 2. The peer
 * still holds part 1 and will report it: the dead-letter path must give UNDELIV 111 (and a billing record) for part 2
 * only, with its segment fields, and nothing for part 1. Before, the whole message was reported UNDELIV 111 and billed,
 * and part 1's DELIVRD from the peer became a second, contradicting final report.
 */
class FwdDeadLetteredPartsTest {

   private static final String OWN = "001001";
   private static final String PEER = "020001";
   private static final String SECRET = "pair-secret";
   private static final Duration TIMEOUT = Duration.ofSeconds(15);

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void aDeadLetteredMtIsReportedOnlyForThePartsThePeerDoesNotHold() throws Exception {
      int peerPort = FreePorts.pick();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "%s", max-hops = 5 }
         accounts { app1 { password = "unused", protocols = [CMPP] } }
         peers {
           "%s" { host = "127.0.0.1", port = %d, shared-secret = "%s", window = 4,
                  reconnect-min = 50ms, reconnect-max = 200ms, response-timeout = 5s }
         }
         """.formatted(OWN, PEER, peerPort, SECRET));
      System.setProperty("smsgw.config", file.toString());
      String gwQueue = SmsAddresses.gatewayQueue(PEER);
      String reports = SmsAddresses.accountQueue("app1");
      try (RefusingPartTwo peer = new RefusingPartTwo(peerPort);
           TestBroker broker = TestBroker.cmpp(dir.resolve("broker"), "").configure(cfg -> {
              cfg.registerBrokerPlugin(new SmsRoutingPlugin());
              TestBroker.withDeadLetterQueue(cfg);
              cfg.getAddressSettings().get("sms.#").setMaxDeliveryAttempts(2);
           }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = RoutingEndToEndTest.billingSubscription(jms);
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         // straight on the peer's queue, as routing puts an MT whose number another gateway serves
         TextMessage mt = session.createTextMessage("long text ".repeat(25)); // 250 characters: two FWDs
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", "00000000000000f1");
         mt.setStringProperty("smsAccount", "app1");
         mt.setStringProperty("smsSource", "10086");
         mt.setStringProperty("smsDestination", "13800138000");
         mt.setIntProperty("smsRegisteredDelivery", 1);
         session.createProducer(session.createQueue(gwQueue)).send(mt);

         Wait.until("the MT was dead-lettered and left sms.dlq with its report", TIMEOUT,
                    () -> broker.messageCount(TestBroker.DEAD_LETTERS) == 0 && broker.messageCount(gwQueue) == 0
                       && broker.messageCount(reports) > 0,
                    () -> "FWDs " + peer.parts + ", dlq " + broker.messageCount(TestBroker.DEAD_LETTERS) + ", gw "
                       + broker.messageCount(gwQueue));
         assertTrue(peer.parts.size() >= 4 && peer.parts.stream().allMatch(p -> p.endsWith("/2")), "two FWDs per attempt: " + peer.parts);

         // The report is stored in the transaction that removed the MT from sms.dlq: all of them are there now.
         assertEquals(1, broker.messageCount(reports), "one final report: for part 2, the part the peer does not hold");
         MessageConsumer consumer = session.createConsumer(session.createQueue(reports));
         Message report = consumer.receive(10_000);
         assertNotNull(report);
         assertEquals("UNDELIV", report.getStringProperty("smsStatus"));
         assertEquals("111", report.getStringProperty("smsErrorCode"));
         assertEquals("00000000000000f1", report.getStringProperty("smsId"));
         assertEquals(Integer.valueOf(2), report.getObjectProperty("smsSegmentTotal"), "a part's report, not the whole MT's");
         assertEquals(Integer.valueOf(2), report.getObjectProperty("smsSegmentNumber"), "part 2's report; part 1 is the peer's to report");

         Message record = billing.receive(10_000);
         assertNotNull(record, "part 2 is billed");
         assertEquals("UNDELIV", record.getStringProperty("smsStatus"));
         assertEquals(Integer.valueOf(2), record.getObjectProperty("smsSegmentNumber"), "the billing record of part 2, not of the whole MT");
      }
   }

   /** A peer gateway that logs the link in, answers ACTIVE_TEST, takes every part 1 (Result 0) and refuses the rest (9). */
   static final class RefusingPartTwo implements AutoCloseable {
      /** {@code <Pk_number>/<Pk_total>} of each FWD read, in order. */
      final List<String> parts = new CopyOnWriteArrayList<>();
      private final ServerSocket server;
      private final List<Socket> sockets = new CopyOnWriteArrayList<>();

      RefusingPartTwo(int port) throws IOException {
         server = new ServerSocket();
         server.setReuseAddress(true);
         server.bind(new java.net.InetSocketAddress("127.0.0.1", port));
         Thread acceptor = new Thread(this::accept, "refusing-peer");
         acceptor.setDaemon(true);
         acceptor.start();
      }

      private void accept() {
         while (!server.isClosed()) {
            try {
               Socket socket = server.accept();
               sockets.add(socket);
               Thread session = new Thread(() -> serve(socket), "refusing-peer-session");
               session.setDaemon(true);
               session.start();
            } catch (IOException e) {
               return;
            }
         }
      }

      private void serve(Socket socket) {
         try (CmppSocket link = new CmppSocket(socket)) {
            Connect connect = link.read(Connect.class);
            link.send(connect.response(CmppResult.CONNECT_OK,
               CmppAuthenticator.authenticatorIsmg(CmppResult.CONNECT_OK, connect.authenticatorSource(), SECRET, CmppVersion.V30),
               CmppVersion.V30.code()));
            while (!socket.isClosed()) {
               CmppPdu pdu = link.read(500);
               if (pdu instanceof ActiveTest test) {
                  link.send(test.response());
               } else if (pdu instanceof Fwd fwd) {
                  parts.add(fwd.pkNumber() + "/" + fwd.pkTotal());
                  link.send(fwd.response(fwd.pkNumber() == 1 ? CmppResult.OK : CmppResult.FWD_WRONG_DECISION));
               }
            }
         } catch (IOException | RuntimeException e) {
            // the link closing its side
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
