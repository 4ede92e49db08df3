package io.smsgw.smpp.server;

import java.nio.file.Path;

import io.smsgw.core.contract.SmsAddresses;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * A real embedded broker with TCP acceptors on free ports: SMPP (the plugin under test) and CORE (for the
 * JMS clients that play the application side). Persistence is on, under the given directory.
 */
final class TestBroker implements AutoCloseable {

   private final EmbeddedActiveMQ embedded;
   private final Path dataDir;
   private final String smppParams;

   TestBroker(Path dataDir, String smppParams) {
      this(new EmbeddedActiveMQ(), dataDir, smppParams);
   }

   private TestBroker(EmbeddedActiveMQ embedded, Path dataDir, String smppParams) {
      this.embedded = embedded;
      this.dataDir = dataDir;
      this.smppParams = smppParams;
   }

   /** Helpers over a broker somebody else started (e.g. artemis-junit's EmbeddedActiveMQExtension). */
   static TestBroker wrap(EmbeddedActiveMQ started) {
      return new TestBroker(started, null, null);
   }

   /** A fresh data directory, deleted when the JVM exits; for brokers configured in static initialisers. */
   static Path tempDataDir() {
      try {
         Path dir = java.nio.file.Files.createTempDirectory("smpp-test-broker");
         dir.toFile().deleteOnExit();
         return dir;
      } catch (java.io.IOException e) {
         throw new java.io.UncheckedIOException(e);
      }
   }

   static Configuration configuration(Path dataDir, String smppParams) {
      try {
         return buildConfiguration(dataDir, smppParams);
      } catch (Exception e) {
         throw new IllegalStateException("bad test broker configuration", e);
      }
   }

   private static Configuration buildConfiguration(Path dataDir, String smppParams) throws Exception {
      Configuration cfg = new ConfigurationImpl()
         .setPersistenceEnabled(true)
         .setSecurityEnabled(false)
         .setJMXManagementEnabled(false)
         .setJournalDirectory(dataDir.resolve("journal").toString())
         .setBindingsDirectory(dataDir.resolve("bindings").toString())
         .setPagingDirectory(dataDir.resolve("paging").toString())
         .setLargeMessagesDirectory(dataDir.resolve("large").toString())
         .setJournalType(org.apache.activemq.artemis.core.server.JournalType.NIO)
         .addAcceptorConfiguration("core", "tcp://127.0.0.1:0?protocols=CORE")
         .addAcceptorConfiguration("smpp", "tcp://127.0.0.1:0?protocols=SMPP" + smppParams)
         .addQueueConfiguration(QueueConfiguration.of(SmsAddresses.MT).setAddress(SmsAddresses.MT).setRoutingType(RoutingType.ANYCAST))
         .addAddressSetting("sms.#", new AddressSettings().setMaxDeliveryAttempts(-1).setRedeliveryDelay(0));
      cfg.setName("test-broker");
      return cfg;
   }

   TestBroker start() throws Exception {
      embedded.setConfiguration(configuration(dataDir, smppParams));
      embedded.start();
      return this;
   }

   ActiveMQServer server() {
      return embedded.getActiveMQServer();
   }

   int smppPort() {
      return server().getRemotingService().getAcceptor("smpp").getActualPort();
   }

   String coreUrl() {
      return "tcp://127.0.0.1:" + server().getRemotingService().getAcceptor("core").getActualPort();
   }

   long messageCount(String queue) {
      var q = server().locateQueue(SimpleString.of(queue));
      return q == null ? 0 : q.getMessageCount();
   }

   @Override
   public void close() throws Exception {
      embedded.stop();
   }
}
