package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.DeliverSmResp;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.Tlvs;
import io.smsgw.smpp.codec.Unbind;
import io.smsgw.smpp.codec.UnbindResp;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A broker stop ends the SMPP sessions as SMPP expects (decision 141): the ESME gets an unbind once its deliver_sm are
 * answered (bounded), the answers it sends during the stop acknowledge their MO, and an ESME that never answers the
 * unbind holds the stop no longer than the stop timeout. Before, the broker force-closed the socket: no unbind, the
 * answers were lost (the MO came again after the restart), and with graceful shutdown enabled the stop waited the whole
 * graceful-shutdown-timeout while the session stayed bound.
 */
class SmppGracefulStopTest {

   /** Far above any stop these tests expect: a stop that waits for it shows the sessions were not ended. */
   private static final long GRACEFUL_SHUTDOWN_TIMEOUT = 30_000;

   @TempDir
   Path dir;

   /** With Artemis' graceful shutdown on, as operators enable it so that clients finish before the broker stops. */
   private static TestBroker broker(Path dir, String params) {
      return TestBroker.smpp(dir, params).configure(cfg -> cfg.setGracefulShutdownEnabled(true)
                                                                .setGracefulShutdownTimeout(GRACEFUL_SHUTDOWN_TIMEOUT));
   }

   private static int bindStatus(RawSmppClient client, BindType type, String systemId, String password) throws Exception {
      client.send(new BindRequest(1, type, systemId, password, "", 0x34, 0, 0, ""));
      return assertInstanceOf(BindResponse.class, client.read()).commandStatus();
   }

   @Test
   void aBoundJsmppEsmeIsUnboundByABrokerStopThatCompletesPromptly() throws Exception {
      TestBroker broker = broker(dir, "").start();
      List<SessionState> states = new CopyOnWriteArrayList<>();
      SMPPSession esme = new SMPPSession();
      try {
         esme.addSessionStateListener((newState, oldState, source) -> states.add(newState));
         esme.connectAndBind("127.0.0.1", broker.port(), new BindParameter(org.jsmpp.bean.BindType.BIND_TRX, "smppclient1", "password",
            "", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
         long took = broker.closeInBackground().get(GRACEFUL_SHUTDOWN_TIMEOUT * 2, TimeUnit.MILLISECONDS);
         Wait.until("the ESME's session closed", Duration.ofSeconds(10), () -> states.contains(SessionState.CLOSED));
         assertTrue(states.contains(SessionState.UNBOUND), "the ESME was unbound before the close, saw " + states);
         assertTrue(took < GRACEFUL_SHUTDOWN_TIMEOUT / 2, "the stop ended the session instead of waiting for the "
                       + GRACEFUL_SHUTDOWN_TIMEOUT + " ms graceful shutdown; took " + took + " ms");
      } finally {
         esme.close();
      }
   }

   /**
    * Three deliver_sm in flight when the stop begins; the ESME answers them while the broker stops, before its unbind
    * or together with its unbind_resp. Each answer acknowledges its MO: none comes again after the restart.
    */
   @ParameterizedTest
   @ValueSource(strings = {"before the unbind", "with unbind_resp"})
   void deliverSmAnsweredDuringTheStopAreAcknowledgedAndNotDeliveredAgainAfterTheRestart(String when) throws Exception {
      String params = ";smppWindowSize=5;smppUnbindDrainTimeout=2000;smppStopTimeout=10000";
      String queue = SmsAddresses.accountQueue("limited");
      TestBroker broker = broker(dir, params).start();
      CompletableFuture<Long> stop;
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         sendMos(broker, queue, "mo 1", "mo 2", "mo 3");
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, BindType.RECEIVER, "limited", "pw"));
         SmppPdu[] answers = new SmppPdu[3];
         for (int i = 0; i < answers.length; i++) {
            DeliverSm mo = assertInstanceOf(DeliverSm.class, client.read());
            answers[i] = new DeliverSmResp(mo.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY);
         }
         stop = broker.closeInBackground();
         broker.waitUntilSessionsEnding();
         if (when.equals("before the unbind")) {
            client.sendTogether(answers);
            Unbind unbind = assertInstanceOf(Unbind.class, client.read(), "the gateway unbinds");
            client.send(new UnbindResp(unbind.sequenceNumber(), SmppStatus.ESME_ROK));
         } else {
            // Unanswered, the deliveries hold the unbind back for smppUnbindDrainTimeout; the answers still count.
            Unbind unbind = assertInstanceOf(Unbind.class, client.read(), "the gateway unbinds");
            SmppPdu[] together = java.util.Arrays.copyOf(answers, answers.length + 1);
            together[answers.length] = new UnbindResp(unbind.sequenceNumber(), SmppStatus.ESME_ROK);
            client.sendTogether(together);
         }
         assertTrue(client.closedByServer(10_000), "the gateway closes after unbind_resp");
      }
      stop.get(GRACEFUL_SHUTDOWN_TIMEOUT * 2, TimeUnit.MILLISECONDS);

      try (TestBroker restarted = TestBroker.smpp(dir, params).start();
           RawSmppClient client = new RawSmppClient(restarted.port())) {
         assertEquals(0, restarted.messageCount(queue), "every MO answered during the stop was acknowledged");
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, BindType.RECEIVER, "limited", "pw"));
         assertNull(client.read(500), "no MO again after the restart");
      }
   }

   /**
    * While the stop waits for a deliver_sm's answer, a submit_sm is refused with ESME_RINVBNDSTS; then the gateway
    * unbinds, and an ESME that never answers the unbind is closed at the stop timeout (3 s here) instead of holding
    * the stop for the graceful shutdown's 30 s. The unanswered MO is not lost: it comes after the restart.
    */
   @Test
   void anEsmeThatNeverAnswersTheUnbindDoesNotHoldTheStopBeyondTheStopTimeout() throws Exception {
      String params = ";smppUnbindDrainTimeout=2000;smppStopTimeout=3000";
      String queue = SmsAddresses.accountQueue("smppclient1");
      TestBroker broker = broker(dir, params).start();
      CompletableFuture<Long> stop;
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         sendMos(broker, queue, "mo silent");
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, BindType.TRANSCEIVER, "smppclient1", "password"));
         assertInstanceOf(DeliverSm.class, client.read());
         stop = broker.closeInBackground();
         broker.waitUntilSessionsEnding();
         // A round trip: the submit below is read after the session's end, which the stop queued at its start.
         client.send(new io.smsgw.smpp.codec.EnquireLink(76));
         assertInstanceOf(io.smsgw.smpp.codec.EnquireLinkResp.class, client.read(), "enquire_link still answered");
         client.send(ShortMessagePdu.builder().sequenceNumber(77)
                        .sourceAddr(new Address((byte) 1, (byte) 1, "8610086"))
                        .destinationAddr(new Address((byte) 1, (byte) 1, "8613800138000"))
                        .shortMessage("during the stop".getBytes(StandardCharsets.US_ASCII)).buildSubmitSm());
         SubmitSmResp refused = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(77, refused.sequenceNumber());
         assertEquals(SmppStatus.ESME_RINVBNDSTS, refused.commandStatus(), "no new submit while the broker stops");
         assertInstanceOf(Unbind.class, client.read(), "the gateway unbinds");
         // never answered
         assertTrue(client.closedByServer(10_000), "closed at the stop timeout");
      }
      long took = stop.get(GRACEFUL_SHUTDOWN_TIMEOUT * 2, TimeUnit.MILLISECONDS);
      assertTrue(took < GRACEFUL_SHUTDOWN_TIMEOUT / 2, "the silent ESME held the stop for " + took + " ms");

      try (TestBroker restarted = TestBroker.smpp(dir, params).start();
           RawSmppClient client = new RawSmppClient(restarted.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, BindType.TRANSCEIVER, "smppclient1", "password"));
         DeliverSm again = assertInstanceOf(DeliverSm.class, client.read());
         assertEquals("mo silent", new String(again.shortMessage(), StandardCharsets.US_ASCII), "the unanswered MO comes again");
      }
   }

   private static void sendMos(TestBroker target, String queue, String... texts) throws Exception {
      try (jakarta.jms.Connection jms = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(target.coreUrl()).createConnection()) {
         jakarta.jms.Session session = jms.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
         jakarta.jms.MessageProducer producer = session.createProducer(session.createQueue(queue));
         for (String text : texts) {
            jakarta.jms.TextMessage mo = session.createTextMessage(text);
            mo.setStringProperty("smsKind", "MO");
            mo.setStringProperty("smsSource", "8613800138000");
            mo.setStringProperty("smsDestination", "8610086");
            producer.send(mo);
         }
      }
   }
}
