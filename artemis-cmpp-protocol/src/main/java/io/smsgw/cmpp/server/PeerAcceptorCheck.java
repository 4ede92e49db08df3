package io.smsgw.cmpp.server;

import io.smsgw.broker.Acceptors;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At broker start, a WARN when the configuration names other gateways (peers, or a tandem's directory) but no
 * CMPP acceptor has {@code cmppAcceptPeers=true}: their CONNECTs are refused, and a deployment that took them on
 * its SP acceptor before that parameter existed learns why from this line rather than from the peers' operators.
 */
final class PeerAcceptorCheck implements ActiveMQComponent {

   private static final Logger logger = LoggerFactory.getLogger(PeerAcceptorCheck.class);
   static final String PARAMETER = "cmppAcceptPeers";

   private final ActiveMQServer server;
   private final GatewayRuntime runtime;
   private volatile boolean started;

   PeerAcceptorCheck(ActiveMQServer server, GatewayRuntime runtime) {
      this.server = server;
      this.runtime = runtime;
   }

   @Override
   public void start() {
      started = true;
      GatewayConfig config = runtime.isConfigured() ? runtime.config() : null;
      if (config == null || (config.peers().isEmpty() && config.tandem() == null) || anyAcceptsPeers(server)) {
         return;
      }
      String who = !config.peers().isEmpty() && config.tandem() != null ? "peers and tandem gateways are"
         : !config.peers().isEmpty() ? "peers are" : "tandem gateways are";
      logger.warn("sms-gateway.conf: {} configured, but no CMPP acceptor has {}=true, so their CONNECTs are refused "
                  + "(Status 2). Give the acceptor for other gateways the parameter, e.g. <acceptor name=\"cmpp-fwd\">"
                  + "tcp://0.0.0.0:7930?protocols=CMPP;{}=true</acceptor>, and keep it off the SP-facing acceptor "
                  + "(docs/multi-gateway.md)", who, PARAMETER, PARAMETER);
   }

   /** Whether some acceptor that enables CMPP (named in protocols=, or no protocols= at all) takes other gateways. */
   static boolean anyAcceptsPeers(ActiveMQServer server) {
      for (TransportConfiguration acceptor : server.getConfiguration().getAcceptorConfigurations()) {
         Object protocols = acceptor.getParams().get("protocols");
         // Protocol parameters are not transport parameters: the URL parser keeps them apart, for the protocol managers.
         Object acceptPeers = acceptor.getExtraParams() == null ? null : acceptor.getExtraParams().get(PARAMETER);
         if (acceptPeers == null) {
            acceptPeers = acceptor.getParams().get(PARAMETER);
         }
         if ((protocols == null || Acceptors.lists(protocols, CmppProtocolManagerFactory.PROTOCOL_NAME)) && acceptPeers != null
             && Boolean.parseBoolean(acceptPeers.toString().trim())) {
            return true;
         }
      }
      return false;
   }

   @Override
   public void stop() {
      started = false;
   }

   @Override
   public boolean isStarted() {
      return started;
   }
}
