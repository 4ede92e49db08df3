package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ServerSocket;
import java.nio.file.Path;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting the FWD links as a whole: a link that cannot start takes back the ones started before it. */
class FwdLinkServiceTest {

   private static final String A = "001001";
   private static final String B = "020001";
   private static final String C = "030001";

   @TempDir
   Path dir;

   /** Gateway A's configuration with a FWD link to each of {@code peerCodes}, all at the peer on {@code port}. */
   private static GatewayRuntime runtime(int port, String... peerCodes) {
      StringBuilder peers = new StringBuilder();
      for (String code : peerCodes) {
         peers.append("""
            "%s" { host = "127.0.0.1", port = %d, shared-secret = "pair-secret", window = 4,
                   reconnect-min = 50ms, reconnect-max = 200ms, response-timeout = 2s }
            """.formatted(code, port));
      }
      GatewayRuntime runtime = new GatewayRuntime();
      runtime.configure(GatewayConfigLoader.parse("""
         gateway { code = "%s", max-hops = 5 }
         peers {
         %s
         }
         """.formatted(A, peers), "peers.conf"));
      return runtime;
   }

   private static long fwdSessions(TestBroker broker) {
      return broker.server().getSessions().stream().filter(s -> s.getName().startsWith("cmpp-fwd-")).count();
   }

   /**
    * The link to C cannot open its consumer (its queue allows one, and an application holds it), so the start
    * fails: the link to B, started before it, consumes no more and has no bean left, and a later start works.
    */
   @Test
   void aLinkThatCannotStartStopsTheLinksStartedBeforeIt() throws Exception {
      String taken = SmsAddresses.gatewayQueue(C);
      try (ServerSocket peer = new ServerSocket(0);
           TestBroker broker = TestBroker.cmpp(dir, "").configure(cfg -> cfg.addQueueConfiguration(
              QueueConfiguration.of(taken).setAddress(taken).setRoutingType(RoutingType.ANYCAST).setMaxConsumers(1))).start();
           Connection application = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = application.createSession(false, Session.AUTO_ACKNOWLEDGE);
         session.createConsumer(session.createQueue(taken));

         FwdLinkService failing = new FwdLinkService(broker.server(), runtime(peer.getLocalPort(), B, C));
         assertThrows(Exception.class, failing::start);
         assertEquals(0, fwdSessions(broker), "no FWD link session left behind");
         assertEquals(0, broker.consumerCount(SmsAddresses.gatewayQueue(B)), "the link to B consumes no more");
         assertNull(broker.server().getManagementService().getUntypedControl(FwdLinkService.resourceName(B)),
                    "no bean of a link that does not run");

         FwdLinkService next = new FwdLinkService(broker.server(), runtime(peer.getLocalPort(), B));
         next.start();
         try {
            assertEquals(1, broker.consumerCount(SmsAddresses.gatewayQueue(B)));
            assertNotNull(broker.server().getManagementService().getUntypedControl(FwdLinkService.resourceName(B)));
         } finally {
            next.stop();
         }
         assertEquals(0, fwdSessions(broker));
      }
   }
}
