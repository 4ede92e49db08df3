package io.smsgw.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.LogCapture;
import org.apache.activemq.artemis.core.io.aio.AIOSequentialFileFactory;
import org.apache.activemq.artemis.core.server.JournalType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the quick start says at its start: the journal it uses. */
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
}
