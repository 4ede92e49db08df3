package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SMSC link that cannot connect is what a carrier needs to see on day one: the first failed connect of an episode
 * is a WARN, the retries after it are quiet, and once the link has been bound the next episode is a WARN again. It
 * was an INFO line per try.
 */
class SmscLinkConnectFailureLogTest {

   private static final Duration DEADLINE = Duration.ofSeconds(30);
   private static final String FAILED = "SMSC link sim could not connect";

   @TempDir
   Path dir;

   @AfterEach
   void restore() {
      System.clearProperty("smsgw.config");
   }

   private static long warnings(LogCapture log) {
      return log.lines(FAILED).stream().filter(line -> line.contains("WARN")).count();
   }

   @Test
   void theFirstFailedConnectOfAnEpisodeIsAWarningAndTheRetriesAreQuiet() throws Exception {
      int port = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 2s, response-timeout = 3s, reconnect-min = 50ms, reconnect-max = 100ms }
         }
         """.formatted(port));
      System.setProperty("smsgw.config", file.toString());
      try (LogCapture log = LogCapture.start(); TestBroker broker = TestBroker.smpp(dir, "").start()) {
         SmscLinkControlMBean link = (SmscLinkControlMBean) broker.server().getManagementService().getUntypedControl("smsc-link.sim");
         Wait.until("five failed connects", DEADLINE, () -> link.getReconnects() >= 5);
         assertEquals(1, warnings(log), String.join("\n", log.lines(FAILED)));
         assertEquals(1, log.count(FAILED), "the retries write nothing at INFO");

         try (JsmppSmsc smsc = new JsmppSmsc(port)) {
            Wait.until("the link bound", DEADLINE, () -> "BOUND".equals(link.getState()));
         }
         long before = link.getReconnects();
         Wait.until("five more failed connects", DEADLINE, () -> link.getReconnects() >= before + 5);
         assertEquals(2, warnings(log), "a new episode after the link was bound: " + String.join("\n", log.lines(FAILED)));
      }
   }
}
