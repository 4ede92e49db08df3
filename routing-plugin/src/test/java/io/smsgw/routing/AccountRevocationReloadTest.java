package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppStatus;
import org.jsmpp.bean.BindType;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that removes an account or changes its password ends the account's open sessions as the protocols do (SMPP
 * unbind, CMPP TERMINATE) with one WARN naming the account and how many sessions it ended; new logins with what was
 * revoked are refused, and other accounts' sessions are not touched (decisions.md: revoked accounts). Before, the
 * sessions logged in with the revoked account went on submitting and the log said nothing.
 */
class AccountRevocationReloadTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(15);

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void writeConfig(String accounts) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { %s }
         """.formatted(accounts));
      System.setProperty("smsgw.config", file.toString());
   }

   private static SmsRoutingControlMBean control(TestBroker broker) {
      return (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
   }

   /** A jSMPP transceiver bind and the states its session went through. */
   private record Esme(SMPPSession session, List<SessionState> states) {
      static Esme bind(TestBroker broker, String systemId, String password) throws Exception {
         SMPPSession session = new SMPPSession();
         List<SessionState> states = new CopyOnWriteArrayList<>();
         session.addSessionStateListener((newState, oldState, source) -> states.add(newState));
         session.setTransactionTimer(10_000);
         session.connectAndBind("127.0.0.1", broker.port(), new org.jsmpp.session.BindParameter(BindType.BIND_TRX, systemId,
            password, "", org.jsmpp.bean.TypeOfNumber.UNKNOWN, org.jsmpp.bean.NumberingPlanIndicator.UNKNOWN, null,
            org.jsmpp.bean.InterfaceVersion.IF_34));
         return new Esme(session, states);
      }

      void waitUntilUnboundByTheGateway() {
         Wait.until("the gateway unbinds the session", TIMEOUT, () -> states.contains(SessionState.CLOSED), states::toString);
         assertTrue(states.contains(SessionState.UNBOUND), "unbound before the close (not a dropped socket): " + states);
      }
   }

   /** The command_status of a bind as {@code systemId} / {@code password}. */
   private static int bindStatus(TestBroker broker, String systemId, String password) throws Exception {
      try (RawFrameSocket raw = RawFrameSocket.connect(broker.port())) {
         raw.send(buf -> SmppCodec.encode(new BindRequest(1, io.smsgw.smpp.codec.BindType.TRANSMITTER, systemId, password, "",
                                                          0x34, 0, 0, ""), buf));
         BindResponse answer = (BindResponse) raw.read(10_000, SmppCodec::decode);
         assertNotNull(answer, "the bind was answered");
         return answer.commandStatus();
      }
   }

   @Test
   void aRemovedAccountsEsmeIsUnboundAndCannotBindAgainWhileOthersStayBound() throws Exception {
      writeConfig("""
         esme1 { password = "pw1", protocols = [SMPP] }
         esme2 { password = "pw2", protocols = [SMPP] }""");
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Esme removed = Esme.bind(broker, "esme1", "pw1");
         Esme kept = Esme.bind(broker, "esme2", "pw2");
         try (LogCapture log = LogCapture.start()) {
            writeConfig("""
               esme2 { password = "pw2", protocols = [SMPP] }""");
            assertEquals("", control(broker).reload());
            removed.waitUntilUnboundByTheGateway();
            List<String> warnings = log.lines("WARN", "'esme1'", "removed");
            assertEquals(1, warnings.size(), "one WARN for the account: " + log.lines("esme1"));
            assertTrue(warnings.get(0).contains("1 open session"), warnings.get(0));
         }
         assertEquals(SmppStatus.ESME_RBINDFAIL, bindStatus(broker, "esme1", "pw1"), "the removed account binds no more");

         assertEquals(SessionState.BOUND_TRX, kept.session().getSessionState(), "another account's session stays bound");
         assertNotNull(RoutingEndToEndTest.submit(kept.session(), "8613800138000", "still here"));
         kept.session().unbindAndClose();
      }
   }

   @Test
   void aChangedPasswordUnbindsEverySessionOfTheAccountAndOnlyTheNewPasswordBinds() throws Exception {
      writeConfig("""
         esme1 { password = "pw1", protocols = [SMPP] }""");
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Esme first = Esme.bind(broker, "esme1", "pw1");
         Esme second = Esme.bind(broker, "esme1", "pw1");
         try (LogCapture log = LogCapture.start()) {
            writeConfig("""
               esme1 { password = "newpw", protocols = [SMPP] }""");
            assertEquals("", control(broker).reload());
            first.waitUntilUnboundByTheGateway();
            second.waitUntilUnboundByTheGateway();
            List<String> warnings = log.lines("WARN", "'esme1'", "password changed");
            assertEquals(1, warnings.size(), "one WARN for the account: " + log.lines("esme1"));
            assertTrue(warnings.get(0).contains("2 open session"), warnings.get(0));
         }
         assertEquals(SmppStatus.ESME_RBINDFAIL, bindStatus(broker, "esme1", "pw1"), "the old password binds no more");
         assertEquals(SmppStatus.ESME_ROK, bindStatus(broker, "esme1", "newpw"), "the new one does");
      }
   }

   @Test
   void aChangedSecretTerminatesTheSpsConnectionAndOnlyTheNewSecretConnects() throws Exception {
      writeConfig("""
         "901234" { password = "secret1", protocols = [CMPP] }""");
      try (TestBroker broker = TestBroker.cmpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         try (CmppSocket sp = CmppSocket.connect(broker.port()); LogCapture log = LogCapture.start()) {
            assertEquals(CmppResult.CONNECT_OK, sp.login("901234", "secret1").status());
            writeConfig("""
               "901234" { password = "secret2", protocols = [CMPP] }""");
            assertEquals("", control(broker).reload());
            Terminate terminate = sp.read(Terminate.class);
            sp.send(terminate.response());
            assertTrue(sp.closedByPeer(10_000), "the gateway closes at TERMINATE_RESP");
            List<String> warnings = log.lines("WARN", "'901234'", "password changed");
            assertEquals(1, warnings.size(), "one WARN for the account: " + log.lines("901234"));
            assertTrue(warnings.get(0).contains("1 open session"), warnings.get(0));
         }
         try (CmppSocket sp = CmppSocket.connect(broker.port())) {
            assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, sp.login("901234", "secret1").status(), "the old secret connects no more");
         }
         try (CmppSocket sp = CmppSocket.connect(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, sp.login("901234", "secret2").status(), "the new one does");
         }
      }
   }
}
