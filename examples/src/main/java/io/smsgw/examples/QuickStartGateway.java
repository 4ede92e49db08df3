package io.smsgw.examples;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

import javax.management.MBeanServer;

import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.config.GatewayConfigLocator;
import io.smsgw.core.config.SmscLinkConfig;
import io.smsgw.simulator.SmscSimulator;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.config.impl.LegacyJMSConfiguration;
import org.apache.activemq.artemis.core.deployers.Deployable;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.io.aio.AIOSequentialFileFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManagerFactory;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The whole gateway in one JVM: an embedded Artemis broker started from
 * {@code broker-config/etc/broker.xml}, with the SMPP and CMPP acceptors, the routing plugin and the
 * accounts, links and routes of {@code sms-gateway.conf} from the same folder, a persistent journal,
 * and the bundled SMSC simulator behind the link {@code sim}, so a submit comes back as a receipt.
 *
 * <p>The simulator is started before the broker when the configuration has a link named {@code sim}:
 * with that link's system-id and password, on its host and port (or on {@value #SIMULATOR_PORT_PROPERTY};
 * the link is then pointed there through a generated configuration in the data folder that includes the
 * real one). It is stopped after the broker.
 *
 * <p>Run it with {@code mvn -Pgateway -DskipTests install} from the repository root; stop it with
 * Ctrl-C. Tests start it with {@link #start(Settings)} on free ports.
 */
@SuppressWarnings("try") // close() may throw InterruptedException: stopping the broker waits
public final class QuickStartGateway implements AutoCloseable {

   /** System property: the folder holding broker.xml and sms-gateway.conf. */
   public static final String ETC_PROPERTY = "smsgw.etc";
   /** System property: the folder for the journal, bindings, paging and large messages. */
   public static final String DATA_PROPERTY = "smsgw.data";
   /** System property: port of the application acceptor (CORE, AMQP, ...), 0 for any free port. */
   public static final String CORE_PORT_PROPERTY = "smsgw.core.port";
   /** System property: port of the SMPP acceptor, 0 for any free port. */
   public static final String SMPP_PORT_PROPERTY = "smsgw.smpp.port";
   /** System property: port of the CMPP acceptor, 0 for any free port. */
   public static final String CMPP_PORT_PROPERTY = "smsgw.cmpp.port";
   /** System property: port of the bundled SMSC simulator, 0 for any free port; default: the port of link sim. */
   public static final String SIMULATOR_PORT_PROPERTY = "smsgw.simulator.port";
   /** System property: milliseconds from the simulator's submit_sm_resp to its receipt. */
   public static final String SIMULATOR_RECEIPT_DELAY_PROPERTY = "smsgw.simulator.receipt-delay-ms";
   /** System property: share of the simulator's receipts that report DELIVRD (the rest UNDELIV), 0..1. */
   public static final String SIMULATOR_SUCCESS_RATIO_PROPERTY = "smsgw.simulator.success-ratio";
   /** Acceptor names in broker.xml. */
   public static final String CORE_ACCEPTOR = "artemis";
   public static final String SMPP_ACCEPTOR = "smpp";
   public static final String CMPP_ACCEPTOR = "cmpp";

   /** Port value meaning "keep the port written in broker.xml". */
   public static final int CONFIGURED_PORT = -1;

   private static final Logger LOG = LoggerFactory.getLogger(QuickStartGateway.class);
   /** Protocols whose plugin jars must be on the class path. */
   private static final List<String> PLUGIN_PROTOCOLS = List.of("SMPP", "CMPP");
   /** The broker's own protocol, which every Artemis server has. */
   private static final String CORE_PROTOCOL = "CORE";

   private final EmbeddedActiveMQ broker;
   private final SmscSimulator simulator;
   private final ConfigProperty configProperty;
   private final CountDownLatch stopped = new CountDownLatch(1);

   private QuickStartGateway(EmbeddedActiveMQ broker, SmscSimulator simulator, ConfigProperty configProperty) {
      this.broker = broker;
      this.simulator = simulator;
      this.configProperty = configProperty;
   }

   /**
    * How the bundled SMSC simulator behaves.
    *
    * @param port                port to listen on: 0 for a free one, {@link #CONFIGURED_PORT} for link sim's
    * @param receiptDelay        time from submit_sm_resp to the receipt
    * @param receiptSuccessRatio share of receipts reporting DELIVRD, the rest UNDELIV (0..1)
    */
   public record SimulatorSettings(int port, Duration receiptDelay, double receiptSuccessRatio) {

      /** Link sim's port, receipts after 1 s, 9 in 10 delivered. */
      public static final SimulatorSettings DEFAULT = new SimulatorSettings(CONFIGURED_PORT, Duration.ofSeconds(1), 0.9);

      /** The defaults, overridden by the {@code smsgw.simulator.*} system properties that are set. */
      public static SimulatorSettings fromSystemProperties() {
         return new SimulatorSettings(portProperty(SIMULATOR_PORT_PROPERTY, DEFAULT.port()),
                                      Duration.ofMillis(longProperty(SIMULATOR_RECEIPT_DELAY_PROPERTY, DEFAULT.receiptDelay().toMillis())),
                                      ratioProperty(SIMULATOR_SUCCESS_RATIO_PROPERTY, DEFAULT.receiptSuccessRatio()));
      }
   }

   /**
    * Where the gateway reads its configuration and keeps its data, and which ports it listens on.
    *
    * @param etcDir   folder with broker.xml and sms-gateway.conf
    * @param dataDir  folder for the broker's persistent data
    * @param corePort application acceptor port, 0 for a free one, {@link #CONFIGURED_PORT} for broker.xml's
    * @param smppPort SMPP acceptor port, 0 for a free one, {@link #CONFIGURED_PORT} for broker.xml's
    * @param cmppPort CMPP acceptor port, 0 for a free one, {@link #CONFIGURED_PORT} for broker.xml's
    * @param simulator the bundled SMSC simulator's port and behaviour
    */
   public record Settings(Path etcDir, Path dataDir, int corePort, int smppPort, int cmppPort, SimulatorSettings simulator) {

      /** With the simulator's defaults ({@link SimulatorSettings#DEFAULT}). */
      public Settings(Path etcDir, Path dataDir, int corePort, int smppPort, int cmppPort) {
         this(etcDir, dataDir, corePort, smppPort, cmppPort, SimulatorSettings.DEFAULT);
      }

      /** An SMPP-only setup (the benchmarks' BenchGateway): the CMPP acceptor on a free port, the simulator's defaults. */
      public Settings(Path etcDir, Path dataDir, int corePort, int smppPort) {
         this(etcDir, dataDir, corePort, smppPort, 0);
      }

      /**
       * Settings from system properties, falling back to {@code broker-config/etc} (looked up from
       * the working directory and its parent), {@code ./data}, the ports in broker.xml and the
       * simulator's defaults. A first argument, if given, is the data folder.
       */
      public static Settings fromSystemProperties(String... args) {
         Path data = Path.of(args.length > 0 ? args[0] : System.getProperty(DATA_PROPERTY, "data"));
         return new Settings(locateEtc(), data,
                             portProperty(CORE_PORT_PROPERTY, CONFIGURED_PORT),
                             portProperty(SMPP_PORT_PROPERTY, CONFIGURED_PORT),
                             portProperty(CMPP_PORT_PROPERTY, CONFIGURED_PORT),
                             SimulatorSettings.fromSystemProperties());
      }

      private static Path locateEtc() {
         String configured = System.getProperty(ETC_PROPERTY);
         if (configured != null) {
            return Path.of(configured);
         }
         for (Path candidate : new Path[] {Path.of("broker-config", "etc"), Path.of("..", "broker-config", "etc")}) {
            if (Files.isRegularFile(candidate.resolve("broker.xml"))) {
               return candidate;
            }
         }
         throw new IllegalStateException("broker-config/etc not found; set -D" + ETC_PROPERTY + "=<folder with broker.xml>");
      }
   }

   /**
    * Starts the simulator (when the configuration has a link {@code sim}), then the broker, and returns
    * once every acceptor listens. The SMSC link binds shortly after, in the background.
    */
   public static QuickStartGateway start(Settings settings) throws Exception {
      return start(settings, null);
   }

   /**
    * Like {@link #start(Settings)}, with the broker's users and roles from {@code securityManager} (for a broker.xml
    * with security on); null keeps the embedded broker's default.
    */
   public static QuickStartGateway start(Settings settings, ActiveMQSecurityManager securityManager) throws Exception {
      Path etc = settings.etcDir().toAbsolutePath().normalize();
      Path brokerXml = etc.resolve("broker.xml");
      if (!Files.isRegularFile(brokerXml)) {
         throw new IllegalStateException("No broker.xml in " + etc);
      }
      requirePlugins();
      Path data = settings.dataDir().toAbsolutePath().normalize();
      // Reading it here reports a broken file before anything starts, and tells where the simulator must listen.
      Path configFile = configFile(etc, System.getProperty(GatewayConfigLocator.PATH_PROPERTY),
                                   System.getenv(GatewayConfigLocator.PATH_ENVIRONMENT_VARIABLE));
      LOG.info("Gateway configuration: {}", configFile);
      if (configFile.equals(etc.resolve(GatewayConfigLoader.FILE_NAME))) {
         ownerOnly(configFile);
      }
      GatewayConfig gatewayConfig = GatewayConfigLoader.load(configFile);

      SmscSimulator simulator = null;
      ConfigProperty configProperty = null;
      try {
         Optional<SmscLinkConfig> link = SimulatorLink.find(gatewayConfig);
         if (link.isPresent()) {
            SimulatorSettings sim = settings.simulator();
            simulator = SimulatorLink.start(link.get(), sim.port(), sim.receiptDelay(), sim.receiptSuccessRatio());
            if (simulator.port() != link.get().port()) {
               configFile = SimulatorLink.writeOverlay(configFile, simulator.port(), data);
            }
         } else {
            LOG.info("{} has no SMSC link \"{}\": the bundled SMSC simulator is not started", configFile, SimulatorLink.LINK);
         }
         // The plugins find the configuration through this property.
         configProperty = ConfigProperty.set(configFile);

         EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(readBrokerXml(brokerXml));
         if (securityManager != null) {
            broker.setSecurityManager(securityManager);
         }
         broker.createActiveMQServer();
         Configuration config = broker.getConfiguration();
         useDataDirectory(config, data);
         useAvailableProtocols(config);
         overridePort(config, CORE_ACCEPTOR, settings.corePort());
         overridePort(config, SMPP_ACCEPTOR, settings.smppPort());
         overridePort(config, CMPP_ACCEPTOR, settings.cmppPort());
         requireFreePorts(config);

         try {
            broker.getActiveMQServer().start();
            if (!broker.getActiveMQServer().isActive()) {
               throw new IllegalStateException("The broker did not become active; see the log above");
            }
         } catch (Exception | Error e) {
            broker.stop();
            throw e;
         }
         return new QuickStartGateway(broker, simulator, configProperty);
      } catch (Exception | Error e) {
         if (simulator != null) {
            simulator.close();
         }
         if (configProperty != null) {
            configProperty.restore();
         }
         throw e;
      }
   }

   /**
    * The checkout's own sms-gateway.conf (demo secrets) is made readable by its owner only, as the gateway's WARN for a
    * file other users may read asks (decision 181): a fresh clone checks it out readable by all, and the quick start
    * should not open with a warning about the repository's file. A file named by -Dsmsgw.config or SMSGW_CONFIG is the
    * operator's, and is left as it is (the WARN tells them).
    */
   static void ownerOnly(Path file) {
      try {
         java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
         if (permissions.removeIf(p -> p != java.nio.file.attribute.PosixFilePermission.OWNER_READ
                                       && p != java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)) {
            Files.setPosixFilePermissions(file, permissions);
            LOG.info("{} made readable by its owner only (chmod 600): it holds the demo accounts' passwords", file);
         }
      } catch (UnsupportedOperationException | java.io.IOException | SecurityException e) {
         // no POSIX permissions here (Windows), or not ours to change: the gateway's own check says what it sees
      }
   }

   /**
    * The gateway configuration file, looked up in the broker's order (README, "The gateway configuration file"):
    * {@code -Dsmsgw.config}, else the environment variable {@code SMSGW_CONFIG}, else {@code <etc>/sms-gateway.conf}.
    * An empty value counts as unset. The quick start then names the file in {@code smsgw.config} for the plugins.
    */
   static Path configFile(Path etc, String property, String environment) {
      if (property != null && !property.isBlank()) {
         return Path.of(property.trim());
      }
      if (environment != null && !environment.isBlank()) {
         return Path.of(environment.trim());
      }
      return etc.resolve(GatewayConfigLoader.FILE_NAME);
   }

   /** A port from a system property: 0 to 65535 (0 = any free port), the default when unset. */
   public static int portProperty(String name, int defaultValue) {
      return property(name, defaultValue, Integer::valueOf, port -> port >= 0 && port <= 65535,
                      "a port, 0 to 65535 (0 = any free port)");
   }

   private static long longProperty(String name, long defaultValue) {
      return property(name, defaultValue, Long::valueOf, value -> value >= 0, "milliseconds, 0 or more");
   }

   private static double ratioProperty(String name, double defaultValue) {
      return property(name, defaultValue, Double::valueOf, value -> value >= 0 && value <= 1,
                      "a share from 0 to 1 (0.9 = 9 in 10 DELIVRD)");
   }

   /** A system property read with {@code parse}, or its default when unset; a value it cannot take stops the start. */
   private static <T> T property(String name, T defaultValue, java.util.function.Function<String, T> parse,
                                 java.util.function.Predicate<T> valid, String expected) {
      String text = System.getProperty(name);
      if (text == null) {
         return defaultValue;
      }
      try {
         T value = parse.apply(text.trim());
         if (valid.test(value)) {
            return value;
         }
      } catch (NumberFormatException e) {
         // said below
      }
      throw new IllegalArgumentException("System property " + name + "=" + text + " is not valid: expected " + expected);
   }

   /**
    * broker.xml read as the embedded broker reads it, except that a journal-type ASYNCIO this JVM cannot use becomes
    * NIO with the quick start's own line. Artemis' parser makes that switch itself while reading the file and warns
    * (AMQ222018) to install libaio, which is usually installed: what is missing is Artemis' native library on
    * java.library.path. Its switch also came before {@link #useAvailableJournal} could see the ASYNCIO, so the quick
    * start's line never appeared. Here the file's journal-type is read, and replaced by NIO, before Artemis parses it.
    */
   public static Configuration readBrokerXml(Path brokerXml) throws Exception {
      FileConfiguration config = new FileConfiguration();
      BrokerXmlCore core = new BrokerXmlCore(config);
      FileDeploymentManager deployment = new FileDeploymentManager(brokerXml.toUri().toString());
      deployment.addDeployable(core).addDeployable(new LegacyJMSConfiguration(config));
      deployment.readConfiguration();
      if (core.aioUnavailable) {
         LOG.info(JOURNAL_NIO);
      }
      return config;
   }

   private static final String JOURNAL_NIO = "Journal: NIO. broker.xml asks for the AIO journal, which needs libaio and Artemis' "
      + "native library on java.library.path (the stock distribution's bin/artemis sets it); this JVM has not got both.";

   /** broker.xml's {@code <core>} for a {@link FileConfiguration}, with an ASYNCIO journal this JVM cannot use made NIO first. */
   private static final class BrokerXmlCore implements Deployable {
      private final FileConfiguration config;
      private boolean aioUnavailable;

      BrokerXmlCore(FileConfiguration config) {
         this.config = config;
      }

      @Override
      public void parse(Element core, URL url) throws Exception {
         NodeList types = core.getElementsByTagName("journal-type");
         // Absent, the broker's default: ASYNCIO.
         String type = types.getLength() == 0 ? config.getJournalType().name() : types.item(0).getTextContent().trim();
         if (JournalType.ASYNCIO.name().equals(type) && !AIOSequentialFileFactory.isSupported()) {
            aioUnavailable = true;
            if (types.getLength() == 0) {
               core.appendChild(core.getOwnerDocument().createElementNS(core.getNamespaceURI(), "journal-type"));
               types = core.getElementsByTagName("journal-type");
            }
            types.item(0).setTextContent(JournalType.NIO.name());
         }
         config.parse(core, url);
      }

      @Override
      public boolean isParsed() {
         return config.isParsed();
      }

      @Override
      public String getRootElement() {
         return config.getRootElement();
      }

      @Override
      public String getSchema() {
         return config.getSchema();
      }

      @Override
      public void buildService(ActiveMQSecurityManager securityManager, MBeanServer mBeanServer, Map<String, Deployable> deployables,
                               Map<String, ActiveMQComponent> components, ActivateCallback activateCallback) throws Exception {
         config.buildService(securityManager, mBeanServer, deployables, components, activateCallback);
      }
   }

   /**
    * broker.xml asks for the AIO journal. Where this JVM cannot load it (libaio missing, or Artemis' native library
    * not on {@code java.library.path}, as under {@code mvn exec:java}), use NIO and say why, instead of the
    * broker's warning to install libaio, which may well be installed.
    */
   static void useAvailableJournal(Configuration config) {
      if (config.getJournalType() == JournalType.ASYNCIO && !AIOSequentialFileFactory.isSupported()) {
         config.setJournalType(JournalType.NIO);
         LOG.info(JOURNAL_NIO);
      }
   }

   /**
    * broker.xml's application acceptor lists CORE, AMQP, STOMP, HORNETQ, MQTT and OPENWIRE, as the stock
    * distribution serves them. This JVM has only the protocol jars on its class path (CORE and the gateway's
    * plugins), so each acceptor keeps the protocols it can serve and one line says which it left out, instead
    * of the broker's warning per missing protocol. An acceptor none of whose protocols is here is left alone
    * ({@link #requirePlugins()} covers SMPP and CMPP).
    */
   static void useAvailableProtocols(Configuration config) {
      Set<String> available = availableProtocols();
      replaceAcceptors(config, acceptor -> withAvailableProtocols(acceptor, available));
   }

   private static TransportConfiguration withAvailableProtocols(TransportConfiguration acceptor, Set<String> available) {
      Object listed = acceptor.getParams().get(TransportConstants.PROTOCOLS_PROP_NAME);
      if (listed == null) {
         return acceptor;
      }
      // Split as the broker does (RemotingServiceImpl.locateProtocols): on commas, names as written.
      List<String> kept = new ArrayList<>();
      List<String> leftOut = new ArrayList<>();
      for (String protocol : listed.toString().split(",")) {
         (available.contains(protocol) ? kept : leftOut).add(protocol);
      }
      if (kept.isEmpty() || leftOut.isEmpty()) {
         return acceptor;
      }
      LOG.info("Acceptor {}: {} only. {} come with the stock Artemis distribution, which serves them with this broker.xml; "
                  + "this JVM has not got their protocol jars.", acceptor.getName(), String.join(", ", kept), String.join(", ", leftOut));
      return withParam(acceptor, TransportConstants.PROTOCOLS_PROP_NAME, String.join(",", kept));
   }

   public static void main(String[] args) throws Exception {
      Settings settings = Settings.fromSystemProperties(args);
      JmxRemote jmx = JmxRemote.start(portProperty(JmxRemote.PORT_PROPERTY, JmxRemote.DEFAULT_PORT));
      QuickStartGateway gateway;
      try {
         gateway = start(settings);
      } catch (Exception | Error e) {
         jmx.close();
         throw e;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
         gateway.closeQuietly();
         closeQuietly(jmx);
      }, "smsgw-shutdown"));
      String simulator = gateway.simulator()
         .map(sim -> "SMSC simulator (link sim): port " + sim.port() + ", receipts after " + sim.config().receiptDelay().toMillis()
                        + " ms, " + Math.round(sim.config().receiptSuccessRatio() * 100) + "% DELIVRD. ")
         .orElse("No SMSC simulator. ");
      LOG.info("SMS gateway is running. SMPP: port {} (try smppclient1/password). CMPP: port {} (try SP 901234/secret). "
                  + "Applications (Artemis JMS / CORE): port {}. Management beans: jconsole 127.0.0.1:{} (JMX {}). "
                  + "{}Configuration: {}. Data: {}. Press Ctrl-C to stop.",
               gateway.smppPort(), gateway.cmppPort(), gateway.corePort(), jmx.port(), jmx.url(), simulator,
               settings.etcDir().toAbsolutePath().normalize(), settings.dataDir().toAbsolutePath().normalize());
      gateway.awaitStop();
   }

   public ActiveMQServer server() {
      return broker.getActiveMQServer();
   }

   /** The port the SMPP acceptor actually listens on. */
   public int smppPort() {
      return server().getRemotingService().getAcceptor(SMPP_ACCEPTOR).getActualPort();
   }

   /** The port the CMPP acceptor actually listens on. */
   public int cmppPort() {
      return server().getRemotingService().getAcceptor(CMPP_ACCEPTOR).getActualPort();
   }

   /** The port the application acceptor (CORE, AMQP, ...) actually listens on. */
   public int corePort() {
      return server().getRemotingService().getAcceptor(CORE_ACCEPTOR).getActualPort();
   }

   /** The bundled SMSC simulator, when the configuration has a link {@code sim}. */
   public Optional<SmscSimulator> simulator() {
      return Optional.ofNullable(simulator);
   }

   /** Blocks until {@link #close()} has stopped the broker. */
   public void awaitStop() throws InterruptedException {
      stopped.await();
   }

   /** Stops the broker, then the simulator (so the link does not see its SMSC vanish first). */
   @Override
   public void close() throws Exception {
      try {
         broker.stop();
      } finally {
         try {
            if (simulator != null) {
               simulator.close();
            }
         } finally {
            configProperty.restore();
            stopped.countDown();
         }
      }
   }

   private void closeQuietly() {
      try {
         LOG.info("Stopping the SMS gateway");
         close();
      } catch (Exception e) {
         LOG.warn("Broker stop failed", e);
      }
   }

   /** Closes the remote JMX at the end of the JVM, saying so when that fails. Shared with the multi-gateway example. */
   public static void closeQuietly(JmxRemote jmx) {
      try {
         jmx.close();
      } catch (Exception e) {
         LOG.warn("Closing remote JMX failed", e);
      }
   }

   /**
    * Without its plugin jar the SMPP or CMPP acceptor would silently accept every protocol (Artemis
    * enables all of them when none of the listed names is known), so refuse to start instead. Shared with
    * the multi-gateway example.
    */
   public static void requirePlugins() {
      Set<String> missing = new LinkedHashSet<>(PLUGIN_PROTOCOLS);
      missing.removeAll(availableProtocols());
      if (!missing.isEmpty()) {
         throw new IllegalStateException("No protocol plugin on the class path for " + missing
                                            + " (artemis-smpp-protocol, artemis-cmpp-protocol)");
      }
   }

   /** The protocols a broker in this JVM can serve: CORE and those whose protocol jars are on the class path. */
   private static Set<String> availableProtocols() {
      Set<String> available = new LinkedHashSet<>();
      available.add(CORE_PROTOCOL); // built into the broker, not found through the service loader
      for (ProtocolManagerFactory<?> factory : ServiceLoader.load(ProtocolManagerFactory.class)) {
         available.addAll(Arrays.asList(factory.getProtocols()));
      }
      return available;
   }

   /**
    * Puts the broker instance and its journal, bindings, paging and large messages (and so the SMSC links'
    * correlation store) under {@code data}. Shared with the multi-gateway example.
    */
   public static void useDataDirectory(Configuration config, Path data) {
      config.setBrokerInstance(data.toFile());
      config.setJournalDirectory(data.resolve("journal").toString());
      config.setBindingsDirectory(data.resolve("bindings").toString());
      config.setPagingDirectory(data.resolve("paging").toString());
      config.setLargeMessagesDirectory(data.resolve("large-messages").toString());
   }

   private static void overridePort(Configuration config, String acceptorName, int port) {
      if (port == CONFIGURED_PORT) {
         return;
      }
      if (config.getAcceptorConfigurations().stream().noneMatch(acceptor -> acceptorName.equals(acceptor.getName()))) {
         throw new IllegalStateException("broker.xml has no acceptor named " + acceptorName);
      }
      replaceAcceptors(config, acceptor -> acceptorName.equals(acceptor.getName())
            ? withParam(acceptor, TransportConstants.PORT_PROP_NAME, port) : acceptor);
   }

   /**
    * Stops the start, naming the port and the system property that moves it, when another program (a quick start
    * already running) listens on one of the ports the quick start can move. The broker itself would only log that an
    * acceptor failed to start, and the start end in "did not become active". A probe: the port may still be taken
    * between it and the broker's bind, and then the broker's own message stands.
    */
   static void requireFreePorts(Configuration config) {
      String[][] movable = {{CORE_ACCEPTOR, CORE_PORT_PROPERTY}, {SMPP_ACCEPTOR, SMPP_PORT_PROPERTY}, {CMPP_ACCEPTOR, CMPP_PORT_PROPERTY}};
      for (TransportConfiguration acceptor : config.getAcceptorConfigurations()) {
         for (String[] named : movable) {
            if (!named[0].equals(acceptor.getName())) {
               continue;
            }
            Object host = acceptor.getParams().getOrDefault(TransportConstants.HOST_PROP_NAME, TransportConstants.DEFAULT_HOST);
            int port = Integer.parseInt(String.valueOf(acceptor.getParams().getOrDefault(TransportConstants.PORT_PROP_NAME,
                                                                                          TransportConstants.DEFAULT_PORT)));
            if (port == 0) {
               continue;
            }
            try (ServerSocket probe = new ServerSocket()) {
               probe.setReuseAddress(true); // as the broker's acceptors bind: a connection in TIME_WAIT does not count
               probe.bind(new InetSocketAddress(host.toString(), port));
            } catch (BindException e) {
               throw new IllegalStateException("The acceptor " + named[0] + " cannot listen on " + host + ":" + port + " ("
                                                  + e.getMessage() + ": another quick start or program uses the port?); choose "
                                                  + "another port with -D" + named[1] + "=<port> (0 = any free port)", e);
            } catch (IOException e) {
               // Not about the port being taken (an unknown host...): the broker says what it is.
            }
         }
      }
   }

   /** Sets the configuration's acceptors to {@code change} applied to each, in their order. */
   private static void replaceAcceptors(Configuration config, UnaryOperator<TransportConfiguration> change) {
      Set<TransportConfiguration> acceptors = new LinkedHashSet<>();
      for (TransportConfiguration acceptor : config.getAcceptorConfigurations()) {
         acceptors.add(change.apply(acceptor));
      }
      config.setAcceptorConfigurations(acceptors);
   }

   /** {@code acceptor} with one URL parameter set to {@code value}; the configuration's objects are not changed. */
   private static TransportConfiguration withParam(TransportConfiguration acceptor, String key, Object value) {
      Map<String, Object> params = new HashMap<>(acceptor.getParams());
      params.put(key, value);
      return new TransportConfiguration(acceptor.getFactoryClassName(), params, acceptor.getName(), acceptor.getExtraParams());
   }

   /** The system property {@code smsgw.config} as this gateway set it, and the value it replaced. */
   private record ConfigProperty(String previous) {

      static ConfigProperty set(Path file) {
         return new ConfigProperty(System.setProperty(GatewayConfigLocator.PATH_PROPERTY, file.toString()));
      }

      void restore() {
         if (previous == null) {
            System.clearProperty(GatewayConfigLocator.PATH_PROPERTY);
         } else {
            System.setProperty(GatewayConfigLocator.PATH_PROPERTY, previous);
         }
      }
   }
}
