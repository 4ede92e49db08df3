package io.smsgw.cmpp.gns.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.MtRoute;
import io.smsgw.cmpp.codec.PushMoRouteUpdate;
import io.smsgw.cmpp.codec.PushMtRouteUpdate;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.config.GnsClientConfig;
import io.smsgw.core.config.TlsClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GNS client checks the AuthenticatorISMG of the tandem's CONNECT_RESP: a raw "tandem" answering Status 0 with a
 * zeroed authenticator is not connected to (no route query goes there, {@link GnsClient#lastError()} says why), the
 * real one is, and {@code gns.verify-ismg = false} lets one through that hashes otherwise.
 */
class GnsClientIsmgCheckTest {

   private static final String TIANJIN = "022001";
   private static final String SECRET = "tj-secret";

   private ServerSocket server;
   private GnsClient client;
   private final AtomicInteger connected = new AtomicInteger();

   @BeforeEach
   void listen() throws IOException {
      server = new ServerSocket(0);
      server.setSoTimeout(10_000);
   }

   @AfterEach
   void stop() throws IOException {
      if (client != null) {
         client.close();
      }
      server.close();
   }

   private GnsClient start(boolean verifyIsmg) {
      GnsClientConfig config = new GnsClientConfig("127.0.0.1", server.getLocalPort(), SECRET, Duration.ZERO,
         Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(200), TlsClientConfig.NONE, verifyIsmg);
      client = new GnsClient(config, TIANJIN, null, Clock.systemDefaultZone());
      client.start(new GnsClient.Listener() {
         @Override
         public void onConnected() {
            connected.incrementAndGet();
         }

         @Override
         public void onDisconnected() {
         }

         @Override
         public int onPush(PushMtRouteUpdate push) {
            return CmppResult.GNS_OK;
         }

         @Override
         public int onPush(PushMoRouteUpdate push) {
            return CmppResult.GNS_OK;
         }
      });
      return client;
   }

   /** Accepts the client's connection and answers its CONNECT with Status 0 and {@code ismg} (null: the right one). */
   private CmppSocket answer(byte[] ismg) throws IOException {
      CmppSocket tandem = new CmppSocket(server.accept());
      Connect connect = tandem.read(Connect.class);
      assertEquals(TIANJIN, connect.sourceAddr());
      byte[] authenticator = ismg != null ? ismg
         : CmppAuthenticator.authenticatorIsmg(CmppResult.CONNECT_OK, connect.authenticatorSource(), SECRET, CmppVersion.V30);
      tandem.send(connect.response(CmppResult.CONNECT_OK, authenticator, CmppVersion.V30.code()));
      return tandem;
   }

   /** The client closes the connection without asking anything on it. */
   private static void closedWithoutRequest(CmppSocket tandem) throws IOException {
      CmppPdu pdu;
      try {
         pdu = tandem.read(10_000);
      } catch (EOFException | SocketException closed) {
         return;
      }
      throw new AssertionError(pdu == null ? "the client neither closed nor sent anything within 10 s"
                                           : "the client used a tandem that did not prove it knows the secret: " + pdu);
   }

   @Test
   void aZeroedAuthenticatorIsmgIsNotConnectedTo() throws Exception {
      try (LogCapture log = LogCapture.start()) {
         start(true);
         try (CmppSocket impostor = answer(new byte[16])) {
            closedWithoutRequest(impostor);
         }
         Wait.until("lastError names the AuthenticatorISMG check", Duration.ofSeconds(10),
                    () -> client.lastError().contains("AuthenticatorISMG"));
         assertTrue(client.lastError().contains("gns.shared-secret"), client.lastError());
         assertFalse(client.lastError().contains(SECRET), "the secret itself is never shown");
         assertTrue(client.state() != GnsClient.State.CONNECTED);
         assertEquals(0, connected.get(), "the route cache never hears of a connection");
         ExecutionException failed = assertThrows(ExecutionException.class,
            () -> client.mtRoute("13800138000").toCompletableFuture().get(10, TimeUnit.SECONDS));
         GnsQueryException refused = assertInstanceOf(GnsQueryException.class, failed.getCause());
         assertEquals(GnsQueryException.Reason.UNAVAILABLE, refused.reason());
         assertTrue(refused.getMessage().contains("AuthenticatorISMG"), refused.getMessage());
         // the backoff's next attempt meets the impostor again: refused again, without another WARN
         try (CmppSocket again = answer(new byte[16])) {
            closedWithoutRequest(again);
         }
         assertEquals(1, log.count("WARN", "AuthenticatorISMG", TIANJIN), "one WARN for the episode");
         assertFalse(log.lines().stream().anyMatch(line -> line.contains(SECRET)), "the secret is never logged");
      }
   }

   @Test
   void theRightAuthenticatorIsmgConnects() throws Exception {
      start(true);
      try (CmppSocket tandem = answer(null)) {
         Wait.until("connected to the tandem", Duration.ofSeconds(10), () -> client.state() == GnsClient.State.CONNECTED);
         var query = client.mtRoute("13800138000");
         MtRoute asked = tandem.read(MtRoute.class);
         assertEquals("13800138000", asked.terminalId());
         assertEquals("", client.lastError());
      }
   }

   @Test
   void verifyIsmgFalseLetsATandemThatHashesOtherwiseThrough() throws Exception {
      start(false);
      try (CmppSocket otherVendor = answer(new byte[16])) {
         Wait.until("connected to the tandem", Duration.ofSeconds(10), () -> client.state() == GnsClient.State.CONNECTED);
         assertEquals(1, connected.get());
      }
   }
}
