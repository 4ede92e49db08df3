package io.smsgw.cmpp.fwd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * An embedded gateway for FWD tests: the shared {@link TestBroker} configuration with its CMPP acceptor on a
 * given port, queues on sms.mt, sms.mo and sms.dr, and its gateway configuration installed before the broker
 * starts (so the FWD links start with it and no connection sees the class-path file).
 */
final class PeerBroker implements AutoCloseable {

   private final EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
   private final TestBroker helpers;

   private PeerBroker() {
      this.helpers = TestBroker.wrap(embedded, "CMPP");
   }

   /** Gateway {@code code} on {@code port}, peering with {@code peerCode} at {@code peerPort} (secret "s-" + code). */
   static PeerBroker start(Path dataDir, String code, int port, String peerCode, int peerPort, String extra) throws Exception {
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
      cfg.addAcceptorConfiguration("cmpp", "tcp://127.0.0.1:" + port + "?protocols=CMPP");
      for (String address : new String[] {SmsAddresses.MO, SmsAddresses.DR}) {
         cfg.addQueueConfiguration(QueueConfiguration.of(address).setAddress(address).setRoutingType(RoutingType.ANYCAST));
      }
      PeerBroker broker = new PeerBroker();
      broker.embedded.setConfiguration(cfg);
      broker.embedded.createActiveMQServer();
      GatewayRuntime.of(broker.embedded.getActiveMQServer()).configure(GatewayConfigLoader.parse(conf, code + ".conf"));
      broker.embedded.getActiveMQServer().start();
      return broker;
   }

   static int freePort() {
      try (ServerSocket socket = new ServerSocket(0)) {
         return socket.getLocalPort();
      } catch (IOException e) {
         throw new UncheckedIOException(e);
      }
   }

   String coreUrl() {
      return helpers.coreUrl();
   }

   long messageCount(String queue) {
      return helpers.messageCount(queue);
   }

   FwdPeers peers() {
      return FwdPeers.of(GatewayRuntime.of(embedded.getActiveMQServer()));
   }

   @Override
   public void close() throws Exception {
      embedded.stop();
   }
}
