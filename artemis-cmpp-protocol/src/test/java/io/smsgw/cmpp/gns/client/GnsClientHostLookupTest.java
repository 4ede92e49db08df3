package io.smsgw.cmpp.gns.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.nio.NioEventLoopGroup;
import io.smsgw.broker.LinkBootstrap;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.PushMoRouteUpdate;
import io.smsgw.cmpp.codec.PushMtRouteUpdate;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.config.GnsClientConfig;
import org.junit.jupiter.api.Test;

/**
 * The GNS client looks the tandem's host name up off its event loop, which it may share with other clients: a DNS
 * server that does not answer holds a lookup thread, not the loop. A name that does not resolve is a failed connect,
 * looked up again at each attempt.
 */
class GnsClientHostLookupTest {

   private static final String TIANJIN = "022001";
   private static final String SECRET = "tj";
   private static final Duration DEADLINE = Duration.ofSeconds(30);
   /** The longest the stand-in DNS holds a lookup; the test releases it sooner. */
   private static final long LOOKUP_HELD_SECONDS = 60;
   /** Well below how long the lookup is held. */
   private static final int MEANWHILE_MILLIS = 5_000;
   private static final String SLOW_HOST = "slow-dns.tandem.test";
   private static final String NEW_HOST = "not-yet-in-dns.tandem.test";

   private static final GnsClient.Listener LISTENER = new GnsClient.Listener() {
      @Override
      public void onConnected() {
      }

      @Override
      public void onDisconnected() {
      }

      @Override
      public int onPush(PushMtRouteUpdate push) {
         return 0;
      }

      @Override
      public int onPush(PushMoRouteUpdate push) {
         return 0;
      }
   };

   private static GnsClientConfig config(String host, int port) {
      return new GnsClientConfig(host, port, SECRET, Duration.ZERO, Duration.ofSeconds(30), Duration.ofMillis(50),
                                 Duration.ofMillis(200));
   }

   /** Accepts the gateway's connection and answers its CONNECT. */
   private static CmppSocket acceptGateway(ServerSocket tandem) throws IOException {
      CmppSocket gateway = new CmppSocket(tandem.accept());
      Connect connect = gateway.read(Connect.class);
      gateway.send(connect.response(CmppResult.CONNECT_OK,
         CmppAuthenticator.authenticatorIsmg(0, connect.authenticatorSource(), SECRET, CmppVersion.V30), 0x30));
      return gateway;
   }

   @Test
   void aLookupThatHangsDoesNotStopAnotherClientOfItsEventLoop() throws Exception {
      CountDownLatch hanging = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      LinkBootstrap.HostLookup dns = host -> {
         if (!SLOW_HOST.equals(host)) {
            return LinkBootstrap.SYSTEM.lookup(host);
         }
         hanging.countDown();
         try {
            release.await(LOOKUP_HELD_SECONDS, TimeUnit.SECONDS); // a DNS server that does not answer
         } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
         }
         return new InetAddress[] {InetAddress.getLoopbackAddress()};
      };
      NioEventLoopGroup group = new NioEventLoopGroup(1);
      try (ServerSocket tandem = new ServerSocket(0); ServerSocket silent = new ServerSocket(0)) {
         tandem.setSoTimeout((int) DEADLINE.toMillis());
         GnsClient a = new GnsClient(config("127.0.0.1", tandem.getLocalPort()), TIANJIN, group, Clock.systemUTC(), null, dns);
         GnsClient b = new GnsClient(config(SLOW_HOST, silent.getLocalPort()), TIANJIN, group, Clock.systemUTC(), null, dns);
         try {
            a.start(LISTENER);
            try (CmppSocket gateway = acceptGateway(tandem)) {
               Wait.until("client A connected", DEADLINE, () -> a.state() == GnsClient.State.CONNECTED);
               b.start(LISTENER);
               assertTrue(hanging.await(DEADLINE.toSeconds(), TimeUnit.SECONDS), "client B looks its host up");

               gateway.send(new ActiveTest(gateway.nextSequence()));
               assertInstanceOf(ActiveTestResp.class, gateway.read(MEANWHILE_MILLIS),
                                "client A answers ACTIVE_TEST while client B waits for DNS");
               assertEquals(1, release.getCount(), "client B's lookup still hangs");
               assertEquals(GnsClient.State.CONNECTING, b.state());
            }
         } finally {
            release.countDown();
            a.close();
            b.close();
         }
      } finally {
         group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
   }

   @Test
   void aHostThatDoesNotResolveIsAFailedConnectLookedUpAgainAtEachAttempt() throws Exception {
      AtomicBoolean published = new AtomicBoolean();
      AtomicInteger lookups = new AtomicInteger();
      LinkBootstrap.HostLookup dns = host -> {
         if (!NEW_HOST.equals(host)) {
            return LinkBootstrap.SYSTEM.lookup(host);
         }
         lookups.incrementAndGet();
         if (!published.get()) {
            throw new UnknownHostException(host + ": no such name");
         }
         return new InetAddress[] {InetAddress.getLoopbackAddress()};
      };
      try (LogCapture log = LogCapture.start(); ServerSocket tandem = new ServerSocket(0)) {
         tandem.setSoTimeout((int) DEADLINE.toMillis());
         GnsClient client = new GnsClient(config(NEW_HOST, tandem.getLocalPort()), TIANJIN, null, Clock.systemUTC(), null, dns);
         try {
            client.start(LISTENER);
            Wait.until("three failed lookups", DEADLINE, () -> lookups.get() >= 3);
            String failed = "Cannot reach the tandem gateway " + NEW_HOST + ":" + tandem.getLocalPort() + ": host name "
               + NEW_HOST + " not resolved";
            List<String> warnings = log.lines(failed).stream().filter(line -> line.contains("WARN")).toList();
            assertEquals(1, warnings.size(), "one WARN naming the host per episode: " + log.lines(failed));
            assertEquals(GnsClient.State.CONNECTING, client.state());

            published.set(true); // the name is in DNS now: the next attempt finds it
            try (CmppSocket gateway = acceptGateway(tandem)) {
               Wait.until("connected at the address looked up", DEADLINE, () -> client.state() == GnsClient.State.CONNECTED);
            }
         } finally {
            client.close();
         }
      }
   }
}
