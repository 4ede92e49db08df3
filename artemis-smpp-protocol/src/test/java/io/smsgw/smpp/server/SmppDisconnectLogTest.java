package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.SmppStatus;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ESME that drops its TCP connection without unbinding is an everyday event: the log names the account and address
 * at INFO, not Artemis' WARN pair AMQ222061 / AMQ222107 naming only a session UUID. A real failure of the connection
 * still gets that pair.
 */
class SmppDisconnectLogTest {

   private static final Duration DEADLINE = Duration.ofSeconds(30);

   @TempDir
   static Path dataDir;
   static TestBroker broker;

   @BeforeAll
   static void start() throws Exception {
      broker = TestBroker.smpp(dataDir, ";smppEnquireLinkInterval=0").start();
   }

   @AfterAll
   static void stop() throws Exception {
      broker.close();
   }

   private static RawSmppClient bound() throws Exception {
      RawSmppClient client = new RawSmppClient(broker.port());
      client.send(new BindRequest(1, BindType.TRANSCEIVER, "smppclient1", "password", "", 0x34, 0, 0, ""));
      assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
      return client;
   }

   @Test
   void aClientDroppingItsConnectionEndsQuietlyWithALineNamingItsAccountAndAddress() throws Exception {
      try (LogCapture log = LogCapture.start()) {
         RawSmppClient client = bound();
         String address = client.localAddress().toString();
         Wait.until("the account's session", DEADLINE, () -> broker.hasSessionOf("smppclient1"));
         client.close(); // no unbind
         Wait.until("the line naming the account and address", DEADLINE,
                    () -> log.count("'smppclient1'", address, "without unbind") == 1, () -> String.join("\n", log.lines("smppclient1")));
         Wait.until("the broker session closed", DEADLINE, () -> !broker.hasSessionOf("smppclient1"));
         assertEquals(0, log.count("AMQ222061"), "no 'Client connection failed' WARN");
         assertEquals(0, log.count("AMQ222107"), "no 'Cleared up resources' WARN");
      }
   }

   @Test
   void aRealFailureOfTheConnectionIsStillAWarning() throws Exception {
      try (LogCapture log = LogCapture.start(); RawSmppClient client = bound()) {
         Wait.until("the account's session", DEADLINE, () -> broker.hasSessionOf("smppclient1"));
         RemotingConnection connection = broker.server().getRemotingService().getConnections().stream()
            .filter(c -> "smppclient1".equals(c.getClientID())).findFirst().orElseThrow();
         connection.fail(new ActiveMQException(ActiveMQExceptionType.INTERNAL_ERROR, "failed for the test"));
         Wait.until("Artemis' WARN pair", DEADLINE, () -> log.count("AMQ222061") == 1 && log.count("AMQ222107") == 1);
      }
   }
}
