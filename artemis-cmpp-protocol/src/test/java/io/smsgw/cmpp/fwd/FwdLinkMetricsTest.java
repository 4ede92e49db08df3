package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A FWD link's meters (tag peer) on the broker's registry, against a scripted peer; gone once the link stops. */
class FwdLinkMetricsTest {

   private static final String A = "001001";
   private static final String B = "020001";
   private static final Duration WAIT = Duration.ofSeconds(10);

   @TempDir
   Path dir;

   private static void queueMts(PeerBroker a, long... ids) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(a.coreUrl()).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.gatewayQueue(B)))) {
         for (long id : ids) {
            TextMessage m = s.createTextMessage("metered");
            m.setStringProperty("smsKind", "MT");
            m.setStringProperty("smsId", String.format("%016x", id));
            m.setStringProperty("smsDestination", "13800138000");
            p.send(m);
         }
      }
   }

   private static Gauge gauge(MeterRegistry registry, String name) {
      return registry.find("sms.gateway." + name).tags("broker", "gw-" + A, "peer", B).gauge();
   }

   private static double count(MeterRegistry registry, String name, String... tags) {
      FunctionCounter counter = registry.find("sms.gateway." + name).tags("broker", "gw-" + A, "peer", B).tags(tags).functionCounter();
      assertNotNull(counter, name);
      return counter.count();
   }

   @Test
   void theLinksStateAndCountsShowOnTheRegistryUntilItStops() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      try (ServerSocket server = new ServerSocket(0)) {
         try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, PeerBroker.freePort(), B, server.getLocalPort(), "",
                 cfg -> cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin)));
              CmppSocket peer = PeerBroker.acceptLink(server, A)) {
            Wait.until("connected", WAIT, () -> gauge(registry, "fwd.connected").value() == 1.0);
            queueMts(a, 0x51, 0x52);
            Fwd first = peer.read(Fwd.class);
            Fwd second = peer.read(Fwd.class);
            Wait.until("two in flight", WAIT, () -> gauge(registry, "fwd.in.flight").value() == 2.0);
            assertEquals(2.0, count(registry, "fwd.forwarded"));
            peer.send(first.response(CmppResult.FWD_WRONG_DECISION));
            peer.send(second.response(CmppResult.OK));
            Wait.until("one refused, one acknowledged", WAIT, () -> count(registry, "fwd.responses", "outcome", "refused") == 1.0
               && count(registry, "fwd.responses", "outcome", "ok") == 1.0);
            Fwd again = peer.read(Fwd.class);
            assertEquals(first.msgId(), again.msgId(), "the refused message is tried again");
            assertEquals(3.0, count(registry, "fwd.forwarded"));
            peer.send(again.response(CmppResult.OK));
            Wait.until("all settled", WAIT, () -> gauge(registry, "fwd.in.flight").value() == 0.0);
         }
      }
      assertTrue(registry.find("sms.gateway.fwd.forwarded").functionCounters().isEmpty(), "the stopped link's meters are removed");
   }
}
