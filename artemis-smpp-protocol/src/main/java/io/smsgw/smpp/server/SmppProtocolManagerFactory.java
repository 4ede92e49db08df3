package io.smsgw.smpp.server;

import java.util.List;
import java.util.Map;

import io.smsgw.broker.AbstractSmsProtocolManagerFactory;
import io.smsgw.broker.AcceptorManagerSetup;
import io.smsgw.broker.Acceptors;
import io.smsgw.broker.BrokerExposure;
import io.smsgw.broker.LoginPenaltyBeans;
import io.smsgw.broker.GatewayConfigServices;
import io.smsgw.smpp.client.SmscLinkService;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.api.core.BaseInterceptor;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point found by the broker through ServiceLoader. One instance per broker; it creates one
 * {@link SmppProtocolManager} per acceptor with {@code protocols=SMPP} and owns the state those acceptors
 * share (accounts, session counts, id generators).
 */
public final class SmppProtocolManagerFactory extends AbstractSmsProtocolManagerFactory<SmppInterceptor> {

   private static final Logger logger = LoggerFactory.getLogger(SmppProtocolManagerFactory.class);

   public static final String MODULE_NAME = "artemis-smpp-protocol";
   public static final String PROTOCOL_NAME = "SMPP";
   /** Checks and sets each acceptor's parameters; remembers the refused acceptors, so the broker does not start without them. */
   private final AcceptorManagerSetup<SmppProtocolManager> setup =
      new AcceptorManagerSetup<>(SmppProtocolManager.class, PROTOCOL_NAME, "CMPP", "a", logger);

   public SmppProtocolManagerFactory() {
      super(SmppInterceptor.class, PROTOCOL_NAME, MODULE_NAME);
   }

   @Override
   public ProtocolManager createProtocolManager(ActiveMQServer server,
                                                Map<String, Object> parameters,
                                                List<BaseInterceptor> incomingInterceptors,
                                                List<BaseInterceptor> outgoingInterceptors) throws Exception {
      return setup.create(parameters, () -> new SmppProtocolManager(this, server, GatewayRuntime.of(server),
                                                                    incomingInterceptors, outgoingInterceptors));
   }

   /**
    * Loads the gateway configuration once per broker start when an SMPP acceptor exists (a broken file must
    * stop the broker rather than leave an acceptor that refuses every bind, so the error is thrown from a
    * component's start(), which the broker does not swallow, unlike exceptions thrown from here), and runs
    * the SMSC links the configuration declares. Warns when broker security is off and an application acceptor
    * listens beyond loopback ({@link BrokerExposure}).
    */
   @Override
   public void loadProtocolServices(ActiveMQServer server, List<ActiveMQComponent> services) throws Exception {
      GatewayRuntime runtime = GatewayRuntime.of(server);
      services.add(setup.refusals()); // first: nothing of the gateway starts when an acceptor was refused
      services.add(new BrokerExposure(server));
      services.add(new LoginPenaltyBeans(server, PROTOCOL_NAME)); // a bean per SMPP acceptor, while it exists
      if (Acceptors.anyEnables(server, PROTOCOL_NAME)) {
         services.add(GatewayConfigServices.of(server, runtime));
      }
      services.add(new SmscLinkService(server, runtime));
      // Ends the client sessions with unbind / TERMINATE when the broker stops (shared with the other protocol).
      services.add(io.smsgw.broker.ClientSessionsStop.of(server));
   }
}
