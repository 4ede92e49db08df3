package io.smsgw.cmpp.gns;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.MoRouteUpdate;
import io.smsgw.cmpp.codec.MtRouteUpdate;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.TandemConfig;
import io.smsgw.core.runtime.GatewayRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tandem gateway (GNS) role of one broker: authenticates the network's gateways, owns the
 * {@link TandemRouteTable} and pushes every applied route change to the gateways with an open GNS session.
 * The gateway directory (addresses, regions, secrets) is read from the configuration in force, so a reload
 * changes it; the routes are seeded from the {@code tandem} section once, the first time they are needed, and
 * then change only through MT/MO_ROUTE_UPDATE (in memory: a restart goes back to the file).
 */
public final class TandemService {

   private static final Logger logger = LoggerFactory.getLogger(TandemService.class);
   private static final Map<GatewayRuntime, TandemService> BY_RUNTIME = new WeakHashMap<>();

   private final GatewayRuntime runtime;
   private final Clock clock;
   private final Set<GnsSessionHandler> sessions = ConcurrentHashMap.newKeySet();
   private volatile TandemRouteTable table;

   TandemService(GatewayRuntime runtime, Clock clock) {
      this.runtime = Objects.requireNonNull(runtime, "runtime");
      this.clock = Objects.requireNonNull(clock, "clock");
   }

   /** The service of this broker's runtime, created on first use; it does nothing unless a tandem section exists. */
   public static TandemService of(GatewayRuntime runtime) {
      synchronized (BY_RUNTIME) {
         return BY_RUNTIME.computeIfAbsent(runtime, r -> new TandemService(r, Clock.systemDefaultZone()));
      }
   }

   /** The {@code tandem} section in force, or null when this gateway is not a tandem. */
   TandemConfig directory() {
      GatewayConfig config = runtime.config();
      return config == null ? null : config.tandem();
   }

   /** Whether a CONNECT from {@code sourceAddr} is a gateway of the network asking this tandem for routes. */
   public boolean isGateway(String sourceAddr) {
      TandemConfig directory = directory();
      return directory != null && directory.gateways().containsKey(sourceAddr);
   }

   /** CONNECT Status for a gateway: 0, or 3 when the authenticator does not match its shared secret. */
   public int checkConnect(Connect connect) {
      TandemConfig.Gateway gateway = gateway(connect.sourceAddr());
      if (gateway == null) {
         return CmppResult.CONNECT_ILLEGAL_SOURCE_ADDR;
      }
      return CmppAuthenticator.verifySource(connect, gateway.sharedSecret())
         ? CmppResult.CONNECT_OK : CmppResult.CONNECT_AUTHENTICATION_ERROR;
   }

   /** AuthenticatorISMG of the successful CONNECT_RESP to a gateway. */
   public byte[] authenticatorIsmg(Connect connect, CmppVersion version) {
      TandemConfig.Gateway gateway = gateway(connect.sourceAddr());
      String secret = gateway == null ? "" : gateway.sharedSecret();
      return CmppAuthenticator.authenticatorIsmg(CmppResult.CONNECT_OK, connect.authenticatorSource(), secret, version);
   }

   /** Registers a connected gateway: its route requests go to the returned handler, and it receives pushes. */
   public GnsSessionHandler open(String gatewayCode, GnsPeer peer) {
      GnsSessionHandler session = new GnsSessionHandler(this, gatewayCode, peer);
      sessions.add(session);
      logger.info("Gateway {} registered for route pushes ({} registered)", gatewayCode, sessions.size());
      return session;
   }

   void close(GnsSessionHandler session) {
      if (sessions.remove(session)) {
         logger.info("Gateway {} unregistered ({} registered)", session.gatewayCode(), sessions.size());
      }
   }

   /** The number of open GNS sessions. */
   public int registeredSessions() {
      return sessions.size();
   }

   TandemConfig.Gateway gateway(String code) {
      TandemConfig directory = directory();
      return directory == null ? null : directory.gateways().get(code);
   }

   /** The route table, seeded from the tandem section on first use. */
   public TandemRouteTable table() {
      TandemRouteTable current = table;
      if (current == null) {
         synchronized (this) {
            current = table;
            if (current == null) {
               TandemConfig directory = directory();
               current = directory == null ? new TandemRouteTable(clock) : TandemRouteTable.fromConfig(directory, clock);
               table = current;
               logger.info("Tandem route table: {} MT and {} MO routes from the configuration", current.mtRouteCount(),
                           current.moRouteCount());
            }
         }
      }
      return current;
   }

   /**
    * Applies a gateway's update and pushes the change to every registered gateway that sees the route (the
    * sender included, so its cache learns the route id and time stamp). Result 4 once this gateway is no longer
    * a tandem; the others see {@link TandemRouteTable#updateMt} and {@link TandemRouteTable#updateMo}.
    */
   TandemRouteTable.UpdateOutcome updateMt(String from, MtRouteUpdate update) {
      TandemConfig directory = directory();
      if (directory == null) {
         return new TandemRouteTable.UpdateOutcome(CmppResult.GNS_UPDATE_NOT_ACCEPTED, update.routeId(), GnsTimestamp.now(clock));
      }
      TandemRouteTable.UpdateOutcome outcome = table().updateMt(update, directory, change -> {
         for (GnsSessionHandler session : sessions) {
            session.push(change.route().toPush(session.nextSequence(), change.updateType()));
         }
      });
      logger.info("MT_ROUTE_UPDATE type {} from {}: Result {}, route {}", update.updateType(), from, outcome.result(),
                  outcome.routeId());
      return outcome;
   }

   TandemRouteTable.UpdateOutcome updateMo(String from, MoRouteUpdate update) {
      TandemConfig directory = directory();
      if (directory == null) {
         return new TandemRouteTable.UpdateOutcome(CmppResult.GNS_UPDATE_NOT_ACCEPTED, update.routeId(), GnsTimestamp.now(clock));
      }
      TandemRouteTable.UpdateOutcome outcome = table().updateMo(update, directory, change -> {
         for (GnsSessionHandler session : sessions) {
            String region = session.region();
            if (region != null && change.concerns(region)) {
               session.push(change.route().toPush(session.nextSequence(), change.updateType()));
            }
         }
      });
      logger.info("MO_ROUTE_UPDATE type {} from {}: Result {}, route {}", update.updateType(), from, outcome.result(),
                  outcome.routeId());
      return outcome;
   }
}
