package io.smsgw.broker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.smsgw.core.contract.SmsAddresses;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * A real embedded broker with TCP acceptors on free ports: one for the protocol under test (SMPP or CMPP,
 * named after it in lower case) and CORE for the JMS clients that play the application side. Persistence is
 * on, under the given directory. Shared by the protocol modules' tests (test-jar of broker-common).
 */
public final class TestBroker implements AutoCloseable {

   private final EmbeddedActiveMQ embedded;
   private final Path dataDir;
   private final String protocol;
   private final String params;
   private java.util.function.Consumer<Configuration> customizer = cfg -> { };

   private TestBroker(EmbeddedActiveMQ embedded, Path dataDir, String protocol, String params) {
      this.embedded = embedded;
      this.dataDir = dataDir;
      this.protocol = protocol;
      this.params = params;
   }

   public static TestBroker smpp(Path dataDir, String acceptorParams) {
      return new TestBroker(new EmbeddedActiveMQ(), dataDir, "SMPP", acceptorParams);
   }

   public static TestBroker cmpp(Path dataDir, String acceptorParams) {
      return new TestBroker(new EmbeddedActiveMQ(), dataDir, "CMPP", acceptorParams);
   }

   /** Helpers over a broker somebody else started (e.g. artemis-junit's EmbeddedActiveMQExtension). */
   public static TestBroker wrap(EmbeddedActiveMQ started, String protocol) {
      return new TestBroker(started, null, protocol, null);
   }

   /** A fresh data directory, deleted when the JVM exits; for brokers configured in static initialisers. */
   public static Path tempDataDir() {
      try {
         Path dir = Files.createTempDirectory("sms-test-broker");
         dir.toFile().deleteOnExit();
         return dir;
      } catch (IOException e) {
         throw new UncheckedIOException(e);
      }
   }

   /** The configuration: persistence under dataDir, the protocol's acceptor with extra URL parameters, sms.mt. */
   public static Configuration configuration(Path dataDir, String protocol, String acceptorParams) {
      try {
         Configuration cfg = new ConfigurationImpl()
            .setPersistenceEnabled(true)
            .setSecurityEnabled(false)
            .setJMXManagementEnabled(false)
            .setJournalDirectory(dataDir.resolve("journal").toString())
            .setBindingsDirectory(dataDir.resolve("bindings").toString())
            .setPagingDirectory(dataDir.resolve("paging").toString())
            .setLargeMessagesDirectory(dataDir.resolve("large").toString())
            .setJournalType(JournalType.NIO)
            .addAcceptorConfiguration("core", "tcp://127.0.0.1:0?protocols=CORE")
            .addAcceptorConfiguration(protocol.toLowerCase(Locale.ROOT), "tcp://127.0.0.1:0?protocols=" + protocol + acceptorParams)
            .addQueueConfiguration(QueueConfiguration.of(SmsAddresses.MT).setAddress(SmsAddresses.MT).setRoutingType(RoutingType.ANYCAST))
            .addAddressSetting("sms.#", new AddressSettings().setMaxDeliveryAttempts(-1).setRedeliveryDelay(0));
         cfg.setName("test-broker");
         return cfg;
      } catch (Exception e) {
         throw new IllegalStateException("bad test broker configuration", e);
      }
   }

   /** The dead-letter address of the shipped broker.xml. */
   public static final String DEAD_LETTERS = "sms.dlq";

   /**
    * Gives {@code sms.#} the dead-letter address {@link #DEAD_LETTERS} and creates its queue, as the shipped
    * broker.xml does (without it a rejected message is dropped); pass to {@link #configure}.
    */
   public static void withDeadLetterQueue(Configuration cfg) {
      cfg.getAddressSettings().get("sms.#").setDeadLetterAddress(SimpleString.of(DEAD_LETTERS));
      cfg.addQueueConfiguration(QueueConfiguration.of(DEAD_LETTERS).setAddress(DEAD_LETTERS).setRoutingType(RoutingType.ANYCAST));
   }

   /** Adjusts the configuration before start, e.g. to register a broker plugin. */
   public TestBroker configure(java.util.function.Consumer<Configuration> customizer) {
      this.customizer = customizer;
      return this;
   }

   /** Authenticates and authorizes with this manager; for brokers with security enabled in {@link #configure}. */
   public TestBroker securityManager(org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager manager) {
      embedded.setSecurityManager(manager);
      return this;
   }

   public TestBroker start() throws Exception {
      Configuration cfg = configuration(dataDir, protocol, params);
      customizer.accept(cfg);
      embedded.setConfiguration(cfg);
      embedded.start();
      return this;
   }

   public ActiveMQServer server() {
      return embedded.getActiveMQServer();
   }

   /** The port of the protocol's acceptor. */
   public int port() {
      return server().getRemotingService().getAcceptor(protocol.toLowerCase(Locale.ROOT)).getActualPort();
   }

   public String coreUrl() {
      return "tcp://127.0.0.1:" + server().getRemotingService().getAcceptor("core").getActualPort();
   }

   public long messageCount(String queue) {
      var q = server().locateQueue(SimpleString.of(queue));
      return q == null ? 0 : q.getMessageCount();
   }

   public int consumerCount(String queue) {
      var q = server().locateQueue(SimpleString.of(queue));
      return q == null ? 0 : q.getConsumerCount();
   }

   /** Whether the broker holds a session created for this user (an account's id). */
   public boolean hasSessionOf(String username) {
      return server().getSessions().stream().anyMatch(s -> username.equals(s.getUsername()));
   }

   /** Stops the broker on another thread; the future completes with the stop's duration in ms when the stop has. */
   public java.util.concurrent.CompletableFuture<Long> closeInBackground() {
      return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
         long start = System.nanoTime();
         try {
            close();
         } catch (Exception e) {
            throw new IllegalStateException(e);
         }
         return java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      });
   }

   /**
    * Until a stop begun by {@link #closeInBackground} has told every client session to end (decision 141): queued on
    * each session's event loop before what the test sends next.
    */
   public void waitUntilSessionsEnding() {
      Wait.until("the broker stopping", java.time.Duration.ofSeconds(10),
                 () -> io.smsgw.broker.ClientSessionsStop.of(server()).isEnding());
   }

   @Override
   public void close() throws Exception {
      embedded.stop();
   }
}
