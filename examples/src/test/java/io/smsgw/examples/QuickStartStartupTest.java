package io.smsgw.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.core.config.GatewayConfigLocator;
import org.apache.activemq.artemis.core.io.aio.AIOSequentialFileFactory;
import org.apache.activemq.artemis.core.server.JournalType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the quick start says at its start: the journal it uses, and which port to move when one is taken. */
class QuickStartStartupTest {

   private static QuickStartGateway.Settings settings(Path dataDir, int smppPort, int simulatorPort) {
      QuickStartGateway.Settings defaults = QuickStartGateway.Settings.fromSystemProperties(dataDir.toString());
      return new QuickStartGateway.Settings(defaults.etcDir(), defaults.dataDir(), 0, smppPort, 0,
                                            new QuickStartGateway.SimulatorSettings(simulatorPort, Duration.ofMillis(100), 1.0));
   }

   /**
    * The quick start logged Artemis' AMQ222018 "install LibAIO" at every start (libaio was installed; Artemis' native
    * library was not on java.library.path), and its own "Journal: NIO" line never appeared.
    */
   @Test
   void theJournalLineSaysWhichJournalIsUsedAndArtemisDoesNotAskToInstallLibaio(@TempDir Path dataDir) throws Exception {
      try (LogCapture log = LogCapture.start();
           QuickStartGateway gateway = QuickStartGateway.start(settings(dataDir, 0, 0))) {
         assertEquals(0, log.count("AMQ222018"), () -> log.lines("AMQ222018").toString());
         JournalType used = gateway.server().getConfiguration().getJournalType();
         if (AIOSequentialFileFactory.isSupported()) {
            assertEquals(JournalType.ASYNCIO, used);
            assertEquals(0, log.count("Journal: NIO"), () -> log.lines("Journal").toString());
         } else {
            assertEquals(JournalType.NIO, used);
            assertEquals(1, log.count("INFO", "Journal: NIO. broker.xml asks for the AIO journal"), () -> log.lines("Journal").toString());
         }
      }
   }

   /** A second quick start stopped with Netty's bare "BindException: Address already in use", naming no port. */
   @Test
   void aSimulatorPortInUseNamesThePortAndThePropertyThatMovesIt(@TempDir Path dataDir) throws Exception {
      String before = System.getProperty(GatewayConfigLocator.PATH_PROPERTY);
      try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
         IllegalStateException refused = assertThrows(IllegalStateException.class,
                                                      () -> QuickStartGateway.start(settings(dataDir, 0, taken.getLocalPort())));
         assertTrue(refused.getMessage().contains("simulator cannot listen on 127.0.0.1:" + taken.getLocalPort()), refused.getMessage());
         assertTrue(refused.getMessage().contains("Address already in use"), refused.getMessage());
         assertTrue(refused.getMessage().contains("-Dsmsgw.simulator.port=<port>"), refused.getMessage());
      }
      assertEquals(before, System.getProperty(GatewayConfigLocator.PATH_PROPERTY));
   }

   @Test
   void anAcceptorPortInUseNamesThePortAndThePropertyThatMovesIt(@TempDir Path dataDir) throws Exception {
      try (ServerSocket taken = new ServerSocket()) {
         taken.bind(new InetSocketAddress("0.0.0.0", 0));
         IllegalStateException refused = assertThrows(IllegalStateException.class,
                                                      () -> QuickStartGateway.start(settings(dataDir, taken.getLocalPort(), 0)));
         assertTrue(refused.getMessage().contains("acceptor smpp cannot listen on 0.0.0.0:" + taken.getLocalPort()), refused.getMessage());
         assertTrue(refused.getMessage().contains("-Dsmsgw.smpp.port=<port>"), refused.getMessage());
         assertFalse(refused.getMessage().contains("did not become active"), refused.getMessage());
      }
      // The simulator started before the refusal is closed again: a second start takes its (free) port.
      try (QuickStartGateway gateway = QuickStartGateway.start(settings(dataDir, 0, 0))) {
         assertTrue(gateway.server().isActive());
      }
   }
}
