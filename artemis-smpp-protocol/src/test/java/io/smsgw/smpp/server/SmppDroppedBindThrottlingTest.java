package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.AccountThrottling;
import io.smsgw.broker.testing.LoginAfterClose;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.Unbind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ESMEs that drop the connection right after sending their bind, before the broker has opened the bind's session: the
 * account's throttling pause (decision 151) must not keep those sessions as its members, each holding its session and
 * channel for as long as the broker lives and prompted at every pause's end.
 */
class SmppDroppedBindThrottlingTest {

   private static final String ESME = "smppclient1";
   private static final int DROPPED = 10;

   @org.junit.jupiter.api.io.TempDir
   Path dir;

   @ParameterizedTest(name = "session creation fails: {0}")
   @ValueSource(booleans = {false, true})
   void bindsDroppedBeforeTheBrokerOpenedTheirSessionLeaveNoMemberOfTheAccountsPause(boolean failInsideBroker) throws Exception {
      LoginAfterClose gate = new LoginAfterClose(SmppProtocolManagerFactory.PROTOCOL_NAME, failInsideBroker);
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(gate)).start()) {
         for (int i = 1; i <= DROPPED; i++) {
            try (RawSmppClient client = new RawSmppClient(broker.port())) {
               client.send(new BindRequest(1, BindType.TRANSCEIVER, ESME, "password", "", 0x34, 0, 0, ""));
            }
            int held = i;
            Wait.until("bind " + i + " done in the broker after its socket closed, no session left",
                       Duration.ofSeconds(10), () -> gate.logins() == held && !broker.hasSessionOf(ESME));
         }
         gate.check();
         AccountThrottling pause = AccountThrottling.of(broker.server(), ESME);
         assertEquals(0, pause.sessionCount(), "sessions of dropped binds kept by the account's throttling pause");

         // A bind that completes is a member while bound, and no longer once it unbinds.
         gate.disable();
         try (RawSmppClient client = new RawSmppClient(broker.port())) {
            client.send(new BindRequest(2, BindType.TRANSCEIVER, ESME, "password", "", 0x34, 0, 0, ""));
            assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
            assertEquals(1, pause.sessionCount());
            client.send(new Unbind(3));
            client.read();
         }
         Wait.until("the unbound session left the pause", Duration.ofSeconds(10), () -> pause.sessionCount() == 0);
      }
   }
}
