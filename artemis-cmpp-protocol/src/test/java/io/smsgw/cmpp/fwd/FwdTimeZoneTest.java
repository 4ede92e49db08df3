package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.gns.CmppSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A FWD link's CONNECT Timestamp is written in the zone of the gateway's peer acceptor (cmppTimeZone), not the JVM's. */
class FwdTimeZoneTest {

   private static final String A = "001001";
   private static final String B = "020001";

   @TempDir
   Path dir;

   @Test
   void theLinksConnectTimestampIsLocalTimeInTheConfiguredZone() throws Exception {
      Instant now = Instant.now();
      ZoneId shanghai = ZoneId.of("Asia/Shanghai");
      ZoneId zone = shanghai.getRules().getOffset(now).equals(ZoneId.systemDefault().getRules().getOffset(now))
         ? ZoneId.of("Pacific/Honolulu") : shanghai;
      int port = PeerBroker.freePort();
      try (ServerSocket server = new ServerSocket(0);
           PeerBroker a = PeerBroker.start(dir.resolve("a"), A, port, B, server.getLocalPort(), "", cfg -> {
              cfg.getAcceptorConfigurations().removeIf(acceptor -> acceptor.getName().equals("cmpp"));
              try {
                 cfg.addAcceptorConfiguration("cmpp", "tcp://127.0.0.1:" + port + "?protocols=CMPP;cmppAcceptPeers=true;cmppTimeZone="
                    + zone.getId());
              } catch (Exception e) {
                 throw new IllegalStateException(e);
              }
           });
           CmppSocket peer = new CmppSocket(server.accept())) {
         Connect connect = peer.read(Connect.class);
         long inZone = CmppTimestamp.epochSecond(connect.timestamp(), Clock.system(zone)).orElseThrow();
         long inJvmZone = CmppTimestamp.epochSecond(connect.timestamp(), Clock.systemDefaultZone()).orElseThrow();
         long clock = Instant.now().getEpochSecond();
         assertTrue(Math.abs(inZone - clock) <= CmppTimestamp.MAX_CONNECT_LEAD_SECONDS + 60,
                    "Timestamp " + connect.timestamp() + " is the time in " + zone);
         assertFalse(Math.abs(inJvmZone - clock) <= 900, "not the JVM's local time");
      }
   }
}
