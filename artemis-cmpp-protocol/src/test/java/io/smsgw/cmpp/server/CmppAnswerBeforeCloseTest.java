package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's last answer on a CMPP connection (a refused CONNECT, TERMINATE_RESP) reaches an SP that goes on
 * sending meanwhile (decision 156). The gateway used to close right after writing it: the SP's bytes arriving at the
 * closed socket drew a reset, and the reset threw away the answer still unread in the SP's receive buffer. Now the
 * gateway reads and drops what follows, leaves the close to the SP, and closes itself after a short drain.
 */
class CmppAnswerBeforeCloseTest {

   private static final int ATTEMPTS = 20;

   @TempDir
   static Path dataDir;
   static TestBroker broker;

   @BeforeAll
   static void start() throws Exception {
      broker = TestBroker.cmpp(dataDir, ";cmppAuthFailureLimit=0;cmppActiveTestInterval=0").start();
   }

   @AfterAll
   static void stop() throws Exception {
      broker.close();
   }

   /** Sends ACTIVE_TEST after ACTIVE_TEST on its own thread, as an SP whose keep-alive runs regardless, until closed. */
   private static final class KeepSending implements AutoCloseable {
      private final AtomicBoolean stop = new AtomicBoolean();
      private final Thread thread;

      KeepSending(RawCmppClient client) {
         thread = new Thread(() -> {
            int sequence = 1000;
            while (!stop.get()) {
               try {
                  client.send(new ActiveTest(sequence++));
                  Thread.sleep(1); // a pace, not a synchronisation
               } catch (IOException | InterruptedException e) {
                  return; // the connection is gone
               }
            }
         }, "keep-sending");
         thread.setDaemon(true);
         thread.start();
      }

      @Override
      public void close() throws InterruptedException {
         stop.set(true);
         thread.join(10_000);
      }
   }

   /** The first PDU of {@code type} the client reads, skipping others (ACTIVE_TEST_RESP), or what went wrong instead. */
   private static String awaitPdu(RawCmppClient client, Class<? extends CmppPdu> type) {
      try {
         while (true) {
            CmppPdu pdu = client.read(10_000);
            if (pdu == null) {
               return "no " + type.getSimpleName() + " within 10 s";
            }
            if (type.isInstance(pdu)) {
               return null;
            }
         }
      } catch (IOException e) {
         return e.toString();
      }
   }

   @Test
   void aRefusedConnectIsReadByAnSpThatKeepsSending() throws Exception {
      List<String> lost = new ArrayList<>();
      for (int i = 0; i < ATTEMPTS; i++) {
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            client.sendConnect("901234", "wrong", 0x30);
            String missing;
            try (KeepSending sending = new KeepSending(client)) {
               missing = awaitPdu(client, ConnectResp.class);
            }
            if (missing != null) {
               lost.add("attempt " + i + ": " + missing);
            }
         }
      }
      assertEquals(List.of(), lost, "every refused CONNECT is answered (" + lost.size() + " of " + ATTEMPTS + " were not)");
   }

   @Test
   void aRefusedConnectIsReadByAnSpThatPipelinesBehindIt() throws Exception {
      List<String> lost = new ArrayList<>();
      for (int i = 0; i < ATTEMPTS; i++) {
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), "901234");
            client.sendTogether(new Connect(client.nextSequence(), "901234", CmppAuthenticator.authenticatorSource("901234", "wrong", timestamp),
                                            0x30, timestamp),
                                new ActiveTest(client.nextSequence()), new ActiveTest(client.nextSequence()));
            String missing = awaitPdu(client, ConnectResp.class);
            if (missing != null) {
               lost.add("attempt " + i + ": " + missing);
            }
         }
      }
      assertEquals(List.of(), lost, "every refused CONNECT is answered (" + lost.size() + " of " + ATTEMPTS + " were not)");
   }

   @Test
   void terminateRespIsReadByAnSpThatKeepsSending() throws Exception {
      List<String> lost = new ArrayList<>();
      for (int i = 0; i < ATTEMPTS; i++) {
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            client.send(new Terminate(client.nextSequence()));
            String missing;
            try (KeepSending sending = new KeepSending(client)) {
               missing = awaitPdu(client, TerminateResp.class);
            }
            if (missing != null) {
               lost.add("session " + i + ": " + missing);
            }
         }
      }
      assertEquals(List.of(), lost, "every TERMINATE is answered (" + lost.size() + " of " + ATTEMPTS + " were not)");
   }

   @Test
   void anSpThatNeverClosesAfterARefusedConnectIsClosedAfterTheDrain() throws Exception {
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, client.connect("901234", "wrong", 0x30).status());
         client.send(new ActiveTest(client.nextSequence()));
         // The drain is 1 s; the deadline leaves room for a loaded host.
         assertTrue(client.closedByServer(10_000), "closed by the gateway once the drain ran out");
      }
   }

   @Test
   void anSpThatNeverClosesAfterTerminateRespIsClosedAfterTheDrain() throws Exception {
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         client.send(new Terminate(client.nextSequence()));
         assertInstanceOf(TerminateResp.class, client.read());
         assertTrue(client.closedByServer(10_000), "closed by the gateway once the drain ran out");
      }
   }

   @Test
   void aPenalizedRefusalIsReadByAnSpThatKeepsSending(@TempDir Path penaltyDir) throws Exception {
      try (TestBroker penalizing = TestBroker.cmpp(penaltyDir, ";cmppAuthFailureLimit=1;cmppAuthFailureWindow=30s;cmppAuthFailureDelay=1s").start()) {
         try (RawCmppClient first = new RawCmppClient(penalizing.port())) {
            assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, first.connect("901234", "wrong", 0x30).status());
         }
         List<String> lost = new ArrayList<>();
         for (int i = 0; i < 3; i++) { // each penalty longer than the last
            try (RawCmppClient client = new RawCmppClient(penalizing.port())) {
               client.sendConnect("901234", "wrong", 0x30);
               String missing;
               try (KeepSending sending = new KeepSending(client)) {
                  missing = awaitPdu(client, ConnectResp.class);
               }
               if (missing != null) {
                  lost.add("attempt " + i + ": " + missing);
               }
            }
         }
         assertEquals(List.of(), lost, "every late refusal is answered");
      }
   }
}
