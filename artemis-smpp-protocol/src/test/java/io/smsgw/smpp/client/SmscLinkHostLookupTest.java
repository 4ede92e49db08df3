package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import io.smsgw.broker.LinkBootstrap;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.smpp.codec.SmppStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SMSC link looks its SMSC's host name up off its event loop. All SMSC links share two event loops: a lookup made on
 * one (Netty's default resolver) stopped every other link of that loop for as long as the DNS server took to answer or
 * time out (5-30 s): no deliver_sm answered, no enquire_link sent, no timer run, and SMSCs with a short enquire_link
 * timeout dropped binds that were fine. A lookup that fails is a failed connect; each attempt looks the name up again.
 */
class SmscLinkHostLookupTest {

   private static final Duration DEADLINE = Duration.ofSeconds(30);
   /** The longest the stand-in DNS holds a lookup of {@link #SLOW_HOST}; the test releases it sooner. */
   private static final long LOOKUP_HELD_SECONDS = 60;
   /** Well below how long the lookup is held: what link A must answer within while it is. */
   private static final Duration MEANWHILE = Duration.ofSeconds(5);
   private static final String SLOW_HOST = "slow-dns.smsc.test";
   private static final String NEW_HOST = "not-yet-in-dns.smsc.test";

   @TempDir
   Path dir;

   private static GatewayRuntime runtime(String links) {
      GatewayRuntime runtime = new GatewayRuntime();
      runtime.configure(GatewayConfigLoader.parse("""
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
         %s
         }
         """.formatted(links), "links.conf"));
      return runtime;
   }

   private static String link(String id, String host, int port) {
      return """
           %s { host = "%s", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 1s, response-timeout = 3s, reconnect-min = 50ms, reconnect-max = 200ms }
         """.formatted(id, host, port);
   }

   @Test
   void aLookupThatHangsDoesNotStopTheOtherLinksOfItsEventLoop() throws Exception {
      int portA = JsmppSmsc.freePort();
      int portB = JsmppSmsc.freePort();
      AtomicBoolean hang = new AtomicBoolean();
      AtomicInteger slowLookups = new AtomicInteger();
      CountDownLatch hanging = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      LinkBootstrap.HostLookup dns = host -> {
         if (!SLOW_HOST.equals(host)) {
            return LinkBootstrap.SYSTEM.lookup(host);
         }
         slowLookups.incrementAndGet();
         if (hang.get()) {
            hanging.countDown();
            try {
               release.await(LOOKUP_HELD_SECONDS, TimeUnit.SECONDS); // a DNS server that does not answer
            } catch (InterruptedException e) {
               Thread.currentThread().interrupt();
            }
         }
         return new InetAddress[] {InetAddress.getLoopbackAddress()};
      };
      try (RawSmsc smscA = new RawSmsc(portA); RawSmsc smscB = new RawSmsc(portB);
           TestBroker broker = TestBroker.smpp(dir, "").start()) {
         SmscLinkService service = new SmscLinkService(broker.server(),
            runtime(link("a", "127.0.0.1", portA) + link("b", SLOW_HOST, portB)), UnaryOperator.identity(), 1, dns);
         service.start();
         try {
            List<SmscLink> links = service.links();
            SmscLink a = links.get(0);
            SmscLink b = links.get(1);
            assertSame(a.readOnLoop(Thread::currentThread), b.readOnLoop(Thread::currentThread), "one event loop");
            Wait.until("both links bound", DEADLINE,
                       () -> a.state() == SmscLink.State.BOUND && b.state() == SmscLink.State.BOUND);
            smscA.sendRaw(RawSmsc.mo(0x7001, "8613800138000", "1065712345", "before"));
            assertEquals(SmppStatus.ESME_ROK, smscA.deliveryAnswers.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS));

            // Link B binds again, and its DNS server stops answering.
            hang.set(true);
            b.reconnect();
            assertTrue(hanging.await(DEADLINE.toSeconds(), TimeUnit.SECONDS), "link B looks its host up again");

            int probes = smscA.enquireLinks.get(0).get();
            smscA.sendRaw(RawSmsc.mo(0x7002, "8613800138000", "1065712345", "while B's lookup hangs"));
            assertEquals(SmppStatus.ESME_ROK, smscA.deliveryAnswers.poll(MEANWHILE.toMillis(), TimeUnit.MILLISECONDS),
                         "link A answers its SMSC's deliver_sm while link B waits for DNS");
            Wait.until("link A's enquire_link while link B waits for DNS", MEANWHILE,
                       () -> smscA.enquireLinks.get(0).get() > probes);
            assertEquals(1, release.getCount(), "link B's lookup still hangs");
            assertEquals(SmscLink.State.BOUND, a.state());
            assertNotEquals(SmscLink.State.BOUND, b.state());

            release.countDown();
            Wait.until("link B bound again at the address looked up", DEADLINE,
                       () -> b.state() == SmscLink.State.BOUND && smscB.binds.get() == 2);
            assertEquals(2, slowLookups.get(), "one lookup per connect");
         } finally {
            release.countDown();
            service.stop();
         }
      }
   }

   @Test
   void aHostThatDoesNotResolveIsAFailedConnectLookedUpAgainAtEachAttempt() throws Exception {
      int port = JsmppSmsc.freePort();
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
      try (LogCapture log = LogCapture.start(); RawSmsc smsc = new RawSmsc(port);
           TestBroker broker = TestBroker.smpp(dir, "").start()) {
         SmscLinkService service = new SmscLinkService(broker.server(), runtime(link("c", NEW_HOST, port)),
                                                       UnaryOperator.identity(), 1, dns);
         service.start();
         try {
            SmscLink c = service.links().get(0);
            Wait.until("three failed lookups, each a failed connect", DEADLINE,
                       () -> lookups.get() >= 3 && c.reconnects.get() >= 3);
            String failed = "SMSC link c could not connect to " + NEW_HOST + ":" + port + ": host name not resolved";
            List<String> warnings = log.lines(failed).stream().filter(line -> line.contains("WARN")).toList();
            assertEquals(1, warnings.size(), "one WARN naming the host per episode: " + log.lines(failed));
            assertTrue(c.lastError().contains("host name not resolved"), c.lastError());
            assertEquals(SmscLink.State.CONNECTING, c.state());

            published.set(true); // the name is in DNS now: the next attempt finds it
            Wait.until("link bound at the address looked up", DEADLINE,
                       () -> c.state() == SmscLink.State.BOUND && smsc.binds.get() == 1);
         } finally {
            service.stop();
         }
      }
   }
}
