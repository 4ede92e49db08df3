package io.smsgw.smpp.client;

import static io.smsgw.smpp.client.RawSmsc.cString;
import static io.smsgw.smpp.client.RawSmsc.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
 * An SMSC's message id is the SMSC's string: one with CR/LF in it must not write a line of its own into the gateway's
 * log (decision 130) from the correlation store's lines either.
 */
class SmscLinkLogForgeryTest {

   private static final String LINK_QUEUE = SmsAddresses.smscLinkQueue("sim");
   private static final String FORGED = "WARN SmscLink - SMSC link sim: all receipts lost";

   @TempDir
   Path dir;

   @BeforeEach
   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void anSmscIdWithALineBreakWritesNoLineOfItsOwnWhenItsRecordIsReplaced() throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      int port = JsmppSmsc.freePort();
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 200ms, response-timeout = 1s, reconnect-min = 100ms, reconnect-max = 400ms }
         }
         """.formatted(port));
      System.setProperty("smsgw.config", file.toString());
      String id = "77\r\n" + FORGED;
      try (RawSmsc smsc = new RawSmsc(port); LogCapture log = LogCapture.start()) {
         smsc.submitAnswers.add(seq -> frame(SmppCommandId.SUBMIT_SM_RESP, 0, seq, cString(id)));
         smsc.submitAnswers.add(seq -> frame(SmppCommandId.SUBMIT_SM_RESP, 0, seq, cString(id)));
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            for (String smsId : List.of("00000000000000b1", "00000000000000b2")) {
               SmscLinkReusedIdTest.sendMt(broker, smsId, "8613800138000");
               smsc.submits.poll(10, TimeUnit.SECONDS);
               Wait.until("MT " + smsId + " acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
            }
            Wait.until("the replacement logged", Duration.ofSeconds(10), () -> log.count("Correlation store", "replaced") == 1);
            assertEquals(List.of(), log.lines(FORGED).stream().filter(line -> line.startsWith(FORGED)).toList(),
                         "no line the SMSC wrote");
         }
      }
   }
}
