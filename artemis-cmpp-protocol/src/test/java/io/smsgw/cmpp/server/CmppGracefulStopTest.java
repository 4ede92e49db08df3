package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.Cancel;
import io.smsgw.cmpp.codec.CancelResp;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.Query;
import io.smsgw.cmpp.codec.QueryResp;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
import io.smsgw.core.contract.SmsAddresses;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A broker stop ends the CMPP sessions as CMPP expects (decision 141): the SP gets CMPP_TERMINATE once its DELIVERs are
 * answered (bounded), the DELIVER_RESPs it sends during the stop acknowledge their MO, and an SP that never answers the
 * TERMINATE holds the stop no longer than the stop timeout. Before, the broker force-closed the socket: no TERMINATE,
 * the answers were lost (the MO came again after the restart), and with graceful shutdown enabled the stop waited the
 * whole graceful-shutdown-timeout while the session stayed connected.
 */
class CmppGracefulStopTest {

   /** Far above any stop these tests expect: a stop that waits for it shows the sessions were not ended. */
   private static final long GRACEFUL_SHUTDOWN_TIMEOUT = 30_000;

   @TempDir
   Path dir;

   private static TestBroker broker(Path dir, String params) {
      return TestBroker.cmpp(dir, params).configure(cfg -> cfg.setGracefulShutdownEnabled(true)
                                                                .setGracefulShutdownTimeout(GRACEFUL_SHUTDOWN_TIMEOUT));
   }

   @Test
   void aConnectedSpGetsTerminateAndTheStopCompletesPromptly() throws Exception {
      TestBroker broker = broker(dir, "").start();
      CompletableFuture<Long> stop;
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         stop = broker.closeInBackground();
         Terminate terminate = assertInstanceOf(Terminate.class, client.read(), "the gateway terminates the session");
         client.send(terminate.response());
         assertTrue(client.closedByServer(10_000), "and closes at TERMINATE_RESP");
      }
      long took = stop.get(GRACEFUL_SHUTDOWN_TIMEOUT * 2, TimeUnit.MILLISECONDS);
      assertTrue(took < GRACEFUL_SHUTDOWN_TIMEOUT / 2, "the stop ended the session instead of waiting for the "
                    + GRACEFUL_SHUTDOWN_TIMEOUT + " ms graceful shutdown; took " + took + " ms");
   }

   /**
    * Three DELIVERs in flight when the stop begins; the SP answers them while the broker stops, before the TERMINATE or
    * together with its TERMINATE_RESP. Each answer acknowledges its MO: none comes again after the restart.
    */
   @ParameterizedTest
   @ValueSource(strings = {"before the TERMINATE", "with TERMINATE_RESP"})
   void deliversAnsweredDuringTheStopAreAcknowledgedAndNotDeliveredAgainAfterTheRestart(String when) throws Exception {
      String params = ";cmppWindowSize=5;cmppTerminateDrainTimeout=2000;cmppStopTimeout=10000";
      String queue = SmsAddresses.accountQueue("901234");
      TestBroker broker = broker(dir, params).start();
      CompletableFuture<Long> stop;
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         sendMos(broker, "mo 1", "mo 2", "mo 3");
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         CmppPdu[] answers = new CmppPdu[3];
         for (int i = 0; i < answers.length; i++) {
            Deliver mo = assertInstanceOf(Deliver.class, client.read());
            answers[i] = new DeliverResp(mo.sequenceId(), mo.msgId(), CmppResult.OK);
         }
         stop = broker.closeInBackground();
         broker.waitUntilSessionsEnding();
         if (when.equals("before the TERMINATE")) {
            client.sendTogether(answers);
            Terminate terminate = assertInstanceOf(Terminate.class, client.read(), "the gateway terminates");
            client.send(terminate.response());
         } else {
            // Unanswered, the DELIVERs hold the TERMINATE back for cmppTerminateDrainTimeout; the answers still count.
            Terminate terminate = assertInstanceOf(Terminate.class, client.read(), "the gateway terminates");
            CmppPdu[] together = java.util.Arrays.copyOf(answers, answers.length + 1);
            together[answers.length] = terminate.response();
            client.sendTogether(together);
         }
         assertTrue(client.closedByServer(10_000), "the gateway closes after TERMINATE_RESP");
      }
      stop.get(GRACEFUL_SHUTDOWN_TIMEOUT * 2, TimeUnit.MILLISECONDS);

      try (TestBroker restarted = TestBroker.cmpp(dir, params).start();
           RawCmppClient client = new RawCmppClient(restarted.port())) {
         assertEquals(0, restarted.messageCount(queue), "every MO answered during the stop was acknowledged");
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         assertNull(client.read(500), "no MO again after the restart");
      }
   }

   /**
    * While the stop waits for a DELIVER's answer, a SUBMIT gets Result 8 (flow control: the SP sends it again later);
    * then the gateway terminates, and an SP that never answers the TERMINATE is closed at the stop timeout (3 s here)
    * instead of holding the stop for the graceful shutdown's 30 s. The unanswered MO is not lost: it comes after the
    * restart.
    */
   @Test
   void anSpThatNeverAnswersTheTerminateDoesNotHoldTheStopBeyondTheStopTimeout() throws Exception {
      String params = ";cmppTerminateDrainTimeout=2000;cmppStopTimeout=3000";
      TestBroker broker = broker(dir, params).start();
      CompletableFuture<Long> stop;
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         sendMos(broker, "mo silent");
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         assertInstanceOf(Deliver.class, client.read());
         stop = broker.closeInBackground();
         broker.waitUntilSessionsEnding();
         // A round trip: the SUBMIT below is read after the session's end, which the stop queued at its start.
         client.send(new ActiveTest(client.nextSequence()));
         assertInstanceOf(ActiveTestResp.class, client.read(), "ACTIVE_TEST still answered");
         int sequence = client.nextSequence();
         client.send(RawCmppClient.ascii(sequence, "901234", "during the stop", "13800138000"));
         SubmitResp refused = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(sequence, refused.sequenceId());
         assertEquals(CmppResult.FLOW_CONTROL_ERROR, refused.result(), "no new SUBMIT while the broker stops");
         assertInstanceOf(Terminate.class, client.read(), "the gateway terminates");
         // never answered
         assertTrue(client.closedByServer(10_000), "closed at the stop timeout");
      }
      long took = stop.get(GRACEFUL_SHUTDOWN_TIMEOUT * 2, TimeUnit.MILLISECONDS);
      assertTrue(took < GRACEFUL_SHUTDOWN_TIMEOUT / 2, "the silent SP held the stop for " + took + " ms");

      try (TestBroker restarted = TestBroker.cmpp(dir, params).start();
           RawCmppClient client = new RawCmppClient(restarted.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         Deliver again = assertInstanceOf(Deliver.class, client.read());
         assertEquals("mo silent", new String(again.msgContent(), StandardCharsets.US_ASCII), "the unanswered MO comes again");
      }
   }

   /**
    * A QUERY and a CANCEL sent while the session ends for the stop are handled as before: QUERY_RESP with the day's
    * counters, and the CANCEL removes the held MT (Success_Id 0), which then is not sent after the restart either. Before,
    * both were ignored once the stop began: the SP waited for answers that never came.
    */
   @Test
   void queryAndCancelDuringTheStopAreAnswered() throws Exception {
      TestBroker broker = broker(dir, "").start();
      CompletableFuture<Long> stop;
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "to be cancelled", "13800138011"));
         SubmitResp target = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, target.result());
         // the SUBMIT_RESP follows the journal write; the queue may count the MT a moment later
         Wait.until("the MT on sms.mt", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.MT) == 1);

         stop = broker.closeInBackground();
         broker.waitUntilSessionsEnding();
         // A round trip: the requests below are read after the session's end, which the stop queued at its start.
         Terminate terminate = null;
         client.send(new ActiveTest(client.nextSequence()));
         for (CmppPdu pdu; !((pdu = client.read()) instanceof ActiveTestResp); ) {
            terminate = pdu instanceof Terminate t ? t : terminate;
         }
         String today = java.time.LocalDate.now().format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
         int query = client.nextSequence();
         client.send(new Query(query, today, Query.TYPE_TOTAL, "", ""));
         int cancel = client.nextSequence();
         client.send(new Cancel(cancel, target.msgId()));
         QueryResp counters = null;
         CancelResp cancelled = null;
         while (counters == null || cancelled == null || terminate == null) {
            CmppPdu pdu = client.read();
            if (pdu instanceof QueryResp resp) {
               counters = resp;
            } else if (pdu instanceof CancelResp resp) {
               cancelled = resp;
            } else if (pdu instanceof Terminate t) {
               terminate = t;
            }
         }
         assertEquals(query, counters.sequenceId());
         assertEquals(1, counters.mtTlMsg(), "the day's counters, as before the stop");
         assertEquals(cancel, cancelled.sequenceId());
         assertEquals(CmppResult.CANCEL_SUCCESS, cancelled.successId(), "the held MT is cancelled");
         client.send(terminate.response());
         assertTrue(client.closedByServer(10_000));
      }
      stop.get(GRACEFUL_SHUTDOWN_TIMEOUT * 2, TimeUnit.MILLISECONDS);
      try (TestBroker restarted = TestBroker.cmpp(dir, "").start()) {
         assertEquals(0, restarted.messageCount(SmsAddresses.MT), "the cancelled MT stays cancelled after the restart");
      }
   }

   private static void sendMos(TestBroker target, String... texts) throws Exception {
      try (jakarta.jms.Connection jms = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(target.coreUrl()).createConnection()) {
         jakarta.jms.Session session = jms.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
         jakarta.jms.MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue("901234")));
         for (String text : texts) {
            jakarta.jms.TextMessage mo = session.createTextMessage(text);
            mo.setStringProperty("smsKind", "MO");
            mo.setStringProperty("smsSource", "13800138042");
            mo.setStringProperty("smsDestination", "1065712345");
            producer.send(mo);
         }
      }
   }
}
