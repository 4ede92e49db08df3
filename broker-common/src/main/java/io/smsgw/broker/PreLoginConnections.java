package io.smsgw.broker;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The connections of one acceptor that have not logged in yet, counted per client address as {@link LoginPenalties}
 * keys it (IPv4 alone, IPv6 by its /64). A connection is counted from its session's creation until its login is
 * accepted or it closes, so a refusal waiting out its penalty still counts. Before this only the bind / CONNECT
 * timeout bounded a connection that never logs in: one address could hold as many sockets as it could open. An entry
 * lives only while its address has such connections, so the map is bounded by the open connections. Called on the
 * acceptor's event loops, once per connection; thread-safe.
 */
public final class PreLoginConnections {

   private final Map<String, int[]> counts = new HashMap<>();

   /**
    * A new connection from {@code address}: true when it is counted, false when its address already has {@code max}
    * connections not logged in (then it is not counted, and is to be closed). {@code max} 0 or less, or an unknown
    * address: counted nowhere, always true.
    *
    * @return whether the connection may stay
    */
   public boolean opened(InetAddress address, int max) {
      if (max <= 0 || address == null) {
         return true;
      }
      String key = LoginPenalties.addressId(address);
      synchronized (this) {
         int[] count = counts.computeIfAbsent(key, k -> new int[1]);
         if (count[0] >= max) {
            return false;
         }
         count[0]++;
         return true;
      }
   }

   /** A connection {@link #opened} counted logged in or closed; to be called once for it. */
   public void left(InetAddress address) {
      if (address == null) {
         return;
      }
      String key = LoginPenalties.addressId(address);
      synchronized (this) {
         int[] count = counts.get(key);
         if (count != null && --count[0] <= 0) {
            counts.remove(key);
         }
      }
   }

   /** The connections from {@code address} (any address of its /64 for IPv6) not logged in now. */
   public synchronized int count(InetAddress address) {
      int[] count = counts.get(LoginPenalties.addressId(address));
      return count == null ? 0 : count[0];
   }
}
