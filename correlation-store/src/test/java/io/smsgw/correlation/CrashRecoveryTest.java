package io.smsgw.correlation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 right after puts completed: every completed put is there after reopening. */
class CrashRecoveryTest {

   private static final int ACKED = 20_000;

   @TempDir
   Path dir;

   @Test
   void completedWritesSurviveAKilledProcess() throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
            CrashChild.class.getName(), dir.toString(), Integer.toString(ACKED))
            .redirectErrorStream(true)
            .start();
      try {
         BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
         CompletableFuture<String> durable = CompletableFuture.supplyAsync(() -> {
            try {
               StringBuilder seen = new StringBuilder();
               for (String line; (line = output.readLine()) != null; ) {
                  if (line.startsWith("DURABLE")) {
                     return line;
                  }
                  seen.append(line).append('\n');
               }
               return "child ended without DURABLE:\n" + seen;
            } catch (Exception e) {
               return e.toString();
            }
         });
         assertEquals("DURABLE " + ACKED, durable.get(120, TimeUnit.SECONDS));
      } finally {
         child.destroyForcibly();
         assertTrue(child.waitFor(60, TimeUnit.SECONDS));
      }
      assertEquals(137, child.exitValue(), "killed by SIGKILL");

      try (RocksDbCorrelationStore store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(dir).build())) {
         for (int i = 1; i < ACKED; i++) {
            Optional<CorrelationRecord> found = store.get("link", "acked" + i).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(Optional.of(TestRecords.full("link", "acked" + i, Long.MAX_VALUE / 2)), found, "acked" + i);
         }
         assertEquals(Optional.empty(), store.get("link", "acked0").toCompletableFuture().get(30, TimeUnit.SECONDS),
               "the completed remove survives too");
         assertTrue(store.size() >= ACKED - 1, "size counts at least the acknowledged records: " + store.size());
      }
   }
}
