package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.smpp.client.JsmppSmsc;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMAcceptorFactory;
import org.apache.activemq.artemis.core.server.cluster.ClusterConnection;
import org.apache.activemq.artemis.core.server.metrics.MetricsManager;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManager;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.apache.activemq.artemis.spi.core.remoting.BufferHandler;
import org.apache.activemq.artemis.spi.core.remoting.ServerConnectionLifeCycleListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing is ready before the SMSC links carry anything, also when the broker restarts with its diverts stored and an
 * SMSC sends the moment the link binds.
 */
class RoutingStartupTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   /**
    * An in-VM acceptor whose start waits for the test. Artemis starts the acceptors in its last activation step, after
    * the protocol services (the SMSC links) and before the activation-complete callbacks: held there, the links run
    * while those callbacks have not been called, whatever their order.
    */
   public static final class HeldAcceptorFactory extends InVMAcceptorFactory {
      static volatile CountDownLatch release = new CountDownLatch(0);

      @Override
      public Acceptor createAcceptor(String name, ClusterConnection clusterConnection, Map<String, Object> configuration,
                                     BufferHandler handler, ServerConnectionLifeCycleListener listener, Executor threadPool,
                                     ScheduledExecutorService scheduledThreadPool, Map<String, ProtocolManager> protocolMap,
                                     String threadFactoryGroupName, MetricsManager metricsManager) {
         Acceptor inVm = super.createAcceptor(name, clusterConnection, configuration, handler, listener, threadPool,
                                              scheduledThreadPool, protocolMap, threadFactoryGroupName, metricsManager);
         // InVMAcceptor is final: the same acceptor, whose start() first waits
         return (Acceptor) Proxy.newProxyInstance(Acceptor.class.getClassLoader(), new Class<?>[] {Acceptor.class}, (proxy, method, args) -> {
            if (method.getName().equals("start") && method.getParameterCount() == 0) {
               release.await(30, TimeUnit.SECONDS);
            }
            try {
               return method.invoke(inVm, args);
            } catch (InvocationTargetException e) {
               throw e.getCause();
            }
         });
      }
   }

   /** app1's queue under the acceptors' prefix, as after its first bind. */
   private static Configuration withAccountQueue(Configuration cfg) {
      return cfg.addQueueConfiguration(QueueConfiguration.of("custom.sp.app1").setRoutingType(RoutingType.ANYCAST));
   }

   @Test
   void anMoTheSmscSendsRightAfterTheBindOfARestartedGatewayReachesItsAccount() throws Exception {
      int port = JsmppSmsc.freePort();
      Files.writeString(dir.resolve("sms-gateway.conf"), """
         gateway { code = "001001" }
         accounts { app1 { password = "secret", protocols = [SMPP] } }
         links { sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 200ms } }
         routes { mo = [ { prefix = "1065712345", account = "app1" } ] }
         """.formatted(port));
      System.setProperty("smsgw.config", dir.resolve("sms-gateway.conf").toString());
      String params = ";smppAccountQueuePrefix=custom.sp."; // routing must also know where the sessions read
      // a first start deploys the diverts, which the broker stores and brings back by itself at the next start
      try (TestBroker first = TestBroker.smpp(dir, params).configure(cfg -> withAccountQueue(cfg).registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         assertNotNull(first.server().getPostOffice().getBinding(SimpleString.of(SmsRoutingPlugin.MO_DIVERT)), "the MO divert");
      }
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.moOnBind.add(new String[] {"8613800138000", "1065712345", "sent at bind"});
         CountDownLatch release = new CountDownLatch(1);
         HeldAcceptorFactory.release = release;
         TestBroker broker = TestBroker.smpp(dir, params).configure(cfg -> {
            withAccountQueue(cfg).registerBrokerPlugin(new SmsRoutingPlugin());
            cfg.addAcceptorConfiguration(new TransportConfiguration(HeldAcceptorFactory.class.getName(), Map.of("serverId", 4711), "held"));
         });
         CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
            try {
               broker.start();
            } catch (Exception e) {
               throw new IllegalStateException(e);
            }
         });
         try {
            // the link binds and the MO is stored (deliver_sm_resp) while the broker's activation is still held
            Wait.until("the MO answered by the gateway", Duration.ofSeconds(15), () -> smsc.mosAnswered.get() == 1);
            release.countDown();
            started.get(15, TimeUnit.SECONDS);
            Wait.until("the MO on the queue app1's sessions read", Duration.ofSeconds(10), () -> broker.messageCount("custom.sp.app1") == 1);
            assertEquals(0, broker.messageCount(MoRouteTransformer.UNROUTED), "not taken for an MO nobody serves");
         } finally {
            release.countDown();
            started.handle((ok, failed) -> null).get(15, TimeUnit.SECONDS);
            broker.close();
         }
      }
   }

   /**
    * Acceptors that read account queues under different prefixes: routing cannot fill both. The broker used to log
    * "SMS routing could not start" and run on, taking submits that then sat on sms.mt; now it does not start (its
    * acceptors never listen), with an ERROR naming the acceptors and their prefixes.
    */
   @Test
   void acceptorsWithDifferentAccountQueuePrefixesStopTheStart() throws Exception {
      Files.writeString(dir.resolve("sms-gateway.conf"), """
         gateway { code = "001001" }
         accounts { app1 { password = "secret", protocols = [SMPP] } }
         """);
      System.setProperty("smsgw.config", dir.resolve("sms-gateway.conf").toString());
      try (io.smsgw.broker.testing.LogCapture log = io.smsgw.broker.testing.LogCapture.start();
           TestBroker broker = TestBroker.smpp(dir, ";smppAccountQueuePrefix=custom.sp.").configure(cfg -> {
              try {
                 cfg.addAcceptorConfiguration("cmpp", "tcp://127.0.0.1:0?protocols=CMPP");
              } catch (Exception e) {
                 throw new IllegalStateException(e);
              }
              cfg.registerBrokerPlugin(new SmsRoutingPlugin());
           }).start()) {
         org.junit.jupiter.api.Assertions.assertFalse(broker.server().isStarted(), "the broker does not start");
         Acceptor smpp = broker.server().getRemotingService().getAcceptor("smpp");
         org.junit.jupiter.api.Assertions.assertTrue(smpp == null || !smpp.isStarted(), "no ESME can bind and submit");
         assertEquals(1, log.count("SMS routing cannot start, so the broker does not start", "custom.sp.=smpp (SMPP)", "sms.sp.=cmpp (CMPP)"),
                      () -> log.lines("SMS routing").toString());
      }
   }
}
