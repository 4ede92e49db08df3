package io.smsgw.examples.multigateway;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import io.smsgw.examples.JmxRemote;
import io.smsgw.examples.QuickStartGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The multi-gateway example: {@link MultiGatewayTopology} on the fixed ports of {@link TopologyPorts#example()},
 * with a small console on standard input ({@link ExampleConsole}). Start it from the repository root with
 * {@code mvn -Pmulti-gateway -DskipTests install}; the walk-through is in {@code examples/multi-gateway/README.md}.
 */
public final class MultiGatewayExample {

   /** System property: the folder for the gateways' rendered configuration and data. */
   public static final String WORK_PROPERTY = "smsgw.multigateway.work";
   /** How long the start waits for the carrier SMSC links to bind before saying so. */
   private static final Duration LINKS_TIMEOUT = Duration.ofSeconds(30);
   private static final Duration RECEIPT_DELAY = Duration.ofMillis(500);
   private static final Logger LOG = LoggerFactory.getLogger(MultiGatewayExample.class);

   private MultiGatewayExample() {
   }

   public static void main(String[] args) throws Exception {
      Path work = Path.of(System.getProperty(WORK_PROPERTY, "multi-gateway-data"));
      // The five brokers' beans (FWD links, route caches, the tandem, ...) share this JVM's MBeanServer.
      JmxRemote jmx = JmxRemote.start(QuickStartGateway.portProperty(JmxRemote.PORT_PROPERTY, JmxRemote.DEFAULT_PORT));
      MultiGatewayTopology topology;
      try {
         topology = MultiGatewayTopology.start(new MultiGatewayTopology.Settings(work, TopologyPorts.example(), RECEIPT_DELAY));
      } catch (Exception | Error e) {
         jmx.close();
         throw e;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
         try {
            LOG.info("Stopping the five gateways");
            topology.close();
         } catch (Exception e) {
            LOG.warn("Stopping failed", e);
         } finally {
            QuickStartGateway.closeQuietly(jmx);
            stopped.countDown();
         }
      }, "multi-gateway-shutdown"));
      awaitCarrierLinks(topology);
      LOG.info("Multi-gateway example is running:{}{}Management beans of all five: jconsole 127.0.0.1:{} (JMX {}){}{}",
               System.lineSeparator(), topology.describe(), jmx.port(), jmx.url(), System.lineSeparator(), ExampleConsole.HELP);
      ExampleConsole console = new ExampleConsole(topology);
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
         String answer = console.handle(line);
         if (!answer.isEmpty()) {
            System.out.println(answer);
         }
      }
      // No terminal (or it was closed): keep running until Ctrl-C.
      stopped.await();
   }

   /** So the table is printed when MO can be injected; the links keep trying if they are late. */
   private static void awaitCarrierLinks(MultiGatewayTopology topology) throws InterruptedException {
      long deadline = System.nanoTime() + LINKS_TIMEOUT.toNanos();
      while (!topology.carrierLinksBound()) {
         if (System.nanoTime() > deadline) {
            LOG.warn("Not every carrier SMSC link is bound after {} s; see the log above", LINKS_TIMEOUT.toSeconds());
            return;
         }
         Thread.sleep(50); // a poll interval
      }
   }
}
