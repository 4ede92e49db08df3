package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.AccountThrottling;
import io.smsgw.broker.testing.LoginAfterClose;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Terminate;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPs that drop the connection right after sending CONNECT, before the broker has opened the login's session: the
 * account's throttling pause (decision 151) must not keep those sessions as its members for as long as the broker lives.
 */
class CmppDroppedConnectThrottlingTest {

   private static final String SP = "901241";
   private static final String SECRET = "secret41";
   private static final int DROPPED = 10;

   @TempDir
   Path dir;

   @ParameterizedTest(name = "session creation fails: {0}")
   @ValueSource(booleans = {false, true})
   void connectsDroppedBeforeTheBrokerOpenedTheirSessionLeaveNoMemberOfTheAccountsPause(boolean failInsideBroker) throws Exception {
      LoginAfterClose gate = new LoginAfterClose(CmppProtocolManagerFactory.PROTOCOL_NAME, failInsideBroker);
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppConnectTimeSkew=0").configure(cfg -> cfg.registerBrokerPlugin(gate)).start()) {
         for (int i = 1; i <= DROPPED; i++) {
            try (RawCmppClient client = new RawCmppClient(broker.port())) {
               client.sendConnect(SP, SECRET, 0x30);
            }
            int logins = i;
            Wait.until("CONNECT " + i + " done in the broker after its socket closed, no session left",
                       Duration.ofSeconds(10), () -> gate.logins() == logins && !broker.hasSessionOf(SP));
         }
         gate.check();
         AccountThrottling pause = AccountThrottling.of(broker.server(), SP);
         assertEquals(0, pause.sessionCount(), "sessions of dropped CONNECTs kept by the account's throttling pause");

         // A login that completes is a member while connected, and no longer once it terminates.
         gate.disable();
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect(SP, SECRET, 0x30).status());
            assertEquals(1, pause.sessionCount());
            client.send(new Terminate(2));
            client.read();
         }
         Wait.until("the terminated session left the pause", Duration.ofSeconds(10), () -> pause.sessionCount() == 0);
      }
   }
}
