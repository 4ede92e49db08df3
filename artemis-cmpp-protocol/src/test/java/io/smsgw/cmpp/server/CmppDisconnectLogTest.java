package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SP that drops its TCP connection without TERMINATE, or after a refused CONNECT, is an everyday event: no WARN pair
 * AMQ222061 / AMQ222107 naming only a session UUID; a connected SP's end is an INFO line naming it and its address.
 */
class CmppDisconnectLogTest {

   private static final Duration DEADLINE = Duration.ofSeconds(30);

   @TempDir
   static Path dataDir;
   static TestBroker broker;

   @BeforeAll
   static void start() throws Exception {
      broker = TestBroker.cmpp(dataDir, ";cmppActiveTestInterval=0;cmppAuthFailureLimit=0").start();
   }

   @AfterAll
   static void stop() throws Exception {
      broker.close();
   }

   @Test
   void anSpDroppingItsConnectionEndsQuietlyWithALineNamingItAndItsAddress() throws Exception {
      try (LogCapture log = LogCapture.start()) {
         RawCmppClient client = new RawCmppClient(broker.port());
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         String address = client.localAddress().toString();
         Wait.until("the SP's session", DEADLINE, () -> broker.hasSessionOf("901234"));
         client.close(); // no TERMINATE
         Wait.until("the line naming the SP and address", DEADLINE,
                    () -> log.count("'901234'", address, "without TERMINATE") == 1, () -> String.join("\n", log.lines("901234")));
         Wait.until("the broker session closed", DEADLINE, () -> !broker.hasSessionOf("901234"));
         assertEquals(0, log.count("AMQ222061"), "no 'Client connection failed' WARN");
         assertEquals(0, log.count("AMQ222107"), "no 'Cleared up resources' WARN");
      }
   }

   @Test
   void anSpDroppingItsConnectionAfterARefusedConnectEndsQuietly() throws Exception {
      try (LogCapture log = LogCapture.start()) {
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, client.connect("901234", "wrong", 0x30).status());
         }
         // A connected SP's clean end afterwards: its line comes after anything the refused one caused.
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            client.send(new io.smsgw.cmpp.codec.Terminate(client.nextSequence()));
            client.read();
         }
         Wait.until("the clean end's broker session closed", DEADLINE, () -> !broker.hasSessionOf("901234"));
         assertEquals(0, log.count("AMQ222061"), String.join("\n", log.lines("AMQ")));
         assertEquals(0, log.count("AMQ222107"));
      }
   }
}
