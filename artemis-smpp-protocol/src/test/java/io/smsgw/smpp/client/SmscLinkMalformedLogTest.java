package io.smsgw.smpp.client;

import static io.smsgw.smpp.client.RawSmsc.bytes;
import static io.smsgw.smpp.client.RawSmsc.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.SmppCommandId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SMSC that sends malformed PDUs at full speed: the link wrote a WARN for each, so one misbehaving SMSC could flood
 * the broker log (found by {@link SmscLinkFuzzTest}). Now the first of an episode is a WARN and the others are counted
 * in the link's log summary; the link answers each and keeps working.
 */
class SmscLinkMalformedLogTest {

   private static final String LINK_QUEUE = SmsAddresses.smscLinkQueue("sim");
   private static final String WARN_LINE = "SMSC link sim received a malformed";
   private static final String COUNTED = "further malformed PDU(s) from the SMSC";
   private static final int MALFORMED = 50;

   @TempDir
   Path dir;

   @BeforeEach
   void summaryEverySecond() {
      System.clearProperty("smsgw.config");
      // Long enough that the burst below is one episode on a loaded host (an interval without one ends it).
      System.setProperty(SmscLinkService.LOG_SUMMARY_INTERVAL_PROPERTY, "1000");
   }

   @AfterEach
   void restore() {
      System.clearProperty("smsgw.config");
      System.clearProperty(SmscLinkService.LOG_SUMMARY_INTERVAL_PROPERTY);
   }

   @Test
   void manyMalformedPdusFromTheSmscWriteOneWarnAndACountAndTheLinkKeepsWorking() throws Exception {
      int port = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 2s, response-timeout = 3s, reconnect-min = 100ms, reconnect-max = 400ms }
         }
         """.formatted(port));
      System.setProperty("smsgw.config", file.toString());
      try (RawSmsc smsc = new RawSmsc(port); LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.smpp(dir, "").start()) {
         Wait.until("link bound", Duration.ofSeconds(10), () -> smsc.binds.get() == 1);
         // deliver_sm whose service_type has no NUL (and a CR/LF the SMSC chose), all in one write.
         ByteArrayOutputStream burst = new ByteArrayOutputStream();
         for (int i = 0; i < MALFORMED; i++) {
            burst.write(frame(SmppCommandId.DELIVER_SM, 0, 0x100 + i, bytes("CMT\r\nWARN forged")));
         }
         smsc.sendRaw(burst.toByteArray());
         Wait.until("each answered generic_nack", Duration.ofSeconds(10), () -> genericNacks(smsc) == MALFORMED);
         Wait.until("the others counted in the link's summary", Duration.ofSeconds(10), () -> summed(log) == MALFORMED - 1);

         assertEquals(1, log.count(WARN_LINE), () -> "one WARN for the episode: " + log.lines(WARN_LINE));
         assertTrue(log.lines(WARN_LINE).get(0).contains("WARN"), log.lines(WARN_LINE).get(0));
         assertEquals(0, log.lines("WARN forged").stream().filter(line -> line.startsWith("WARN forged")).count(),
                      "the SMSC's bytes wrote no line of their own");

         SmscLinkReusedIdTest.sendMt(broker, "00000000000000c1", "8613800138000");
         assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "the MT is sent");
         Wait.until("the MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
         assertEquals(1, smsc.binds.get(), "on the same bind");
      }
   }

   private static long genericNacks(RawSmsc smsc) {
      return smsc.frames.stream().filter(f -> ByteBuffer.wrap(f.bytes()).getInt(4) == SmppCommandId.GENERIC_NACK).count();
   }

   /** The sum of the counts of malformed PDUs in the link's summary lines. */
   private static long summed(LogCapture log) {
      Pattern count = Pattern.compile("(\\d+) " + Pattern.quote(COUNTED));
      long sum = 0;
      for (String line : log.lines("SMSC link sim in the last", COUNTED)) {
         Matcher m = count.matcher(line);
         assertTrue(m.find(), line);
         sum += Long.parseLong(m.group(1));
      }
      return sum;
   }
}
