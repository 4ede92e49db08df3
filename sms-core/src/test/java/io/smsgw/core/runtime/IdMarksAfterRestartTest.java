package io.smsgw.core.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.smsgw.core.config.GatewayConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker started again in the same JVM (shared-store failback: live, backup, live again) goes on after the marks
 * another run on the same data left, instead of from its own state in memory, and never writes a mark back below
 * theirs (decision 191: ids are never issued twice).
 */
class IdMarksAfterRestartTest {

   @TempDir
   Path dir;

   @Test
   void aBrokerStartedAgainInTheSameJvmGoesOnAfterTheMarkAnotherRunLeft() throws Exception {
      GatewayRuntime runtime = new GatewayRuntime();
      runtime.configure(GatewayConfigLoader.parse("gateway { code = \"001001\" }", "test"));
      ScheduledExecutorService firstStart = Executors.newSingleThreadScheduledExecutor();
      ScheduledExecutorService secondStart = Executors.newSingleThreadScheduledExecutor();
      try {
         runtime.persistIds(dir, firstStart);
         long before = runtime.nextMsgId();
         firstStart.shutdownNow();
         // meanwhile the other node was live on the same data, its clock an hour ahead of ours
         long othersMark = Instant.now().getEpochSecond() + 3600;
         Path mark = dir.resolve("msg-id.mark");
         Files.writeString(mark, Long.toString(othersMark));

         runtime.persistIds(dir, secondStart);
         long after = runtime.nextMsgId();
         assertTrue(after > before);
         long reserved = Long.parseLong(Files.readString(mark).trim());
         assertTrue(reserved > othersMark, "the restarted generator went on after the other run's mark (file: " + reserved
                                           + ", theirs: " + othersMark + ")");
      } finally {
         firstStart.shutdownNow();
         secondStart.shutdownNow();
      }
   }
}
