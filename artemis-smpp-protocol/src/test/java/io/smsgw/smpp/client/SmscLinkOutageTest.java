package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * During an SMSC outage the link's bean says since when it is down: {@code DownSince} is the first failure of the
 * outage and stays while the retries fail, {@code BoundSince} is empty; once the link binds again {@code BoundSince}
 * is the bind and {@code DownSince} is empty, and the INFO line of the bind gives the outage's length and what waits on
 * the link's queue. Before, every failed connect replaced {@code LastError} and nothing kept the outage's start.
 */
class SmscLinkOutageTest {

   private static final Duration DEADLINE = Duration.ofSeconds(30);

   @TempDir
   Path dir;

   @AfterEach
   void restore() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void downSinceIsTheOutagesFirstFailureAndTheRebindSaysHowLongItLasted() throws Exception {
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
         JsmppSmsc smsc = new JsmppSmsc(port);
         try {
            Wait.until("the link bound", DEADLINE, () -> "BOUND".equals(link.getState()));
            Wait.until("BoundSince set", DEADLINE, () -> !attribute(broker, "BoundSince").isEmpty());
            assertEquals("", attribute(broker, "DownSince"), "not down while bound");
         } finally {
            smsc.close();
         }
         Wait.until("DownSince set by the outage", DEADLINE, () -> !attribute(broker, "DownSince").isEmpty(),
                    () -> link.getState() + ", " + link.getLastError() + ", reconnects " + link.getReconnects()
                          + "\n" + String.join("\n", log.lines("SMSC link sim")));
         String downSince = attribute(broker, "DownSince");
         Instant.parse(downSince); // an ISO instant
         long reconnects = link.getReconnects();
         Wait.until("five more failed connects", DEADLINE, () -> link.getReconnects() >= reconnects + 5);
         assertEquals(downSince, attribute(broker, "DownSince"), "the outage's first failure, kept over the retries");
         assertEquals("", attribute(broker, "BoundSince"), "not bound while down");

         try (JsmppSmsc again = new JsmppSmsc(port)) {
            Wait.until("the link bound again", DEADLINE, () -> "BOUND".equals(link.getState()));
            Wait.until("DownSince cleared", DEADLINE, () -> attribute(broker, "DownSince").isEmpty());
            String boundSince = attribute(broker, "BoundSince");
            assertFalse(boundSince.isEmpty());
            assertTrue(!Instant.parse(boundSince).isBefore(Instant.parse(downSince)), boundSince + " after " + downSince);
            Wait.until("the bind's INFO line gives the outage", DEADLINE,
                       () -> log.count("INFO", "SMSC link sim bound", "down since " + downSince, "waiting on sms.smsc.sim") == 1,
                       () -> String.join("\n", log.lines("SMSC link sim")));
         }
      }
   }

   /** The bean's attribute by name, as a JMX console reads it (through the bean's interface). */
   private static String attribute(TestBroker broker, String name) {
      Object link = broker.server().getManagementService().getUntypedControl("smsc-link.sim");
      try {
         return String.valueOf(SmscLinkControlMBean.class.getMethod("get" + name).invoke(link));
      } catch (ReflectiveOperationException e) {
         return "(no attribute " + name + ": " + e + ")";
      }
   }
}
