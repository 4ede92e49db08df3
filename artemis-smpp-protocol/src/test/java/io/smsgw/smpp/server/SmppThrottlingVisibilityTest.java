package io.smsgw.smpp.server;

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
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSmResp;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submits refused for the account's max-submit-rate are visible to operations: counted under their own cause on the
 * refusal meter ({@code sms.gateway.account.submits.refused{cause=throttled}}) and summarised in one INFO line per
 * account at most once a minute. Before, they were answered ESME_RTHROTTLED without a log line, counted with every
 * other refusal.
 */
class SmppThrottlingVisibilityTest {

   @TempDir
   Path dir;

   private static FunctionCounter refused(MeterRegistry registry, String cause) {
      return registry.find("sms.gateway.account.submits.refused")
         .tags("protocol", "SMPP", "account", "throttle3", "cause", cause).functionCounter();
   }

   @Test
   void anAccountAt3PerSecondSending10AtOnceHas7ThrottledCountedAndOneLogLine() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.smpp(dir, "")
              .configure(cfg -> cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin))).start();
           RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "throttle3", "pw", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         io.smsgw.smpp.codec.SmppPdu[] submits = new io.smsgw.smpp.codec.SmppPdu[10];
         for (int i = 0; i < 10; i++) {
            submits[i] = ShortMessagePdu.builder().sequenceNumber(2 + i).sourceAddr(new Address((byte) 1, (byte) 1, "8610086"))
               .destinationAddr(new Address((byte) 1, (byte) 1, "8613800138000"))
               .shortMessage(("quick " + i).getBytes(StandardCharsets.US_ASCII)).buildSubmitSm();
         }
         client.sendTogether(submits); // one write: all ten within a fraction of the 333 ms a permit takes to come back
         int throttled = 0;
         for (int i = 0; i < 10; i++) {
            if (assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus() == SmppStatus.ESME_RTHROTTLED) {
               throttled++;
            }
         }
         assertEquals(7, throttled, "3 fit the rate (the bucket starts full), 7 are throttled");
         assertNotNull(refused(registry, "throttled"), "a refusal meter of cause throttled");
         assertEquals(7.0, refused(registry, "throttled").count());
         assertEquals(0.0, refused(registry, "other").count());
         assertEquals(1, log.count("INFO", "throttle3", "max-submit-rate"), () -> log.lines("throttle3").toString());
      }
   }
}
