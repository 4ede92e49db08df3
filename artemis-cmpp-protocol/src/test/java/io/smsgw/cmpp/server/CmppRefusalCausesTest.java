package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.SubmitResp;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CMPP answers Result 8 both for the SP's rate and for a full storage: the refusal meter tells them apart
 * ({@code sms.gateway.account.submits.refused{cause}}), and throttling gets one INFO line per SP at most once a minute.
 */
class CmppRefusalCausesTest {

   @TempDir
   Path dir;

   private static FunctionCounter refused(MeterRegistry registry, String account, String cause) {
      return registry.find("sms.gateway.account.submits.refused")
         .tags("protocol", "CMPP", "account", account, "cause", cause).functionCounter();
   }

   @Test
   void anSpAt3PerSecondSending10AtOnceHas7ThrottledAndAQuotaRefusalCountsAsQuota() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.cmpp(dir, "")
              .configure(cfg -> cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin))).start()) {
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901237", "secret7", 0x30).status());
            CmppPdu[] submits = new CmppPdu[10];
            for (int i = 0; i < submits.length; i++) {
               submits[i] = RawCmppClient.submit(client.nextSequence(), "901237", "1065777", "TEST", 0,
                                                 ("quick " + i).getBytes(StandardCharsets.US_ASCII), "13800138000");
            }
            client.sendTogether(submits); // one write: all ten within a fraction of the 333 ms a permit takes to come back
            int throttled = 0;
            for (int i = 0; i < submits.length; i++) {
               if (assertInstanceOf(SubmitResp.class, client.read()).result() == CmppResult.FLOW_CONTROL_ERROR) {
                  throttled++;
               }
            }
            assertEquals(7, throttled, "3 fit the rate (the bucket starts full), 7 are throttled");
         }
         assertNotNull(refused(registry, "901237", "throttled"));
         assertEquals(7.0, refused(registry, "901237", "throttled").count());
         assertEquals(0.0, refused(registry, "901237", "storage").count(), "Result 8 for the rate is no storage refusal");
         assertEquals(1, log.count("INFO", "901237", "max-submit-rate"), () -> log.lines("901237").toString());

         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901236", "secret6", 0x30).status());
            for (int i = 0; i < 3; i++) {
               client.send(RawCmppClient.submit(client.nextSequence(), "901236", "1065766", "TEST", 0,
                                                "q".getBytes(StandardCharsets.US_ASCII), "13800138001"));
               assertEquals(i < 2 ? CmppResult.OK : CmppSubmitHandler.RESULT_DAILY_QUOTA_EXHAUSTED,
                            assertInstanceOf(SubmitResp.class, client.read()).result());
            }
         }
         assertEquals(1.0, refused(registry, "901236", "quota").count(), "a daily quota of 2: the third refused");
         assertEquals(0.0, refused(registry, "901236", "other").count());
      }
   }
}
