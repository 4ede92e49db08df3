package io.smsgw.broker;

import java.net.InetAddress;

/**
 * One connection's place among its acceptor's connections not logged in yet, per address (decision 186): taken when the
 * session is created ({@link AbstractSmsProtocolManager#takePreLogin}), given back exactly once, when the login is
 * accepted or the connection closes. Event loop only.
 */
public final class PreLoginSlot {

   private final AbstractSmsProtocolManager<?, ?> manager;
   private final InetAddress address;
   private boolean held;

   PreLoginSlot(AbstractSmsProtocolManager<?, ?> manager, InetAddress address, boolean held) {
      this.manager = manager;
      this.address = address;
      this.held = held;
   }

   /** The client's address, as counted (null when unknown). */
   public InetAddress address() {
      return address;
   }

   /** Whether the acceptor let the connection stay; false: it was over its address's limit and is to be closed at once. */
   public boolean admitted() {
      return held;
   }

   /** No longer one of the connections not logged in (the login accepted, or the connection closed); once. */
   public void release() {
      if (held) {
         held = false;
         manager.leftPreLogin(address);
      }
   }
}
