package io.smsgw.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import io.smsgw.core.config.GatewayConfigLocator;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole gateway in one JVM: an embedded Artemis broker started from
 * {@code broker-config/etc/broker.xml}, with the SMPP and CMPP acceptors and the accounts of
 * {@code sms-gateway.conf} from the same folder, and a persistent journal.
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
   /** Acceptor names in broker.xml. */
   public static final String CORE_ACCEPTOR = "artemis";
   public static final String SMPP_ACCEPTOR = "smpp";
   public static final String CMPP_ACCEPTOR = "cmpp";

   /** Port value meaning "keep the port written in broker.xml". */
   public static final int CONFIGURED_PORT = -1;

   private static final Logger LOG = LoggerFactory.getLogger(QuickStartGateway.class);
   /** Protocols whose plugin jars must be on the class path. */
   private static final List<String> PLUGIN_PROTOCOLS = List.of("SMPP", "CMPP");

   private final EmbeddedActiveMQ broker;
   private final CountDownLatch stopped = new CountDownLatch(1);

   private QuickStartGateway(EmbeddedActiveMQ broker) {
      this.broker = broker;
   }

   /**
    * Where the gateway reads its configuration and keeps its data, and which ports it listens on.
    *
    * @param etcDir   folder with broker.xml and sms-gateway.conf
    * @param dataDir  folder for the broker's persistent data
    * @param corePort application acceptor port, 0 for a free one, {@link #CONFIGURED_PORT} for broker.xml's
    * @param smppPort SMPP acceptor port, 0 for a free one, {@link #CONFIGURED_PORT} for broker.xml's
    * @param cmppPort CMPP acceptor port, 0 for a free one, {@link #CONFIGURED_PORT} for broker.xml's
    */
   public record Settings(Path etcDir, Path dataDir, int corePort, int smppPort, int cmppPort) {

      /**
       * Settings from system properties, falling back to {@code broker-config/etc} (looked up from
       * the working directory and its parent), {@code ./data} and the ports in broker.xml. A first
       * argument, if given, is the data folder.
       */
      public static Settings fromSystemProperties(String... args) {
         Path data = Path.of(args.length > 0 ? args[0] : System.getProperty(DATA_PROPERTY, "data"));
         return new Settings(locateEtc(), data,
                             Integer.getInteger(CORE_PORT_PROPERTY, CONFIGURED_PORT),
                             Integer.getInteger(SMPP_PORT_PROPERTY, CONFIGURED_PORT),
                             Integer.getInteger(CMPP_PORT_PROPERTY, CONFIGURED_PORT));
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

   /** Starts the broker and returns once every acceptor listens. */
   public static QuickStartGateway start(Settings settings) throws Exception {
      Path etc = settings.etcDir().toAbsolutePath().normalize();
      Path brokerXml = etc.resolve("broker.xml");
      if (!Files.isRegularFile(brokerXml)) {
         throw new IllegalStateException("No broker.xml in " + etc);
      }
      requirePlugins();
      // The plugins look the accounts up through this property; an explicit setting wins.
      if (System.getProperty(GatewayConfigLocator.PATH_PROPERTY) == null) {
         System.setProperty(GatewayConfigLocator.PATH_PROPERTY, etc.resolve("sms-gateway.conf").toString());
      }

      EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfigResourcePath(brokerXml.toUri().toString());
      broker.createActiveMQServer();
      Configuration config = broker.getConfiguration();
      useDataDirectory(config, settings.dataDir().toAbsolutePath().normalize());
      overridePort(config, CORE_ACCEPTOR, settings.corePort());
      overridePort(config, SMPP_ACCEPTOR, settings.smppPort());
      overridePort(config, CMPP_ACCEPTOR, settings.cmppPort());

      broker.getActiveMQServer().start();
      QuickStartGateway gateway = new QuickStartGateway(broker);
      if (!gateway.server().isActive()) {
         gateway.close();
         throw new IllegalStateException("The broker did not become active; see the log above");
      }
      return gateway;
   }

   public static void main(String[] args) throws Exception {
      Settings settings = Settings.fromSystemProperties(args);
      QuickStartGateway gateway = start(settings);
      Runtime.getRuntime().addShutdownHook(new Thread(gateway::closeQuietly, "smsgw-shutdown"));
      LOG.info("SMS gateway is running. SMPP: port {} (try smppclient1/password). CMPP: port {} (try SP 901234/secret). "
                  + "Applications (Artemis JMS / CORE): port {}. Configuration: {}. Data: {}. Press Ctrl-C to stop.",
               gateway.smppPort(), gateway.cmppPort(), gateway.corePort(), settings.etcDir().toAbsolutePath().normalize(),
               settings.dataDir().toAbsolutePath().normalize());
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

   /** Blocks until {@link #close()} has stopped the broker. */
   public void awaitStop() throws InterruptedException {
      stopped.await();
   }

   @Override
   public void close() throws Exception {
      try {
         broker.stop();
      } finally {
         stopped.countDown();
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

   /**
    * Without its plugin jar the SMPP or CMPP acceptor would silently accept every protocol (Artemis
    * enables all of them when none of the listed names is known), so refuse to start instead.
    */
   private static void requirePlugins() {
      Set<String> missing = new LinkedHashSet<>(PLUGIN_PROTOCOLS);
      for (ProtocolManagerFactory<?> factory : ServiceLoader.load(ProtocolManagerFactory.class)) {
         Arrays.asList(factory.getProtocols()).forEach(missing::remove);
      }
      if (!missing.isEmpty()) {
         throw new IllegalStateException("No protocol plugin on the class path for " + missing
                                            + " (artemis-smpp-protocol, artemis-cmpp-protocol)");
      }
   }

   private static void useDataDirectory(Configuration config, Path data) {
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
      Set<TransportConfiguration> acceptors = new LinkedHashSet<>();
      boolean found = false;
      for (TransportConfiguration acceptor : config.getAcceptorConfigurations()) {
         if (acceptorName.equals(acceptor.getName())) {
            Map<String, Object> params = new HashMap<>(acceptor.getParams());
            params.put(TransportConstants.PORT_PROP_NAME, port);
            acceptor = new TransportConfiguration(acceptor.getFactoryClassName(), params, acceptor.getName(), acceptor.getExtraParams());
            found = true;
         }
         acceptors.add(acceptor);
      }
      if (!found) {
         throw new IllegalStateException("broker.xml has no acceptor named " + acceptorName);
      }
      config.setAcceptorConfigurations(acceptors);
   }
}
