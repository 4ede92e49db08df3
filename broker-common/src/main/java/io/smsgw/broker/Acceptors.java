package io.smsgw.broker;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

/** Questions about the broker's configured acceptors. */
public final class Acceptors {

   private Acceptors() {
   }

   /** Whether any acceptor lists {@code protocol} in its {@code protocols=} parameter. */
   public static boolean anyEnables(ActiveMQServer server, String protocol) {
      for (TransportConfiguration acceptor : server.getConfiguration().getAcceptorConfigurations()) {
         if (lists(acceptor.getParams().get("protocols"), protocol)) {
            return true;
         }
      }
      return false;
   }

   /** Whether a {@code protocols=} value names exactly this one protocol (a dedicated acceptor). */
   public static boolean isOnly(Object protocols, String protocol) {
      return protocols != null && protocol.equals(protocols.toString().trim());
   }

   private static boolean lists(Object protocols, String protocol) {
      if (protocols == null) {
         return false;
      }
      for (String name : protocols.toString().split(",")) {
         if (protocol.equals(name.trim())) {
            return true;
         }
      }
      return false;
   }
}
