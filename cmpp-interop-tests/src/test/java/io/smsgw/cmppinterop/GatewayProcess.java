package io.smsgw.cmppinterop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The quick-start gateway ({@code io.smsgw.examples.QuickStartGateway}) in a JVM of its own, with the
 * examples module's class path: SMSGate's Netty 4.1.86 and other dependencies never meet the broker.
 * Ports and the data folder are chosen once and kept across restarts, as for a real deployment.
 */
@SuppressWarnings("try") // close() may throw InterruptedException: it waits for the child to exit
final class GatewayProcess implements AutoCloseable {

   private static final String MAIN_CLASS = "io.smsgw.examples.QuickStartGateway";
   /** Logged by QuickStartGateway once the broker is active with every acceptor started. */
   private static final String RUNNING = "SMS gateway is running";
   private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
   private static final long POLL_MILLIS = 50;

   private final List<String> command;
   private final Path log;
   private final int corePort;
   private final int cmppPort;
   private volatile Process process;
   /** Log length when the current child started: readiness is judged on its own lines only. */
   private long logOffset;

   private GatewayProcess(List<String> command, Path log, int corePort, int cmppPort) {
      this.command = command;
      this.log = log;
      this.corePort = corePort;
      this.cmppPort = cmppPort;
   }

   /**
    * A gateway with the configuration in {@code etcDir}, its data and log under {@code workDir}
    * (emptied first), on free loopback ports. Not started yet.
    */
   static GatewayProcess create(Path workDir, Path etcDir) throws IOException {
      return create(workDir, etcDir, Map.of());
   }

   /**
    * As {@link #create(Path, Path)}, with more system properties for the child, e.g. the bundled SMSC
    * simulator's settings ({@code smsgw.simulator.*}).
    */
   static GatewayProcess create(Path workDir, Path etcDir, Map<String, String> systemProperties) throws IOException {
      List<Path> classPath = new ArrayList<>();
      classPath.add(Path.of(requiredProperty("smsgw.gateway.classes")));
      Path classPathFile = Path.of(requiredProperty("smsgw.gateway.classpath.file"));
      for (String entry : Files.readString(classPathFile, StandardCharsets.UTF_8).trim().split(java.io.File.pathSeparator)) {
         classPath.add(Path.of(entry));
      }
      for (Path entry : classPath) {
         if (!Files.exists(entry)) {
            throw new IllegalStateException(entry + " is missing: build the examples module first (mvn verify from the root)");
         }
      }
      Path data = workDir.resolve("data");
      deleteRecursively(data);
      Files.createDirectories(workDir);

      int corePort = freePort();
      int cmppPort = freePort();
      List<String> command = new ArrayList<>(List.of(
         Path.of(System.getProperty("java.home"), "bin", "java").toString(),
         "-Xmx384m",
         "-Dsmsgw.etc=" + etcDir.toAbsolutePath(),
         "-Dsmsgw.data=" + data.toAbsolutePath(),
         "-Dsmsgw.core.port=" + corePort,
         "-Dsmsgw.smpp.port=" + freePort(),
         "-Dsmsgw.cmpp.port=" + cmppPort));
      systemProperties.forEach((name, value) -> command.add("-D" + name + "=" + value));
      command.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()),
                             MAIN_CLASS));
      Path log = workDir.resolve("gateway.log");
      Files.deleteIfExists(log);
      GatewayProcess gateway = new GatewayProcess(List.copyOf(command), log, corePort, cmppPort);
      // A test JVM that ends early must not leave a gateway running.
      Runtime.getRuntime().addShutdownHook(new Thread(gateway::destroyNow, "kill-child-gateway"));
      return gateway;
   }

   /** Starts the child and returns once it reports itself running and both ports accept connections. */
   void start(Duration timeout) throws IOException, InterruptedException {
      logOffset = Files.exists(log) ? Files.size(log) : 0;
      process = new ProcessBuilder(command)
         .redirectErrorStream(true)
         .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
         .start();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!(ownLog().contains(RUNNING) && accepts(cmppPort) && accepts(corePort))) {
         if (!process.isAlive()) {
            throw new IllegalStateException("The gateway exited with status " + process.exitValue() + ":\n" + ownLog());
         }
         if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("The gateway was not running within " + timeout + ":\n" + ownLog());
         }
         // Waiting on the process doubles as the pause between polls and notices an early exit.
         process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
      }
   }

   /** Kills the child without warning (SIGKILL): no shutdown hook runs, the broker keeps only what its journal holds. */
   void kill() throws InterruptedException {
      if (process != null && process.isAlive()) {
         process.destroyForcibly();
         if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("The gateway did not die within " + STOP_TIMEOUT);
         }
      }
   }

   private void destroyNow() {
      Process child = process;
      if (child != null) {
         child.destroyForcibly();
      }
   }

   int corePort() {
      return corePort;
   }

   int cmppPort() {
      return cmppPort;
   }

   /** URL of the gateway's CORE acceptor for the Artemis JMS client. */
   String coreUrl() {
      return "tcp://127.0.0.1:" + corePort;
   }

   Path logFile() {
      return log;
   }

   /** Stops the child the way an init system would (SIGTERM), forcibly if it does not exit in time. */
   @Override
   public void close() throws InterruptedException {
      if (process == null || !process.isAlive()) {
         return;
      }
      process.destroy();
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
         kill();
      }
   }

   /** What the current child has logged so far. */
   private String ownLog() {
      try {
         if (!Files.exists(log)) {
            return "";
         }
         byte[] all = Files.readAllBytes(log);
         int from = (int) Math.min(logOffset, all.length);
         return new String(all, from, all.length - from, StandardCharsets.UTF_8);
      } catch (IOException e) {
         throw new UncheckedIOException(e);
      }
   }

   private static boolean accepts(int port) {
      try (Socket socket = new Socket()) {
         socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
         return true;
      } catch (IOException e) {
         return false;
      }
   }

   static int freePort() throws IOException {
      return io.smsgw.broker.testing.FreePorts.pick(); // below the ephemeral range, never twice in this JVM
   }

   private static void deleteRecursively(Path dir) throws IOException {
      if (!Files.exists(dir)) {
         return;
      }
      try (var paths = Files.walk(dir)) {
         for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(path);
         }
      }
   }

   /** A JUnit watcher that prints the tail of the gateway's log next to a failing test. */
   static TestWatcher logOnFailure(Supplier<GatewayProcess> gateway) {
      return new TestWatcher() {
         @Override
         public void testFailed(ExtensionContext context, Throwable cause) {
            GatewayProcess process = gateway.get();
            if (process != null) {
               System.out.println("Gateway log: " + process.logFile() + "\n" + tail(process.logFile(), 60));
            }
         }
      };
   }

   /** A system property the Maven build sets for the tests. */
   static String requiredProperty(String name) {
      String value = System.getProperty(name);
      if (value == null) {
         throw new IllegalStateException("System property " + name + " is not set (run through mvn verify)");
      }
      return value;
   }

   private static String tail(Path file, int lines) {
      try {
         List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
         return String.join("\n", new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size())));
      } catch (IOException e) {
         return "(unreadable: " + e + ")";
      }
   }
}
