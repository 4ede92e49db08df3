package io.smsgw.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A broker instance created from the stock Apache Artemis distribution, set up the way the
 * broker-config README tells an admin to: plugin jars in {@code <instance>/lib}, broker.xml and
 * sms-gateway.conf in {@code <instance>/etc}. Ports are moved to free ones on the loopback interface,
 * and the SMSC link {@code sim} to the port of the simulator the test runs.
 */
@SuppressWarnings("try") // close() may throw InterruptedException: it waits for the broker to exit
final class StockBroker implements AutoCloseable {

   private static final String CORE_URL_IN_CONFIG = "tcp://127.0.0.1:61616?";
   private static final String SMPP_URL_IN_CONFIG = "tcp://0.0.0.0:2775?";
   private static final String CMPP_URL_IN_CONFIG = "tcp://0.0.0.0:7890?";
   private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);
   private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
   private static final long POLL_MILLIS = 100;
   /** "AMQ221020: Started EPOLL Acceptor at 127.0.0.1:nnnn for protocols [SMPP]", and the same for CMPP. */
   private static final Predicate<String> SMPP_ACCEPTOR_STARTED = line -> line.contains("AMQ221020") && line.contains("[SMPP]");
   private static final Predicate<String> CMPP_ACCEPTOR_STARTED = line -> line.contains("AMQ221020") && line.contains("[CMPP]");
   /** "AMQ221007: Server is now active", logged after every acceptor has been started. */
   private static final Predicate<String> SERVER_ACTIVE = line -> line.contains("AMQ221007");

   private final Path instance;
   private final Path log;
   private final int corePort;
   private final int smppPort;
   private final int cmppPort;
   private Process process;

   private StockBroker(Path instance, Path log, int corePort, int smppPort, int cmppPort) {
      this.instance = instance;
      this.log = log;
      this.corePort = corePort;
      this.smppPort = smppPort;
      this.cmppPort = cmppPort;
   }

   /**
    * Creates a fresh instance under {@code workDir} with {@code bin/artemis create} and installs the
    * gateway into it, its link {@code sim} pointed at 127.0.0.1:{@code simulatorPort}.
    */
   static StockBroker create(Path home, Path workDir, Path pluginsDir, Path etcDir, int simulatorPort)
      throws IOException, InterruptedException {
      Path instance = workDir.resolve("instance");
      deleteRecursively(instance);
      Files.createDirectories(workDir);
      Path createLog = workDir.resolve("create.log");
      Process create = newProcess(home.resolve("bin").resolve("artemis").toString(), "create", instance.toString(),
                                  "--user", "admin", "--password", "admin", "--allow-anonymous", "--silent",
                                  "--no-web", "--nio", "--no-autotune", "--java-memory", "512M")
         .redirectOutput(createLog.toFile())
         .start();
      if (!create.waitFor(CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
         create.destroyForcibly();
         throw new IllegalStateException("artemis create did not finish within " + CREATE_TIMEOUT);
      }
      if (create.exitValue() != 0) {
         throw new IllegalStateException("artemis create failed:\n" + Files.readString(createLog));
      }

      StockBroker broker = new StockBroker(instance, workDir.resolve("broker.log"), freePort(), freePort(), freePort());
      broker.installPlugins(pluginsDir);
      broker.installConfiguration(etcDir, simulatorPort);
      return broker;
   }

   /** Runs {@code bin/artemis run} and waits until the SMPP and CMPP acceptors have started and accept connections. */
   void start(Duration timeout) throws IOException, InterruptedException {
      process = newProcess(instance.resolve("bin").resolve("artemis").toString(), "run")
         .redirectOutput(log.toFile())
         .start();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!(logContains(SMPP_ACCEPTOR_STARTED) && logContains(CMPP_ACCEPTOR_STARTED)
               && accepts(smppPort) && accepts(cmppPort) && accepts(corePort))) {
         if (!process.isAlive()) {
            throw new IllegalStateException("The broker exited with status " + process.exitValue());
         }
         if (logContains(SERVER_ACTIVE) && !(logContains(SMPP_ACCEPTOR_STARTED) && logContains(CMPP_ACCEPTOR_STARTED))) {
            throw new IllegalStateException("The broker is active but did not start both the SMPP and the CMPP acceptor"
                                               + " (plugin jars not loaded?)");
         }
         if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("No started SMPP and CMPP acceptors within " + timeout);
         }
         // Waiting on the process doubles as the pause between polls and notices an early exit.
         process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
      }
   }

   /** Waits until the broker logs a line that contains {@code text}. */
   void awaitLogLine(String text, Duration timeout) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!logContains(line -> line.contains(text))) {
         if (!process.isAlive()) {
            throw new IllegalStateException("The broker exited with status " + process.exitValue());
         }
         if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("The broker did not log \"" + text + "\" within " + timeout);
         }
         process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
      }
   }

   int corePort() {
      return corePort;
   }

   int smppPort() {
      return smppPort;
   }

   int cmppPort() {
      return cmppPort;
   }

   Path logFile() {
      return log;
   }

   /** Everything the broker printed so far. */
   String log() {
      try {
         return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no broker log at " + log + ")";
      } catch (IOException e) {
         return "(broker log unreadable: " + e + ")";
      }
   }

   /** Stops the broker the way an init system would (SIGTERM), forcibly if it does not exit in time. */
   @Override
   public void close() throws InterruptedException {
      if (process == null || !process.isAlive()) {
         return;
      }
      process.destroy();
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
         process.destroyForcibly();
         process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
   }

   private void installPlugins(Path pluginsDir) throws IOException {
      Path lib = instance.resolve("lib");
      Files.createDirectories(lib);
      List<Path> jars = new ArrayList<>();
      try (DirectoryStream<Path> found = Files.newDirectoryStream(pluginsDir, "*.jar")) {
         found.forEach(jars::add);
      }
      if (jars.isEmpty()) {
         throw new IllegalStateException("No plugin jars in " + pluginsDir);
      }
      for (Path jar : jars) {
         Files.copy(jar, lib.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
   }

   private void installConfiguration(Path etcDir, int simulatorPort) throws IOException {
      Path etc = instance.resolve("etc");
      String brokerXml = Files.readString(etcDir.resolve("broker.xml"), StandardCharsets.UTF_8);
      brokerXml = replaceOnce(brokerXml, CORE_URL_IN_CONFIG, "tcp://127.0.0.1:" + corePort + "?");
      brokerXml = replaceOnce(brokerXml, SMPP_URL_IN_CONFIG, "tcp://127.0.0.1:" + smppPort + "?");
      brokerXml = replaceOnce(brokerXml, CMPP_URL_IN_CONFIG, "tcp://127.0.0.1:" + cmppPort + "?");
      Files.writeString(etc.resolve("broker.xml"), brokerXml, StandardCharsets.UTF_8);
      // A later setting of the same key wins in HOCON, so the shipped file stays as it is above the line.
      String gatewayConf = Files.readString(etcDir.resolve("sms-gateway.conf"), StandardCharsets.UTF_8)
         + "\n# Added by the integration test: the simulator it runs listens here.\nlinks.sim.port = " + simulatorPort + "\n";
      Files.writeString(etc.resolve("sms-gateway.conf"), gatewayConf, StandardCharsets.UTF_8);
   }

   private boolean logContains(Predicate<String> linePredicate) throws IOException {
      if (!Files.exists(log)) {
         return false;
      }
      try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
         return lines.anyMatch(linePredicate);
      } catch (UncheckedIOException e) {
         return false; // a line cut in the middle of a multi-byte character; read again on the next poll
      }
   }

   private static ProcessBuilder newProcess(String... command) {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      // Run the broker on the JDK that runs the tests.
      builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
      builder.environment().remove("JAVA_ARGS");
      return builder;
   }

   private static String replaceOnce(String text, String target, String replacement) {
      int at = text.indexOf(target);
      if (at < 0 || text.indexOf(target, at + 1) >= 0) {
         throw new IllegalStateException("broker.xml must contain exactly one " + target);
      }
      return text.replace(target, replacement);
   }

   private static boolean accepts(int port) {
      try (Socket socket = new Socket()) {
         socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
         return true;
      } catch (IOException e) {
         return false;
      }
   }

   private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0)) {
         return socket.getLocalPort();
      }
   }

   private static void deleteRecursively(Path dir) throws IOException {
      if (!Files.exists(dir)) {
         return;
      }
      try (Stream<Path> paths = Files.walk(dir)) {
         for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
         }
      }
   }
}
