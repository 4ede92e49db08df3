package io.smsgw.cmpp.server;

import java.util.List;
import java.util.Map;

import io.smsgw.broker.AbstractSmsProtocolManagerFactory;
import io.smsgw.broker.AcceptorManagerSetup;
import io.smsgw.broker.Acceptors;
import io.smsgw.broker.BrokerExposure;
import io.smsgw.broker.LoginPenaltyBeans;
import io.smsgw.broker.GatewayConfigServices;
import io.smsgw.cmpp.fwd.FwdLinkService;
import io.smsgw.cmpp.gns.TandemLifecycle;
import io.smsgw.cmpp.gns.client.RouteCacheService;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.api.core.BaseInterceptor;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point found by the broker through ServiceLoader: creates one {@link CmppProtocolManager} per acceptor
 * with {@code protocols=CMPP}. Accounts, session counts and Msg_Id generation are shared with the SMPP
 * acceptors through the broker's {@link GatewayRuntime}.
 */
public final class CmppProtocolManagerFactory extends AbstractSmsProtocolManagerFactory<CmppInterceptor> {

   private static final Logger logger = LoggerFactory.getLogger(CmppProtocolManagerFactory.class);

   public static final String PROTOCOL_NAME = "CMPP";
   public static final String MODULE_NAME = "artemis-cmpp-protocol";
   /** Checks and sets each acceptor's parameters; remembers the refused acceptors, so the broker does not start without them. */
   private final AcceptorManagerSetup<CmppProtocolManager> setup =
      new AcceptorManagerSetup<>(CmppProtocolManager.class, PROTOCOL_NAME, "SMPP", "an", logger);

   public CmppProtocolManagerFactory() {
      super(CmppInterceptor.class, PROTOCOL_NAME, MODULE_NAME);
   }

   @Override
   public ProtocolManager createProtocolManager(ActiveMQServer server,
                                                Map<String, Object> parameters,
                                                List<BaseInterceptor> incomingInterceptors,
                                                List<BaseInterceptor> outgoingInterceptors) throws Exception {
      ProtocolManager created = setup.create(parameters, () -> new CmppProtocolManager(this, server, GatewayRuntime.of(server),
                                                                                       incomingInterceptors, outgoingInterceptors));
      gatewayZone(server);
      return created;
   }

   /**
    * The gateway's days (the daily quota's reset, CMPP QUERY's days) are in the CMPP acceptors' zone: that of the
    * acceptor with cmppAcceptPeers=true, else of the first setting cmppTimeZone, else the JVM's (CmppZone.of), the zone
    * the gateway's own CMPP clients write in (docs/decisions.md, "The gateway's day is the CMPP day").
    */
   private static void gatewayZone(ActiveMQServer server) {
      try {
         GatewayRuntime.of(server).clock().zone(CmppZone.of(server));
      } catch (IllegalArgumentException e) {
         // A cmppTimeZone that names no zone: its acceptor's refusal stops the start and names it.
      }
   }

   /**
    * Loads the gateway configuration at broker start when a CMPP acceptor exists (see GatewayConfigService), warns
    * when other gateways are configured but no acceptor takes them ({@link PeerAcceptorCheck}), then starts the
    * outgoing CMPP_FWD links to the configured peer gateways and, on a tandem, its route service. Warns
    * when broker security is off and an application acceptor listens beyond loopback ({@link BrokerExposure}; the SMPP
    * module adds the same check, one of them warns).
    */
   @Override
   public void loadProtocolServices(ActiveMQServer server, List<ActiveMQComponent> services) {
      services.add(setup.refusals()); // first: nothing of the gateway starts when an acceptor was refused
      services.add(new BrokerExposure(server));
      services.add(new LoginPenaltyBeans(server, PROTOCOL_NAME)); // a bean per CMPP acceptor, while it exists
      // Ends the client sessions with unbind / TERMINATE when the broker stops (shared with the other protocol).
      services.add(io.smsgw.broker.ClientSessionsStop.of(server));
      if (Acceptors.anyEnables(server, PROTOCOL_NAME)) {
         services.add(GatewayConfigServices.of(server, GatewayRuntime.of(server)));
         services.add(new PeerAcceptorCheck(server, GatewayRuntime.of(server)));
         services.add(new FwdLinkService(server, GatewayRuntime.of(server)));
         services.add(new TandemLifecycle(server, GatewayRuntime.of(server)));
         services.add(new RouteCacheService(server, GatewayRuntime.of(server)));
      }
   }
}
