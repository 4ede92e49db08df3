package io.smsgw.cmpp.server;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;

import io.smsgw.broker.Acceptors;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

/**
 * The time zone of CMPP's local-time fields (CONNECT Timestamp, status report Submit_time / Done_time): the acceptor
 * parameter {@code cmppTimeZone}, the JVM's zone when it is not set. CMPP peers write Beijing time, so a gateway on a
 * UTC host talking to them sets {@code cmppTimeZone=Asia/Shanghai}.
 */
public final class CmppZone {

   public static final String PARAMETER = "cmppTimeZone";

   private CmppZone() {
   }

   /**
    * The zone a {@code cmppTimeZone} value names (an id such as Asia/Shanghai, or an offset such as +08:00).
    *
    * @throws IllegalArgumentException naming the parameter and what it takes
    */
   public static ZoneId parse(String value) {
      try {
         return ZoneId.of(value.trim());
      } catch (DateTimeException e) {
         throw new IllegalArgumentException(PARAMETER + "=" + value + " is no time zone: expected a zone id such as Asia/Shanghai "
                                            + "(the zone CMPP peers write their times in) or an offset such as +08:00");
      }
   }

   /**
    * The zone the gateway's own CMPP clients (FWD links, the GNS client) write their times in: that of the acceptor
    * other gateways connect to ({@code cmppAcceptPeers=true}), else of the first CMPP acceptor setting one, else the
    * JVM's. Read from the acceptor configuration, so it is known before any acceptor listens.
    */
   public static ZoneId of(ActiveMQServer server) {
      String any = null;
      for (TransportConfiguration acceptor : server.getConfiguration().getAcceptorConfigurations()) {
         if (!Acceptors.lists(acceptor.getParams().get("protocols"), CmppProtocolManagerFactory.PROTOCOL_NAME)) {
            continue;
         }
         Map<String, Object> parameters = acceptor.getCombinedParams(); // the protocols' own parameters are "extra" ones
         Object zone = parameters.get(PARAMETER);
         if (zone == null) {
            continue;
         }
         if (Boolean.parseBoolean(String.valueOf(parameters.get("cmppAcceptPeers")))) {
            return parse(zone.toString());
         }
         any = any == null ? zone.toString() : any;
      }
      return any == null ? ZoneId.systemDefault() : parse(any);
   }
}
