package io.smsgw.cmpp.fwd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Consumer;

import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import io.smsgw.broker.testing.FreePorts;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * An embedded gateway for FWD tests: the shared {@link TestBroker} configuration with its CMPP acceptor on a
 * given port, queues on sms.mt, sms.mo and sms.dr, and its gateway configuration installed before the broker
 * starts (so the FWD links start with it and no connection sees the class-path file).
 */
final class PeerBroker implements AutoCloseable {

   private final EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
   private final MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
   private final TestBroker helpers;

   private PeerBroker() {
      this.helpers = TestBroker.wrap(embedded, "CMPP");
   }

   /** Gateway {@code code} on {@code port}, peering with {@code peerCode} at {@code peerPort} (secret "pair-secret"). */
   static PeerBroker start(Path dataDir, String code, int port, String peerCode, int peerPort, String extra) throws Exception {
      return start(dataDir, code, port, peerCode, peerPort, extra, cfg -> { });
   }

   /**
    * As above, with the configuration adjusted before start (e.g. an interceptor). The broker is named
    * {@code gw-<code>} and registers its management beans in an MBeanServer of its own, as a stock broker does in
    * the platform one.
    */
   static PeerBroker start(Path dataDir, String code, int port, String peerCode, int peerPort, String extra,
                           Consumer<Configuration> customizer) throws Exception {
      String conf = """
         gateway { code = "%s", max-hops = 5 }
         peers {
           "%s" { host = "127.0.0.1", port = %d, shared-secret = "pair-secret", window = 4,
                  reconnect-min = 50ms, reconnect-max = 200ms, response-timeout = 5s }
         }
         %s
         """.formatted(code, peerCode, peerPort, extra);
      Configuration cfg = TestBroker.configuration(dataDir, "CMPP", "");
      cfg.getAcceptorConfigurations().removeIf(acceptor -> acceptor.getName().equals("cmpp"));
      cfg.addAcceptorConfiguration("cmpp", "tcp://127.0.0.1:" + port + "?protocols=CMPP;cmppAcceptPeers=true");
      for (String address : new String[] {SmsAddresses.MO, SmsAddresses.DR}) {
         cfg.addQueueConfiguration(QueueConfiguration.of(address).setAddress(address).setRoutingType(RoutingType.ANYCAST));
      }
      cfg.setName("gw-" + code);
      cfg.setJMXManagementEnabled(true);
      customizer.accept(cfg);
      PeerBroker broker = new PeerBroker();
      broker.embedded.setConfiguration(cfg);
      broker.embedded.setMbeanServer(broker.mbeans);
      broker.embedded.createActiveMQServer();
      GatewayRuntime.of(broker.embedded.getActiveMQServer()).configure(GatewayConfigLoader.parse(conf, code + ".conf"));
      broker.embedded.getActiveMQServer().start();
      return broker;
   }

   /** A port nobody listens on right now, never handed out twice in this JVM ({@link FreePorts}). */
   static int freePort() {
      try {
         return FreePorts.pick();
      } catch (IOException e) {
         throw new UncheckedIOException(e);
      }
   }

   /**
    * Plays the peer for a link under test: accepts the link's connection on {@code server}, checks that its
    * CONNECT comes from {@code expectedSource} with the pair's secret, and answers it OK.
    */
   static CmppSocket acceptLink(ServerSocket server, String expectedSource) throws IOException {
      CmppSocket peer = new CmppSocket(server.accept());
      Connect connect = peer.read(Connect.class);
      if (!connect.sourceAddr().equals(expectedSource) || !CmppAuthenticator.verifySource(connect, "pair-secret")) {
         peer.close();
         throw new AssertionError("the link connects as " + expectedSource + " with the pair's secret, got " + connect.sourceAddr());
      }
      peer.send(connect.response(CmppResult.CONNECT_OK,
         CmppAuthenticator.authenticatorIsmg(CmppResult.CONNECT_OK, connect.authenticatorSource(), "pair-secret",
                                             CmppVersion.V30), CmppVersion.V30.code()));
      return peer;
   }

   /** Stops the broker on another thread ({@link TestBroker#closeInBackground}). */
   java.util.concurrent.CompletableFuture<Long> closeInBackground() {
      return helpers.closeInBackground();
   }

   /** Until the stop has told every client session to end ({@link TestBroker#waitUntilSessionsEnding}). */
   void waitUntilSessionsEnding() {
      helpers.waitUntilSessionsEnding();
   }

   String coreUrl() {
      return helpers.coreUrl();
   }

   long messageCount(String queue) {
      return helpers.messageCount(queue);
   }

   ActiveMQServer server() {
      return embedded.getActiveMQServer();
   }

   /** The FWD link bean of {@code peerCode}, read through JMX as an operator would. */
   FwdLinkControlMBean fwdLink(String peerCode) throws Exception {
      ActiveMQServer server = embedded.getActiveMQServer();
      ObjectName name = ObjectName.getInstance(server.getConfiguration().getJMXDomain() + ":broker="
         + ObjectName.quote(server.getConfiguration().getName()) + ",component=sms-fwd,name=" + ObjectName.quote(peerCode));
      return JMX.newMBeanProxy(mbeans, name, FwdLinkControlMBean.class);
   }

   /** The smsId of every message on {@code queue}, as a list (duplicates show). */
   List<String> smsIds(String queue) throws Exception {
      List<String> ids = new ArrayList<>();
      try (jakarta.jms.Connection c = new ActiveMQConnectionFactory(coreUrl()).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           QueueBrowser browser = s.createBrowser(s.createQueue(queue))) {
         c.start();
         Enumeration<?> messages = browser.getEnumeration();
         while (messages.hasMoreElements()) {
            ids.add(((Message) messages.nextElement()).getStringProperty("smsId"));
         }
      }
      return ids;
   }

   FwdPeers peers() {
      return FwdPeers.of(GatewayRuntime.of(embedded.getActiveMQServer()));
   }

   @Override
   public void close() throws Exception {
      embedded.stop();
   }
}
