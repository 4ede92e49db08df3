package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.Unbind;
import io.smsgw.smpp.codec.UnbindResp;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's last answer on a connection (a refused bind, unbind_resp) reaches the ESME: the gateway stops taking
 * requests but leaves the socket to the ESME to close, up to a short drain (decision 156). Closing right after writing
 * the answer made jSMPP's reader see the end of the stream while the answer was still queued for its processing
 * threads: its close dropped the answer, and connectAndBind reported a bind timeout instead of the refusal, and
 * unbindAndClose waited out its timer ("Unbind response timeout").
 */
class SmppAnswerBeforeCloseTest {

   private static final int ATTEMPTS = 20;

   @TempDir
   static Path dataDir;
   static TestBroker broker;

   @BeforeAll
   static void start() throws Exception {
      // No failed-login penalty: every wrong password is answered at once.
      broker = TestBroker.smpp(dataDir, ";smppAuthFailureLimit=0;smppEnquireLinkInterval=0").start();
   }

   @AfterAll
   static void stop() throws Exception {
      broker.close();
   }

   private static BindParameter bind(String password) {
      return new BindParameter(org.jsmpp.bean.BindType.BIND_TX, "smppclient1", password, "", TypeOfNumber.UNKNOWN,
                               NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34);
   }

   private static SMPPSession jsmpp() {
      SMPPSession session = new SMPPSession();
      session.setTransactionTimer(5_000);
      return session;
   }

   @Test
   void jsmppGetsTheRefusalOfAWrongPasswordEveryTime() {
      List<String> wrong = new ArrayList<>();
      for (int i = 0; i < ATTEMPTS; i++) {
         SMPPSession session = jsmpp();
         try {
            session.connectAndBind("127.0.0.1", broker.port(), bind("wrong"), 5_000);
            wrong.add("attempt " + i + ": bound");
         } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (!(cause instanceof NegativeResponseException refused) || refused.getCommandStatus() != SmppStatus.ESME_RBINDFAIL) {
               wrong.add("attempt " + i + ": " + e);
            }
         } finally {
            session.close();
         }
      }
      assertEquals(List.of(), wrong, "every wrong-password bind is answered with ESME_RBINDFAIL (" + wrong.size() + " of "
                                        + ATTEMPTS + " were not)");
   }

   @Test
   void jsmppUnbindAndCloseGetsItsUnbindResp() throws Exception {
      try (LogCapture log = LogCapture.start()) {
         for (int i = 0; i < ATTEMPTS; i++) {
            SMPPSession session = jsmpp();
            session.connectAndBind("127.0.0.1", broker.port(), bind("password"), 5_000);
            session.unbindAndClose();
         }
         assertEquals(0, log.count("Unbind response timeout"), "unbind_resp reaches jSMPP in each of " + ATTEMPTS + " sessions");
         assertEquals(0, log.count("Invalid response for unbind"));
      }
   }

   @Test
   void aRefusedBindIsAnsweredThoughTheClientKeepsSendingAndFurtherRequestsAreNotTaken() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         client.sendTogether(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "wrong", "", 0x34, 0, 0, ""),
                             new EnquireLink(2), new EnquireLink(3));
         assertEquals(SmppStatus.ESME_RBINDFAIL, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         client.send(new EnquireLink(4));
         assertNull(client.read(300), "nothing after the refusal is answered, and the gateway leaves the close to the client");
      }
   }

   @Test
   void aClientThatNeverClosesAfterItsUnbindRespIsClosedAfterTheDrain() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         client.send(new Unbind(2));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(UnbindResp.class, client.read()).commandStatus());
         client.send(new EnquireLink(3));
         // The drain is 1 s; the deadline leaves room for a loaded host.
         assertTrue(client.closedByServer(10_000), "closed by the gateway once the drain ran out");
      }
   }

   @Test
   void aClientThatNeverClosesAfterARefusedBindIsClosedAfterTheDrain() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "wrong", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_RBINDFAIL, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         assertTrue(client.closedByServer(10_000), "closed by the gateway once the drain ran out");
      }
   }
}
