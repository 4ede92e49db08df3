package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SMSC that binds the link, takes its submit_sm and drops the connection before answering, again and again, does
 * not use up the MT's delivery attempts: the link keeps the broker message across its reconnects and sends it again
 * after each bind, so no broker delivery is cancelled. With max-delivery-attempts 2 the MT survives five such flaps,
 * is never dead-lettered, and gets its receipt's report once the SMSC answers.
 */
class SmscLinkFlapsTest {

   private static final String LINK_QUEUE = SmsAddresses.smscLinkQueue("sim");
   private static final Duration TIMEOUT = Duration.ofSeconds(20);
   private static final int FLAPS = 5;

   @TempDir
   Path dir;

   @BeforeEach
   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void anMtSurvivesAnSmscThatDropsTheLinkOnEverySubmitMoreOftenThanItsDeliveryAttempts() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.closeOnSubmits.set(FLAPS);
         Path file = dir.resolve("sms-gateway.conf");
         Files.writeString(file, """
            gateway { code = "001001" }
            accounts { smppclient1 { password = "password", protocols = [SMPP] } }
            links {
              sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                    enquire-link-interval = 200ms, response-timeout = 1s, reconnect-min = 100ms, reconnect-max = 400ms }
            }
            """.formatted(port));
         System.setProperty("smsgw.config", file.toString());
         try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
            TestBroker.withDeadLetterQueue(cfg);
            cfg.getAddressSettings().get("sms.#").setMaxDeliveryAttempts(2);
         }).start()) {
            SmscLinkReusedIdTest.sendMt(broker, "00000000000000f1", "8613800138001");

            Wait.until("the MT accepted after " + FLAPS + " dropped connections and acknowledged", TIMEOUT,
                       () -> smsc.submits.size() > FLAPS && broker.messageCount(LINK_QUEUE) == 0);
            assertEquals(0, broker.messageCount(TestBroker.DEAD_LETTERS), "not dead-lettered");
            List<RawSmsc.Submit> submits = new ArrayList<>(smsc.submits);
            assertEquals(FLAPS + 1, submits.size(), "sent once per bind until answered, then no more");
            assertTrue(smsc.binds.get() > FLAPS, "the link bound again after every drop: " + smsc.binds.get());

            RawSmsc.Submit answered = submits.get(FLAPS);
            smsc.sendReceipt("raw" + answered.sequence(), "DELIVRD", "8613800138001");
            Message dr = SmscLinkReusedIdTest.receiveDrs(broker, 1).get(0);
            assertEquals("00000000000000f1", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"), "its final report, from the SMSC's receipt");
            assertNotNull(dr.getStringProperty("smsSmscMessageId"));
            assertEquals(0, broker.messageCount(TestBroker.DEAD_LETTERS), "still nothing dead-lettered");
         }
      }
   }
}
