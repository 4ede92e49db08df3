package io.smsgw.broker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns, once per broker start, when broker security is off and an acceptor that serves the application protocols
 * (CORE, AMQP, STOMP, MQTT, OpenWire) listens on more than the loopback interface. Without security whoever reaches
 * such a port can read any account's queue, send MT as any account, forge reports and billing records and call the
 * management operations (README, "Security"). The SMPP and CMPP acceptors are not counted: they authenticate every
 * account against sms-gateway.conf whatever the broker's security says.
 *
 * <p>Both protocol modules add this component; whichever starts first checks, the other stays quiet.
 */
public final class BrokerExposure implements ActiveMQComponent {

   private static final Logger logger = LoggerFactory.getLogger(BrokerExposure.class);

   /** What an acceptor serves to applications; an acceptor without a protocols list serves all of them. */
   static final Set<String> APPLICATION_PROTOCOLS = Set.of("CORE", "AMQP", "STOMP", "MQTT", "OPENWIRE", "HORNETQ");

   /** The check of each running broker, so two modules do not warn twice. */
   private static final Map<ActiveMQServer, BrokerExposure> CHECKED = Collections.synchronizedMap(new WeakHashMap<>());

   private final ActiveMQServer server;
   private volatile boolean started;

   public BrokerExposure(ActiveMQServer server) {
      this.server = server;
   }

   @Override
   public void start() {
      started = true;
      if (CHECKED.putIfAbsent(server, this) != null) {
         return;
      }
      StorageOverload.warnDroppingAddresses(server); // once per start as well
      List<String> exposed = exposedApplicationAcceptors(server.getConfiguration());
      if (!exposed.isEmpty()) {
         logger.warn("Broker security is off (security-enabled=false) and {} listen(s) beyond the loopback interface: anybody who "
                        + "reaches it can read every account's MO and reports on sms.sp.<account>, send MT as any account, forge "
                        + "reports and billing records and call the management operations. Bind it to 127.0.0.1, or turn security "
                        + "on (README, \"Security\").", String.join(", ", exposed));
      }
   }

   @Override
   public void stop() {
      started = false;
      CHECKED.remove(server, this);
   }

   @Override
   public boolean isStarted() {
      return started;
   }

   /**
    * With security off, the network acceptors that serve an application protocol on a non-loopback address, each as
    * {@code 'name' (protocols) on host:port}; empty when security is on or every such acceptor is on loopback.
    */
   public static List<String> exposedApplicationAcceptors(Configuration config) {
      List<String> exposed = new ArrayList<>();
      if (config.isSecurityEnabled()) {
         return exposed;
      }
      for (TransportConfiguration acceptor : config.getAcceptorConfigurations()) {
         if (!NettyAcceptorFactory.class.getName().equals(acceptor.getFactoryClassName())) {
            continue; // in-VM acceptors take no network connections
         }
         Object protocols = acceptor.getParams().get(TransportConstants.PROTOCOLS_PROP_NAME);
         Object host = acceptor.getParams().getOrDefault(TransportConstants.HOST_PROP_NAME, TransportConstants.DEFAULT_HOST);
         if (servesApplications(protocols) && !loopbackOnly(host.toString())) {
            Object port = acceptor.getParams().getOrDefault(TransportConstants.PORT_PROP_NAME, TransportConstants.DEFAULT_PORT);
            exposed.add("acceptor '" + acceptor.getName() + "' (" + (protocols == null ? "all protocols" : protocols) + ") on "
                           + host + ":" + port);
         }
      }
      return exposed;
   }

   /** Whether a {@code protocols=} value (null: every protocol on the class path, CORE included) lists an application protocol. */
   static boolean servesApplications(Object protocols) {
      if (protocols == null) {
         return true;
      }
      for (String protocol : protocols.toString().split(",")) {
         if (APPLICATION_PROTOCOLS.contains(protocol.trim().toUpperCase(Locale.ROOT))) {
            return true;
         }
      }
      return false;
   }

   /**
    * Whether every host of an acceptor's {@code host=} value (comma-separated, as the acceptor splits it) is a loopback
    * address. A wildcard (0.0.0.0, ::) or a name that does not resolve counts as exposed.
    */
   static boolean loopbackOnly(String hosts) {
      for (String entry : hosts.split(",")) {
         String host = entry.trim();
         if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
         }
         try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
               if (!address.isLoopbackAddress()) {
                  return false;
               }
            }
         } catch (UnknownHostException e) {
            return false;
         }
      }
      return true;
   }
}
