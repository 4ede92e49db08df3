package io.smsgw.routing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * One gateway (or the tandem) of a test network: an embedded broker named after its code, its CMPP acceptor on a
 * port chosen in advance (peers and the tandem are configured with it), the routing plugin, a durable queue
 * {@value #BILLING_QUEUE} on sms.billing, the queue of SP {@value #SP_ACCOUNT}, and its gateway configuration installed before the broker starts (each
 * broker of the JVM has its own, no class-path file).
 */
final class GatewayBroker implements AutoCloseable {

   static final String BILLING_QUEUE = "billing-records";
   /** The SP of the test network; its queue exists from the start, as if it had connected once. */
   static final String SP_ACCOUNT = "901234";
   private static final long RECEIVE_MILLIS = 15_000;

   private final EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
   private final TestBroker helpers;

   private GatewayBroker() {
      this.helpers = TestBroker.wrap(embedded, "CMPP");
   }

   static GatewayBroker start(Path dataDir, String code, int cmppPort, String gatewayConf) throws Exception {
      Configuration cfg = TestBroker.configuration(dataDir, "CMPP", "");
      cfg.setName("gateway-" + code);
      cfg.setMessageExpiryScanPeriod(200); // expiries show within a test's patience
      cfg.getAcceptorConfigurations().removeIf(acceptor -> acceptor.getName().equals("cmpp"));
      cfg.addAcceptorConfiguration("cmpp", "tcp://127.0.0.1:" + cmppPort + "?protocols=CMPP;cmppAcceptPeers=true");
      cfg.addQueueConfiguration(QueueConfiguration.of(BILLING_QUEUE).setAddress(SmsAddresses.BILLING)
                                   .setRoutingType(RoutingType.MULTICAST));
      cfg.addQueueConfiguration(QueueConfiguration.of(SmsAddresses.accountQueue(SP_ACCOUNT)).setAddress(SmsAddresses.accountQueue(SP_ACCOUNT))
                                   .setRoutingType(RoutingType.ANYCAST));
      cfg.registerBrokerPlugin(new SmsRoutingPlugin());
      GatewayBroker broker = new GatewayBroker();
      broker.embedded.setConfiguration(cfg);
      broker.embedded.createActiveMQServer();
      broker.runtime().configure(GatewayConfigLoader.parse(gatewayConf, code + ".conf"));
      // A failed activation (its CMPP port taken, say) leaves the broker starting for good: say why now, not at the
      // wait's deadline.
      AtomicReference<Exception> failure = new AtomicReference<>();
      broker.server().registerActivationFailureListener(failure::set);
      broker.server().start();
      if (failure.get() != null) {
         broker.close();
         throw new IllegalStateException("gateway " + code + " did not start (its CMPP port " + cmppPort + ")", failure.get());
      }
      Wait.until("gateway " + code + " active", Duration.ofSeconds(15),
                 () -> broker.server().isActive() && broker.routing() != null);
      return broker;
   }

   ActiveMQServer server() {
      return embedded.getActiveMQServer();
   }

   GatewayRuntime runtime() {
      return GatewayRuntime.of(server());
   }

   SmsRoutingControlMBean routing() {
      return (SmsRoutingControlMBean) server().getManagementService().getUntypedControl("sms-routing");
   }

   long messageCount(String queue) {
      return helpers.messageCount(queue);
   }

   /** Creates a durable anycast queue of the same name as its address (an account's queue, as if it had connected). */
   void createQueue(String name) throws Exception {
      server().createQueue(QueueConfiguration.of(name).setAddress(name).setRoutingType(RoutingType.ANYCAST));
   }

   /** Whether the route cache is loaded and the tandem reachable. */
   boolean routesAvailable() {
      return runtime().networkRoutes().map(r -> r.whenAvailable().toCompletableFuture().isDone()).orElse(false);
   }

   interface Setter {
      void set(TextMessage message) throws Exception;
   }

   void send(String address, Setter setter) throws Exception {
      send(address, 0, setter);
   }

   /** Sends with a time to live (0 = none), as a gateway head does for a validity period. */
   void send(String address, long timeToLive, Setter setter) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(helpers.coreUrl()).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer p = s.createProducer(s.createQueue(address))) {
         TextMessage m = s.createTextMessage();
         setter.set(m);
         p.setTimeToLive(timeToLive);
         p.send(m);
      }
   }

   /** The next message of a queue, or null after a while. */
   Message receive(String queue) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(helpers.coreUrl()).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = s.createConsumer(s.createQueue(queue))) {
         c.start();
         return consumer.receive(RECEIVE_MILLIS);
      }
   }

   @Override
   public void close() throws Exception {
      embedded.stop();
   }
}
