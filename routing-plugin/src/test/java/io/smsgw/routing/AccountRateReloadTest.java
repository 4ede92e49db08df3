package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.smpp.codec.SmppStatus;
import org.jsmpp.bean.BindType;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that lowers an account's max-submit-rate applies at once, to the sessions bound before it as to new binds
 * (decisions.md: revoked accounts). Before, the reload dropped the account's limiter and the first session to submit
 * afterwards made a new one from the account it had logged in with: an ESME bound at 100/s that asked first brought the
 * old rate back, and every later bind shared it.
 */
class AccountRateReloadTest {

   /** More than the lowered rate's burst (10), far less than the old one's (100). */
   private static final int BURST = 40;

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void writeConfig(int rate) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { esme1 { password = "pw1", protocols = [SMPP], max-submit-rate = %d } }
         """.formatted(rate));
      System.setProperty("smsgw.config", file.toString());
   }

   /** Submits up to {@code max} messages back to back; how many were accepted before the first ESME_RTHROTTLED, or -1 if none was. */
   private static int acceptedBeforeThrottling(SMPPSession esme, int max) throws Exception {
      for (int i = 0; i < max; i++) {
         try {
            RoutingEndToEndTest.submit(esme, "8613800138000", "burst " + i);
         } catch (NegativeResponseException e) {
            assertEquals(SmppStatus.ESME_RTHROTTLED, e.getCommandStatus(), "only throttling refuses these submits");
            return i;
         }
      }
      return -1;
   }

   @Test
   void aLoweredRateAppliesToTheSessionBoundBeforeTheReloadAndToANewBind() throws Exception {
      writeConfig(100);
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         SMPPSession old = RoutingEndToEndTest.bind(broker, BindType.BIND_TX, "esme1", "pw1", null);
         SMPPSession fresh = null;
         try {
            assertEquals(-1, acceptedBeforeThrottling(old, BURST), "at 100/s a burst of " + BURST + " passes");

            writeConfig(10);
            assertEquals("", control.reload());

            // The session bound at 100/s asks first, as a flooding ESME does.
            int acceptedOnOld = acceptedBeforeThrottling(old, BURST);
            assertTrue(acceptedOnOld >= 0, "the session bound at 100/s is throttled at the reloaded 10/s within a burst of " + BURST);
            assertTrue(acceptedOnOld >= 5 && acceptedOnOld <= 20, "about 10 pass, the rest is throttled; passed: " + acceptedOnOld);

            fresh = RoutingEndToEndTest.bind(broker, BindType.BIND_TX, "esme1", "pw1", null);
            int accepted = acceptedBeforeThrottling(fresh, BURST);
            assertTrue(accepted >= 0, "a new bind is throttled at 10/s too");
            assertTrue(accepted <= 20, "it shares the account's 10/s with the old session; passed: " + accepted);
         } finally {
            old.unbindAndClose();
            if (fresh != null) {
               fresh.unbindAndClose();
            }
         }
      }
   }
}
