package io.smsgw.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import com.typesafe.config.ConfigUtil;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.SmscLinkConfig;
import io.smsgw.simulator.SimulatorConfig;
import io.smsgw.simulator.SmscSimulator;

/**
 * The bundled SMSC simulator behind the quick start's SMSC link {@value #LINK}: it listens where the
 * link connects, accepts the link's own system-id and password, answers every submit_sm and sends the
 * receipts the submits ask for.
 */
final class SimulatorLink {

   /** The link of {@code sms-gateway.conf} the simulator serves. */
   static final String LINK = "sim";
   /** Name of the configuration written when the simulator listens elsewhere than the link's port. */
   static final String OVERLAY_FILE = "sms-gateway.quickstart.conf";

   private SimulatorLink() {
   }

   /** The link {@value #LINK} of {@code config}, if it has one. */
   static Optional<SmscLinkConfig> find(GatewayConfig config) {
      return config.links().stream().filter(link -> LINK.equals(link.id())).findFirst();
   }

   /**
    * Starts a simulator for {@code link}: on the link's host, on {@code port} (the link's own port when
    * {@link QuickStartGateway#CONFIGURED_PORT}, 0 for a free one).
    *
    * @throws IllegalStateException if the port is taken, naming the property that moves it
    */
   static SmscSimulator start(SmscLinkConfig link, int port, Duration receiptDelay, double receiptSuccessRatio) {
      int listenPort = port == QuickStartGateway.CONFIGURED_PORT ? link.port() : port;
      SimulatorConfig config = SimulatorConfig.builder()
         .host(link.host())
         .port(listenPort)
         .credential(link.systemId(), link.password())
         .receiptDelay(receiptDelay)
         .receiptSuccessRatio(receiptSuccessRatio)
         .build();
      try {
         return SmscSimulator.start(config);
      } catch (IllegalStateException e) {
         throw new IllegalStateException("The bundled SMSC simulator cannot listen on " + link.host() + ":" + listenPort
                                            + " (" + rootMessage(e) + ": another quick start or program uses the port?); choose "
                                            + "another port with -D" + QuickStartGateway.SIMULATOR_PORT_PROPERTY
                                            + "=<port> (0 = any free port)", e);
      }
   }

   /** The innermost cause's message (Netty's "Address already in use"). */
   static String rootMessage(Throwable e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
         root = root.getCause();
      }
      return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
   }

   /**
    * Writes {@value #OVERLAY_FILE} into {@code directory}: the configuration {@code base} (included, so
    * its messages keep naming it) with the link {@value #LINK} moved to {@code port}. The broker then
    * reloads on changes of this file, not of {@code base}.
    */
   static Path writeOverlay(Path base, int port, Path directory) throws IOException {
      Files.createDirectories(directory);
      Path overlay = directory.resolve(OVERLAY_FILE);
      String text = "# Written by QuickStartGateway at every start: " + base.getFileName()
                       + " with the SMSC link \"" + LINK + "\" moved to the simulator's port.\n"
                       + "include file(" + ConfigUtil.quoteString(base.toAbsolutePath().toString()) + ")\n"
                       + "links." + LINK + ".port = " + port + "\n";
      Files.writeString(overlay, text, StandardCharsets.UTF_8);
      return overlay;
   }
}
