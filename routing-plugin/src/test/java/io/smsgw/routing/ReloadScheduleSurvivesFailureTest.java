package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.runtime.GatewayRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload of a changed file that fails part way with an unexpected exception (here the step after the links throws)
 * is logged at ERROR and does not end the watching: the next change of the file is applied. Before, the exception
 * escaped the scheduled check, which the scheduler then never ran again.
 */
class ReloadScheduleSurvivesFailureTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private static String config(String account) {
      return "gateway { code = \"001001\" }\naccounts { " + account + " { password = \"pw\", protocols = [SMPP] } }\n";
   }

   @Test
   void theNextChangeIsAppliedAfterAReloadThatThrew() throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, config("first"));
      System.setProperty("smsgw.config", file.toString());
      GatewayRuntime runtime = GatewayRuntime.of(new Object());
      runtime.configure(GatewayConfigLoader.load(file));
      SmsRouter router = new SmsRouter("reload-schedule-test", runtime);
      AtomicInteger applied = new AtomicInteger();
      ConfigReloader reloader = new ConfigReloader(runtime, router, config -> { }, (previous, config) -> {
         if (applied.incrementAndGet() == 1) {
            throw new IllegalStateException("a failure nobody expected");
         }
      });
      ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
      try (LogCapture log = LogCapture.start()) {
         reloader.start(scheduler, 50);
         Files.writeString(file, config("second"));
         Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
         Wait.until("the first reload ran", Duration.ofSeconds(10), () -> applied.get() == 1);

         Files.writeString(file, config("third"));
         Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 20_000));
         Wait.until("the next change applied", Duration.ofSeconds(10), () -> applied.get() == 2);
         assertEquals("third", runtime.config().accounts().all().get(0).id());
         assertEquals(1, log.count("ERROR", "the reload failed part way"), "the failure logged at ERROR: " + log.lines("ERROR"));
      } finally {
         reloader.stop();
         scheduler.shutdownNow();
      }
   }
}
